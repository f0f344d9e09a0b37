"""The result has the promised shape: SPEC §2 names, the file's sha256, a JSON-ready summary."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import fitdecode
import pytest

from athletes.watch_files import read_watch_file
from tests.watch_files import build as b
from tests.watch_files.facts import recordings
from tests.watch_files.reading import read

SESSION_FIELDS = {
    "date",
    "activity",
    "terrain",
    "surface",
    "incline_percent",
    "duration_min",
    "distance_km",
    "run_interval_sec",
    "walk_interval_sec",
    "repeats",
    "cadence_spm",
}
SUMMARY_FIELDS = {
    "format",
    "sport",
    "device",
    "started_at",
    "elapsed_min",
    "timer_min",
    "moving_min",
    "distance_km",
    "ascent_m",
    "descent_m",
    "elevation_source",
    "mean_grade_percent",
    "has_positions",
    "cadence",
    "laps",
    "run_share",
    "notes",
}
GOOD = [path for path in recordings() if not path.name.startswith(("bad-", "no-"))]


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.name)
def test_every_recording_gives_the_promised_shape(path: Path) -> None:
    data = path.read_bytes()

    result = read(data, today=dt.date(2030, 1, 1))

    assert set(result.session) == SESSION_FIELDS
    assert result.file_sha256 == hashlib.sha256(data).hexdigest()
    assert set(result.summary) >= SUMMARY_FIELDS
    assert json.loads(json.dumps(result.summary)) == result.summary
    assert result.summary["format"] == path.suffix[1:].lower()
    distance = result.session["distance_km"]
    assert distance is None or distance == distance.quantize(Decimal("0.01"))
    for lap in result.summary["laps"]:
        assert set(lap) == {"start_min", "duration_min", "distance_km", "avg_cadence_spm"}


def test_the_format_comes_from_the_content_not_the_name() -> None:
    data = b.tcx(b.samples([b.run(600)]))
    upload = io.BytesIO(data)
    upload.name = "session.gpx"  # a misleading name, as a phone may give

    result = read_watch_file(upload, time_zone=ZoneInfo("Europe/London"), today=b.TODAY)

    assert result.summary["format"] == "tcx"


def test_fit_laps_carry_their_cadence_in_steps_per_minute() -> None:
    path = next(p for p in GOOD if p.name == "fenix6-track-run.fit")
    expected = []
    with fitdecode.FitReader(str(path)) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "lap":
                per_leg = frame.get_value("avg_running_cadence")
                fraction = frame.get_value("avg_fractional_cadence", fallback=0) or 0
                expected.append(2 * (per_leg + fraction))

    laps = read(path.read_bytes(), today=dt.date(2030, 1, 1)).summary["laps"]

    assert len(laps) == len(expected) == 17
    for lap, cadence in zip(laps, expected, strict=True):
        assert lap["avg_cadence_spm"] == pytest.approx(cadence, abs=0.05)


def test_the_bouts_in_the_summary_are_capped_at_200() -> None:
    legs = [leg for _ in range(150) for leg in (b.run(20), b.walk(20))]

    result = read(b.gpx(b.samples(legs)))

    assert result.session["activity"] == "walk_run"
    assert len(result.summary["intervals"]) == 200


def test_the_summary_says_where_the_elevation_came_from() -> None:
    assert read(b.gpx(b.samples([b.run(600)]))).summary["elevation_source"] == "smoothed"
