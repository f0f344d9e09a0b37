"""Walk, run or walk–run comes from the samples; the sport decides only without them."""

from __future__ import annotations

from tests.watch_files import build as b
from tests.watch_files.reading import read


def test_running_cadence_is_a_run() -> None:
    assert read(b.gpx(b.samples([b.run(1200)]))).session["activity"] == "run"


def test_walking_cadence_is_a_walk_whatever_the_sport_says() -> None:
    assert read(b.gpx(b.samples([b.walk(1200)]), sport="running")).session["activity"] == "walk"


def test_without_cadence_the_speed_decides() -> None:
    jog = b.Leg(1200, 2.6, None)
    stroll = b.Leg(1200, 1.3, None)

    assert read(b.gpx(b.samples([jog]), sport=None)).session["activity"] == "run"
    assert read(b.gpx(b.samples([stroll]), sport=None)).session["activity"] == "walk"


def test_a_mix_of_running_and_walking_is_a_walk_run() -> None:
    legs = [b.run(600), b.walk(600)]

    result = read(b.gpx(b.samples(legs)))

    assert result.session["activity"] == "walk_run"
    assert 0.45 <= result.summary["run_share"] <= 0.55


def test_a_run_with_a_short_walk_is_still_a_run() -> None:
    legs = [b.run(1000), b.walk(100)]  # 9 % walking

    assert read(b.gpx(b.samples(legs))).session["activity"] == "run"


def test_without_speed_or_cadence_the_sport_decides() -> None:
    # A TCX from a gym machine: times only, no positions, distance or cadence.
    points = [b.Sample(p.t, p.lat, p.lon, p.ele, 0.0, None) for p in b.samples([b.walk(900)])]
    data = b.tcx(points, sport="Walking", positions=False, elevation=False)
    data = data.replace(b"<DistanceMeters>0.0</DistanceMeters>", b"")

    result = read(data)

    assert result.session["activity"] == "walk"
    assert result.session["duration_min"] == 15
    assert any("taken from the file's sport" in note for note in result.summary["notes"])


def test_cycling_is_cross_training_without_terrain_or_surface() -> None:
    result = read(b.gpx(b.samples([b.Leg(1200, 7.0, None)]), sport="cycling"))

    session = result.session
    assert session["activity"] == "cross_training"
    assert (session["terrain"], session["surface"], session["cadence_spm"]) == (None, None, None)


def test_a_tcx_biking_activity_is_cross_training() -> None:
    data = b.tcx(b.samples([b.Leg(1200, 7.0, None)]), sport="Biking")

    assert read(data).session["activity"] == "cross_training"
