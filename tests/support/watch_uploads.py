"""Watch files as the pages' tests upload them: a real recording, or a recent run built in code.

The real recordings are the reader's fixtures (``tests.watch_files.facts.FOLDERS``); the
recent run is built with ``tests.watch_files.build`` so that it is dated on the day a test
needs (the recordings are years old), with a cadence near an athlete's target.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from athletes.watch_files import MAX_BYTES, errors
from tests.support.clock import TODAY
from tests.watch_files import build
from tests.watch_files.facts import FOLDERS

RUN_SPEED = 3.0  # m/s, an easy jog: 30 minutes make 5.40 km


def recording(name: str) -> Path:
    """Return the path of the real recording ``name`` in the fixture folders."""
    return next(folder / name for folder in FOLDERS if (folder / name).exists())


def recent_run(
    day: dt.date, *, minutes: int = 30, cadence_spm: int = 170, at: dt.time = dt.time(8, 30)
) -> bytes:
    """Return a GPX file of a flat run on ``day`` (UTC, as the London clinic in March)."""
    legs = [build.Leg(minutes * 60, RUN_SPEED, cadence_spm)]
    start = dt.datetime.combine(day, at, tzinfo=dt.UTC)
    return build.gpx(build.samples(legs), start=start)


def upload(data: bytes, name: str = "session.gpx") -> SimpleUploadedFile:
    """Return ``data`` as a browser uploads it (the name is never what decides the format)."""
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_TOMORROW = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8), tzinfo=dt.UTC)
_RUN = build.samples([build.run(600)])

# Each kind of file the reader refuses (SPEC §9), with the message a user reads beside the
# file input; "tomorrow" is the day after the tests' frozen today.
REFUSED_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", errors.EMPTY),
    "an image": (build.png(), errors.NOT_A_WATCH_FILE),
    "truncated": (recording("bad-truncated.fit").read_bytes(), errors.FIT_TRUNCATED),
    "bad checksum": (recording("bad-crc.fit").read_bytes(), errors.FIT_BAD_CRC),
    "xml bomb": (build.billion_laughs_gpx(), errors.XML_FORBIDDEN),
    "external entity": (build.external_entity_tcx(), errors.XML_FORBIDDEN),
    "no activity": (
        recording("no-activity-route-only.gpx").read_bytes(),
        errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_ROUTE),
    ),
    "dated tomorrow": (
        build.gpx(_RUN, start=_TOMORROW),
        errors.FUTURE_DATE.format(date=_TOMORROW.date().isoformat()),
    ),
    "several activities": (
        build.tcx(_RUN, activities=2),
        errors.SEVERAL_ACTIVITIES.format(count=2),
    ),
    "over 20 MB": (b"\0" * (MAX_BYTES + 1), errors.TOO_LARGE),
}
