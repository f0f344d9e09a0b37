"""The one entry point: bytes of an uploaded file in, a filled-in session out.

The format is told from the content, never the name: a FIT header (".FIT" at byte 8),
else an XML root ``gpx`` or ``TrainingCenterDatabase``. At most ``MAX_BYTES + 1`` bytes
are ever read from the file object, so a larger upload is refused without being read
whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from athletes.watch_files import errors
from athletes.watch_files.analysis import analyse
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.fit import looks_like_fit, read_fit
from athletes.watch_files.gpx import read_gpx
from athletes.watch_files.tcx import read_tcx
from athletes.watch_files.track import Recording
from athletes.watch_files.xmlsafe import looks_like_xml, root_name

MAX_BYTES = 20 * 1024 * 1024
_READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class WatchRead:
    """What a watch file says, for the user to check before saving.

    ``session`` holds SPEC §2 names only: date (``datetime.date`` | None), activity,
    terrain, surface, incline_percent (Decimal | None), duration_min, distance_km
    (Decimal, 2 places | None), run_interval_sec, walk_interval_sec, repeats,
    cadence_spm. ``summary`` is JSON-ready (see ``analysis``).
    """

    session: dict[str, Any]
    file_sha256: str  # hex sha256 of the file's bytes
    summary: dict[str, Any]


def read_watch_file(fileobj: BinaryIO, *, time_zone: ZoneInfo, today: dt.date) -> WatchRead:
    """Read a FIT, GPX or TCX file into session fields, dated in ``time_zone``.

    Raises ``WatchFileError`` (its text is for the user) for an empty, oversized,
    unknown, damaged, unsafe or future-dated file, or one without exactly one activity.
    """
    data = _read_capped(fileobj)
    recording = _recording(data)
    session, summary = analyse(recording, time_zone=time_zone, today=today)
    return WatchRead(session=session, file_sha256=hashlib.sha256(data).hexdigest(), summary=summary)


def _read_capped(fileobj: BinaryIO) -> bytes:
    """Return the file's bytes, reading no more than ``MAX_BYTES + 1`` of them."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:
        chunk = fileobj.read(min(_READ_CHUNK, MAX_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_BYTES:
        raise WatchFileError(errors.TOO_LARGE)
    if size == 0:
        raise WatchFileError(errors.EMPTY)
    return b"".join(chunks)


def _recording(data: bytes) -> Recording:
    if looks_like_fit(data[:12]):
        return read_fit(data)
    if looks_like_xml(data[:1024]):
        root = root_name(data)
        if root == "gpx":
            return read_gpx(data)
        if root == "TrainingCenterDatabase":
            return read_tcx(data)
    raise WatchFileError(errors.NOT_A_WATCH_FILE)
