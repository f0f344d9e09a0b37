"""The duration is the moving time: pauses carried no load."""

from __future__ import annotations

import datetime as dt

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read

LATER = dt.date(2030, 1, 1)


def test_a_run_with_long_pauses_counts_only_its_moving_time() -> None:
    # Forerunner 920XT: 143.8 min elapsed, 114.3 min on the timer, 112.8 moving (README).
    result = read((FOLDERS[0] / "fr920xt-run-with-pauses.fit").read_bytes(), today=LATER)

    assert 111 <= result.session["duration_min"] <= 115
    assert result.summary["elapsed_min"] == 143.8
    assert result.summary["timer_min"] == 114.3
    assert any(note.startswith("Duration is the moving time") for note in result.summary["notes"])


def test_stops_with_the_watch_running_are_not_counted() -> None:
    # Forerunner 110: the timer ran through the stops; 43.8 min elapsed, 35.4 moving.
    result = read((FOLDERS[0] / "fr110-hilly-run.fit").read_bytes(), today=LATER)

    assert result.summary["timer_min"] == 43.8
    assert 34 <= result.session["duration_min"] <= 36


def test_standing_still_is_not_moving_time() -> None:
    legs = [b.run(600), b.stand(300), b.run(600)]

    session = read(b.gpx(b.samples(legs))).session

    assert session["duration_min"] == 20


def test_a_gap_in_the_recording_is_not_moving_time() -> None:
    # The watch stopped writing for 10 minutes (auto-pause, or a lost signal).
    points = b.samples([b.run(600)])
    later = [
        b.Sample(p.t + 600 + 600, p.lat, p.lon + 0.03, p.ele, p.distance_m + 2000, p.cadence_spm)
        for p in b.samples([b.run(600)])
    ]

    session = read(b.gpx([*points, *later])).session

    assert session["duration_min"] == 20


def test_a_session_over_300_minutes_is_capped_with_a_note() -> None:
    result = read(b.gpx(b.samples([b.walk(6 * 3600)])))

    assert result.session["duration_min"] == 300
    assert result.summary["moving_min"] == 360.0
    assert any("capped at 300" in note for note in result.summary["notes"])


def test_a_very_short_session_lasts_at_least_a_minute() -> None:
    assert read(b.gpx(b.samples([b.run(20)]))).session["duration_min"] == 1
