"""A file without positions, or one whose sport says treadmill, is a treadmill session."""

from __future__ import annotations

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read


def test_a_dated_file_without_positions_is_a_treadmill_session_without_terrain() -> None:
    result = read(b.tcx(b.samples([b.walk(1800)]), positions=False, elevation=False))

    session = result.session
    assert session["date"] == b.START.date()
    assert session["surface"] == "treadmill"
    assert session["terrain"] is None
    assert session["incline_percent"] is None
    assert session["activity"] == "walk"
    assert session["duration_min"] == 30
    assert result.summary["has_positions"] is False
    assert any("set the terrain and the incline" in note for note in result.summary["notes"])


def test_a_treadmill_with_a_barometer_still_leaves_the_incline_to_the_user() -> None:
    # Indoors the barometer reads flat whatever the treadmill's incline.
    result = read(b.tcx(b.samples([b.walk(1800)]), positions=False, elevation=True))

    assert result.session["surface"] == "treadmill"
    assert result.session["terrain"] is None


def test_a_sport_named_treadmill_is_a_treadmill_even_with_positions() -> None:
    result = read(b.gpx(b.samples([b.run(900)]), sport="treadmill_running"))

    assert result.session["surface"] == "treadmill"
    assert result.session["activity"] == "run"
    assert result.session["terrain"] is None


def test_the_real_treadmill_recording_is_a_dated_treadmill_run() -> None:
    # Forerunner 935, "Indoor" profile: no positions, no altitude, 13.07 km, cadence.
    path = FOLDERS[1] / "fr935-treadmill.fit"

    session = read(path.read_bytes(), today=b.TODAY.replace(year=2030)).session

    assert session["date"] is not None
    assert (session["surface"], session["terrain"], session["activity"]) == (
        "treadmill",
        None,
        "run",
    )


def test_an_outdoor_run_leaves_the_surface_to_the_user() -> None:
    assert read(b.gpx(b.samples([b.run(900)]))).session["surface"] is None


def test_trail_and_track_sports_give_their_surface() -> None:
    assert read(b.gpx(b.samples([b.run(900)]), sport="trail_running")).session["surface"] == "trail"
    path = FOLDERS[1] / "fenix6-track-run.fit"
    session = read(path.read_bytes(), today=b.TODAY.replace(year=2030)).session
    assert session["surface"] == "track"
