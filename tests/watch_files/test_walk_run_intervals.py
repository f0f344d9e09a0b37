"""Walk–run sessions give their run/walk seconds and repeats only when the pattern is regular."""

from __future__ import annotations

from tests.watch_files import build as b
from tests.watch_files.reading import read


def test_a_regular_pattern_gives_its_intervals_and_repeats() -> None:
    # 2 min warm-up walk, then 8 × (60 s run + 90 s walk): 22 min.
    legs = [b.walk(120), *[leg for _ in range(8) for leg in (b.run(60), b.walk(90))]]

    session = read(b.gpx(b.samples(legs))).session

    assert session["activity"] == "walk_run"
    assert (session["run_interval_sec"], session["walk_interval_sec"]) == (60, 90)
    assert session["repeats"] == 8
    assert session["duration_min"] == 22
    assert session["duration_min"] * 60 >= (60 + 90) * 8


def test_interval_lengths_are_rounded_to_five_seconds() -> None:
    legs = [leg for _ in range(6) for leg in (b.run(118), b.walk(62))]

    session = read(b.tcx(b.samples(legs))).session

    assert (session["run_interval_sec"], session["walk_interval_sec"]) == (120, 60)
    assert session["repeats"] == 6


def test_an_irregular_pattern_leaves_the_intervals_empty_and_says_why() -> None:
    legs = b.walk_run([30, 120, 60, 200, 45], [40, 150, 90, 20], warm_up=60)

    result = read(b.gpx(b.samples(legs)))

    assert result.session["activity"] == "walk_run"
    assert result.session["run_interval_sec"] is None
    assert result.session["walk_interval_sec"] is None
    assert result.session["repeats"] is None
    assert any("not regular enough" in note for note in result.summary["notes"])


def test_two_run_bouts_are_too_few_for_a_pattern() -> None:
    legs = b.walk_run([300, 300], [300])

    result = read(b.gpx(b.samples(legs)))

    assert result.session["activity"] == "walk_run"
    assert result.session["repeats"] is None
    assert any("fewer than 3" in note for note in result.summary["notes"])


def test_a_brief_walk_inside_a_run_bout_is_not_a_bout_of_its_own() -> None:
    # Each 90 s run has a 6 s slow-down in its middle (a kerb, a cadence dropout).
    run_with_blip = [b.run(42), b.walk(6), b.run(42)]
    legs = [leg for _ in range(5) for leg in (*run_with_blip, b.walk(120))]

    session = read(b.gpx(b.samples(legs))).session

    assert (session["run_interval_sec"], session["walk_interval_sec"]) == (90, 120)
    assert session["repeats"] == 5


def test_repeats_are_cut_so_the_intervals_fit_in_the_duration() -> None:
    # 8 runs of 60 s with 7 walks of 90 s between them: 18.5 min, not 8 × 2.5 = 20.
    legs = b.walk_run([60] * 8, [90] * 7)

    result = read(b.tcx(b.samples(legs)))
    session = result.session

    assert (session["run_interval_sec"], session["walk_interval_sec"]) == (60, 90)
    assert session["duration_min"] == 19
    assert session["repeats"] == 7
    assert any("Repeats set to 7" in note for note in result.summary["notes"])


def test_the_summary_lists_the_bouts() -> None:
    legs = [b.walk(120), *[leg for _ in range(4) for leg in (b.run(60), b.walk(90))]]

    bouts = read(b.gpx(b.samples(legs))).summary["intervals"]

    assert [bout["running"] for bout in bouts] == [False] + [True, False] * 4
    assert [bout["seconds"] for bout in bouts[1:3]] == [60, 90]


def test_runs_and_walks_get_no_intervals() -> None:
    for legs in ([b.run(1200)], [b.walk(1200)]):
        result = read(b.gpx(b.samples(legs)))

        assert result.session["activity"] in ("run", "walk")
        assert result.session["repeats"] is None
        assert "intervals" not in result.summary
