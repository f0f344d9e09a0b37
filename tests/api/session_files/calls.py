"""Helpers shared by the tests in this folder: uploads, the fixtures, what the spool holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from athletes.models import Athlete
from tests.watch_files.facts import FOLDERS, recordings

WATCH_FILES = FOLDERS[0]  # shared/fixtures/watch-files: real recordings and damaged ones
# Every real recording a reader can read, in both folders (the others are damaged or
# hold no activity).
READABLE = [path for path in recordings() if not path.name.startswith(("bad-", "no-activity"))]


@dataclass
class Spool:
    """The upload temp dir: the temporary files uploads made there, and what is left."""

    folder: Path
    made: list[Path] = field(default_factory=list)

    def left(self) -> list[Path]:
        return sorted(self.folder.iterdir())


def session_files_url(athlete: Athlete | int) -> str:
    athlete_id = athlete if isinstance(athlete, int) else athlete.pk
    return f"/api/v1/athletes/{athlete_id}/session-files/"


def fixture(name: str) -> bytes:
    return (WATCH_FILES / name).read_bytes()


def upload(client: APIClient, athlete: Athlete | int, content: bytes, name: str = "x") -> Any:
    """POST ``content`` as the multipart field ``file`` (its name says nothing of its format)."""
    return client.post(
        session_files_url(athlete),
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
