"""Cadence is the mean step rate while moving, in steps per minute, within what the log accepts."""

from __future__ import annotations

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read

LATER = b.TODAY.replace(year=2030)


def test_per_leg_cadence_is_doubled_into_steps_per_minute() -> None:
    # The files hold 83 per leg (build writes cadence / 2), as Garmin does.
    assert read(b.gpx(b.samples([b.run(900)]))).session["cadence_spm"] == 166
    assert read(b.tcx(b.samples([b.run(900)]))).session["cadence_spm"] == 166


def test_fit_cadence_adds_the_fractional_part_before_doubling() -> None:
    # fenix 6: per-leg cadence with fractional_cadence; the README-independent mean of
    # 2 × (cadence + fractional) over its records is 179.7.
    session = read((FOLDERS[1] / "fenix6-track-run.fit").read_bytes(), today=LATER).session

    assert session["cadence_spm"] == 180


def test_standing_with_cadence_zero_does_not_lower_the_cadence() -> None:
    legs = [b.run(300), b.stand(60), b.run(300), b.stand(45), b.run(300)]

    result = read(b.gpx(b.samples(legs)))

    assert result.session["cadence_spm"] == 166
    assert result.summary["cadence"]["p10_spm"] == 166


def test_a_cadence_dropout_while_moving_does_not_lower_the_cadence() -> None:
    dropout = b.Leg(120, b.RUN_SPEED, 0)  # still running, the sensor reads 0
    legs = [b.run(300), dropout, b.run(300)]

    result = read(b.gpx(b.samples(legs)))

    assert result.session["cadence_spm"] == 166
    assert result.summary["moving_min"] == 12.0


def test_a_long_walk_with_stops_keeps_its_walking_cadence() -> None:
    # FR645M hike: its session average (63.9) counts the standing seconds at 0; the
    # mean of its nonzero records is 101.6 (README).
    session = read((FOLDERS[0] / "fr645m-long-walk.fit").read_bytes(), today=LATER).session

    assert session["cadence_spm"] == 102


def test_a_mean_below_the_log_range_is_left_empty_with_a_note() -> None:
    slow = b.Leg(900, 0.9, 94)  # a shuffle at 94 steps/min

    result = read(b.gpx(b.samples([slow])))

    assert result.session["cadence_spm"] is None
    assert result.summary["cadence"]["mean_spm"] == 94
    assert (
        "Cadence left empty: 94 steps/min is below the 100 the log accepts."
        in result.summary["notes"]
    )


def test_the_summary_gives_the_cadence_distribution() -> None:
    legs = [b.Leg(300, 3.0, 160), b.Leg(300, 3.0, 170), b.Leg(300, 3.0, 180)]

    cadence = read(b.gpx(b.samples(legs))).summary["cadence"]

    assert (cadence["p10_spm"], cadence["p50_spm"], cadence["p90_spm"]) == (160, 170, 180)
    assert cadence["samples"] == 900


def test_a_file_without_cadence_says_so() -> None:
    legs = [b.Leg(900, 3.0, None)]

    result = read(b.gpx(b.samples(legs)))

    assert result.session["cadence_spm"] is None
    assert result.summary["cadence"] is None
    assert "The file has no cadence." in result.summary["notes"]


def test_cross_training_has_no_step_rate() -> None:
    ride = b.Leg(900, 7.0, 180)  # 90 rpm pedalling is not 180 steps/min

    result = read(b.gpx(b.samples([ride]), sport="cycling"))

    assert result.session["cadence_spm"] is None
    assert result.summary["cadence"] is None
