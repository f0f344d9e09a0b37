"""Cached pieces of the PT pages, keyed by what they show (the dashboard's rows, the
athlete page's sessions table and charts).

A piece is cached under a key made of its code's fingerprint and the values it depends
on; a later view whose values differ makes a different key, so nothing is ever deleted
and old keys expire after ``SECONDS``. Each piece's module lists what goes into its key.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from progressions.stored import RULES_VERSION

SECONDS = 2 * 24 * 60 * 60  # a key names its day: two days outlive any time zone
_HERE = Path(__file__).resolve().parent


def code_version(module_file: str, template: str) -> str:
    """A fingerprint of what draws a piece: the rules, its module, its template and the
    template tags, so a release never serves a piece drawn by the code before it."""
    digest = hashlib.sha256(RULES_VERSION.encode())
    for path in (
        Path(module_file),
        _HERE / "templates" / template,
        _HERE / "templatetags" / "rehab.py",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(kind: str, *parts: Any) -> str:
    """The cache key of a piece of ``kind`` for these values (their ``repr``s, hashed)."""
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()
