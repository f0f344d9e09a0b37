"""Damaged copies of the real recordings raise WatchFileError, never a library's exception.

Each good recording is cut at several points and has single bytes changed (seeded, so
the run is repeatable); the reader must either read the copy or refuse it in words, and
log nothing (a log line could carry the athlete's data: gpxpy logs a document it cannot
parse at DEBUG).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from pathlib import Path

import pytest

from athletes.watch_files import WatchFileError
from tests.watch_files.facts import recordings
from tests.watch_files.reading import read

GOOD = [path for path in recordings() if not path.name.startswith(("bad-", "no-"))]


def _copies(data: bytes, seed: str) -> list[bytes]:
    rng = random.Random(seed)
    cuts = [data[: rng.randrange(1, len(data))] for _ in range(6)]
    flips = []
    for _ in range(6):
        at = rng.randrange(len(data))
        flips.append(data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :])
    return [*cuts, *flips]


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.name)
def test_damaged_copies_are_read_or_refused_in_words(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outcomes = []
    for copy in _copies(path.read_bytes(), path.name):
        try:
            read(copy, today=dt.date(2030, 1, 1))
            outcomes.append("read")
        except WatchFileError as error:
            outcomes.append(str(error))

    assert all(outcomes)
    assert caplog.records == []
    # Cutting a file short must be noticed at least once among the six cuts.
    assert any(outcome != "read" for outcome in outcomes[:6])
