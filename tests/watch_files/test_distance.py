"""Distance is the device's total where the file has one, else measured along the positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read


def test_a_gpx_distance_is_measured_along_the_positions() -> None:
    # 1,200 s at 3 m/s due east: 3.60 km.
    assert read(b.gpx(b.samples([b.run(1200)]))).session["distance_km"] == pytest.approx(
        Decimal("3.60"), abs=Decimal("0.02")
    )


def test_the_jump_between_two_gpx_segments_is_not_counted() -> None:
    first = b.gpx(b.samples([b.run(600)]))
    # A second segment 5 km further east, after the watch was paused for ten minutes.
    later = [
        b.Sample(p.t + 1200, p.lat, p.lon + 0.072, p.ele, p.distance_m, p.cadence_spm)
        for p in b.samples([b.run(600)])
    ]
    second = b.gpx(later)
    segment = second[second.index(b"<trkseg>") : second.index(b"</trkseg>") + 9]
    data = first.replace(b"</trkseg>", b"</trkseg>" + segment, 1)

    result = read(data)

    assert result.session["distance_km"] == pytest.approx(Decimal("3.60"), abs=Decimal("0.02"))
    assert result.session["duration_min"] == 20


def test_the_fit_session_total_is_the_distance() -> None:
    # Forerunner 920XT: session total_distance 16,773.34 m (read with fitdecode).
    path = FOLDERS[0] / "fr920xt-run-with-pauses.fit"

    assert read(path.read_bytes(), today=dt.date(2030, 1, 1)).session["distance_km"] == Decimal(
        "16.77"
    )


def test_a_distance_beyond_the_log_range_is_left_empty_with_a_note() -> None:
    ride = b.Leg(10_500, 20.0, None)  # 210 km

    result = read(b.gpx(b.samples([ride]), sport="cycling"))

    assert result.session["distance_km"] is None
    assert result.summary["distance_km"] == pytest.approx(210, abs=1)
    assert any(note.startswith("Distance left empty") for note in result.summary["notes"])
