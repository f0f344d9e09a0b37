"""The suggested next session: one variable of the last running-type session, never a jump."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from progressions.rules import (
    SessionRecord,
    changed_variables,
)
from progressions.rules.protocol import (
    Activity,
    Intensity,
    Recommendation,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
)
from progressions.rules.suggestion_protocol import ENTRY_SESSIONS
from tests.rules.builders import (
    differences,
    progression,
    run,
    session,
    settings,
    suggest,
    walk_run,
)

V = SessionVariable
HOLD, ADVANCE, BACK_OFF = Recommendation.HOLD, Recommendation.ADVANCE, Recommendation.BACK_OFF

_FLAT_WALK_RUN: dict[str, Any] = {"terrain": Terrain.FLAT, "incline_percent": None}
_ROLLING: dict[str, Any] = {"terrain": Terrain.ROLLING}


# --- No running-type session yet ----------------------------------------------------------


@pytest.mark.parametrize("stage", list(StageCode))
def test_with_no_running_session_yet_the_stages_entry_session_is_proposed(
    stage: StageCode,
) -> None:
    strength = session(1, activity=Activity.STRENGTH, terrain=None)
    suggestion = suggest([strength, walk_run(-1)], stage)  # tomorrow's does not count
    entry = ENTRY_SESSIONS[stage]
    assert suggestion.changed_variable is None
    assert suggestion.based_on_session_id is None
    assert suggestion.stage == stage
    assert (suggestion.activity, suggestion.terrain, suggestion.surface) == (
        entry.activity,
        entry.terrain,
        entry.surface,
    )
    assert (suggestion.duration_min, suggestion.incline_percent, suggestion.repeats) == (
        entry.duration_min,
        entry.incline_percent,
        entry.repeats,
    )
    assert suggestion.reason.startswith("Hold: no walk, walk–run or run logged yet: start ")


def test_the_first_entry_session_reads_as_a_sentence() -> None:
    assert suggest([]).reason == (
        "Hold: no walk, walk–run or run logged yet: start uphill walking with a 20-min walk, "
        "uphill, on the treadmill at 5.0% incline, easy."
    )
    assert "(60 s run / 120 s walk), flat, on the treadmill, easy" in (
        suggest([], StageCode.FLAT_RUN).reason
    )


def test_advance_with_no_running_session_proposes_the_next_stages_entry() -> None:
    suggestion = suggest([], StageCode.UPHILL_WALK, ADVANCE)
    assert suggestion.stage == StageCode.UPHILL_JOG
    assert suggestion.activity == Activity.WALK_RUN
    assert suggestion.reason.startswith("Advance to Uphill jogging (walk–run): ")


def test_back_off_with_no_running_session_proposes_the_entry_unchanged() -> None:
    suggestion = suggest([], StageCode.FLAT_RUN, BACK_OFF)
    assert (suggestion.stage, suggestion.changed_variable) == (StageCode.FLAT_RUN, None)
    assert suggestion.reason.startswith("Back off: ")


# --- Hold: the next step inside the stage --------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "last", "gate_minutes", "duration"),
    [
        (StageCode.UPHILL_WALK, session(1, duration_min=20), 30, 25),
        (StageCode.UPHILL_WALK, session(1, duration_min=28), 30, 30),  # never past the gate
        (StageCode.UPHILL_WALK, session(1, duration_min=35), 45, 40),
        (StageCode.UPHILL_WALK, session(1, duration_min=42), 45, 45),
        (StageCode.UPHILL_JOG, walk_run(1, duration_min=20), 30, 25),
        (StageCode.FLAT_RUN, walk_run(1, duration_min=25, **_FLAT_WALK_RUN), 30, 30),
        (StageCode.FLAT_RUN, run(1, duration_min=20), 30, 25),
        (StageCode.HILLS_TRAILS, run(1, duration_min=25, **_ROLLING), 30, 30),
        (StageCode.SPEED_WORK, run(1, duration_min=15, intensity=Intensity.HARD), 30, 20),
    ],
)
def test_hold_adds_5_minutes_toward_the_gate(
    stage: StageCode, last: SessionRecord, gate_minutes: int, duration: int
) -> None:
    suggestion = suggest([last], stage, athlete=settings(walk_gate_minutes=gate_minutes))
    assert suggestion.changed_variable == V.DURATION
    assert differences(last, suggestion) == {"duration_min": (last.duration_min, duration)}
    assert suggestion.based_on_session_id == last.id
    assert suggestion.stage == stage


def test_the_duration_step_reads_as_a_sentence() -> None:
    assert suggest([session(1, duration_min=20)]).reason == (
        "Hold: add 5 min (20 → 25 min) toward the 30-min gate, the rest the same."
    )


@pytest.mark.parametrize(
    ("stage", "last"),
    [
        (StageCode.UPHILL_WALK, session(1)),
        (StageCode.UPHILL_JOG, walk_run(1, duration_min=40)),
        (StageCode.FLAT_RUN, run(1)),
        (StageCode.HILLS_TRAILS, run(1, **_ROLLING)),
        (StageCode.SPEED_WORK, run(1, intensity=Intensity.HARD)),
    ],
)
def test_hold_at_the_gate_duration_repeats_the_session(
    stage: StageCode, last: SessionRecord
) -> None:
    suggestion = suggest([last], stage)
    assert suggestion.changed_variable is None
    assert differences(last, suggestion) == {}
    assert "the gate needs the 2 most recent sessions" in suggestion.reason


@pytest.mark.parametrize(
    "last",
    [
        session(1, duration_min=20, pain_next_morning=None),  # not known yet
        session(1, duration_min=20, pain_during=3),  # above the gate max, below a red flag
        walk_run(1, duration_min=30, pain_after=4, **_FLAT_WALK_RUN),
    ],
)
def test_hold_repeats_a_session_that_is_not_yet_tolerated(last: SessionRecord) -> None:
    stage = StageCode.UPHILL_WALK if last.activity == Activity.WALK else StageCode.FLAT_RUN
    suggestion = suggest([last], stage)
    assert suggestion.changed_variable is None
    assert differences(last, suggestion) == {}
    assert suggestion.reason == (
        "Hold: repeat the same session until it is tolerated: pain ≤ 2 during, after and next "
        "morning, not stopped early."
    )


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ((60, 120, 10), (120, 120, 7)),
        ((None, None, None), (60, 120, 10)),  # no intervals logged: the first level
        ((90, 120, 8), (120, 120, 7)),
        ((240, 60, 6), (300, 60, 5)),
    ],
)
def test_hold_on_flat_walk_run_at_the_gate_lengthens_the_run_interval(
    intervals: tuple[int | None, ...], expected: tuple[int, ...]
) -> None:
    run_sec, walk_sec, repeats = intervals
    last = walk_run(
        1, run_interval_sec=run_sec, walk_interval_sec=walk_sec, repeats=repeats, **_FLAT_WALK_RUN
    )
    suggestion = suggest([last], StageCode.FLAT_RUN)
    assert suggestion.changed_variable == V.INTERVALS
    assert (
        suggestion.run_interval_sec,
        suggestion.walk_interval_sec,
        suggestion.repeats,
    ) == expected
    assert suggestion.duration_min == last.duration_min
    assert changed_variables(last, suggestion) in ((), (V.INTERVALS,))


def test_after_the_last_walk_run_level_comes_a_continuous_run_of_the_same_time() -> None:
    last = walk_run(1, run_interval_sec=300, walk_interval_sec=60, repeats=5, **_FLAT_WALK_RUN)
    suggestion = suggest([last], StageCode.FLAT_RUN)
    assert suggestion.changed_variable == V.ACTIVITY
    assert differences(last, suggestion) == {
        "activity": (Activity.WALK_RUN, Activity.RUN),
        "run_interval_sec": (300, None),
        "walk_interval_sec": (60, None),
        "repeats": (5, None),
    }
    assert changed_variables(last, suggestion) == (V.ACTIVITY,)


def test_the_interval_step_reads_as_a_sentence() -> None:
    last = walk_run(1, **_FLAT_WALK_RUN)
    assert suggest([last], StageCode.FLAT_RUN).reason == (
        "Hold: lengthen the run interval to 120 s (walk 120 s, 7 repeats) in the same 30 min."
    )


@pytest.mark.parametrize(
    ("duration", "expected", "changed"),
    [(60, 65, V.DURATION), (298, 300, V.DURATION), (300, 300, None)],
)
def test_full_training_adds_5_minutes_up_to_the_300_minute_maximum(
    duration: int, expected: int, changed: SessionVariable | None
) -> None:
    suggestion = suggest([run(1, duration_min=duration)], StageCode.FULL_TRAINING)
    assert (suggestion.duration_min, suggestion.changed_variable) == (expected, changed)


def test_advance_at_the_last_stage_is_treated_as_hold() -> None:
    suggestion = suggest([run(1)], StageCode.FULL_TRAINING, ADVANCE)
    assert suggestion.stage == StageCode.FULL_TRAINING
    assert suggestion.reason.startswith("Hold: ")


# --- Moving into a stage: advance, or hold right after the PT changed the stage -------------


@pytest.mark.parametrize(
    ("stage", "last", "changes"),
    [
        # uphill walk → uphill walk–run on the same treadmill (and incline)
        (
            StageCode.UPHILL_JOG,
            session(1),
            {
                "activity": (Activity.WALK, Activity.WALK_RUN),
                "run_interval_sec": (None, 60),
                "walk_interval_sec": (None, 120),
                "repeats": (None, 10),
            },
        ),
        # uphill walk–run → flat walk–run (the uphill incline goes with the terrain)
        (
            StageCode.FLAT_RUN,
            walk_run(1),
            {"terrain": (Terrain.UPHILL, Terrain.FLAT), "incline_percent": (Decimal("5.0"), None)},
        ),
        # treadmill → road before the hills
        (
            StageCode.HILLS_TRAILS,
            run(1, surface=Surface.TREADMILL, incline_percent=Decimal("1.0")),
            {
                "surface": (Surface.TREADMILL, Surface.ROAD),
                "incline_percent": (Decimal("1.0"), None),
            },
        ),
        (
            StageCode.HILLS_TRAILS,
            run(1, intensity=Intensity.MODERATE),
            {"intensity": (Intensity.MODERATE, Intensity.EASY)},
        ),
        (StageCode.HILLS_TRAILS, run(1, intensity=None), {"intensity": (None, Intensity.EASY)}),
        (StageCode.HILLS_TRAILS, run(1), {"terrain": (Terrain.FLAT, Terrain.ROLLING)}),
        (
            StageCode.HILLS_TRAILS,
            walk_run(1, surface=Surface.ROAD, **_FLAT_WALK_RUN),
            {
                "activity": (Activity.WALK_RUN, Activity.RUN),
                "run_interval_sec": (60, None),
                "walk_interval_sec": (120, None),
                "repeats": (10, None),
            },
        ),
        # speed work comes gradually: easy → moderate → hard (a blank reads as easy)
        (
            StageCode.SPEED_WORK,
            run(1, **_ROLLING),
            {"intensity": (Intensity.EASY, Intensity.MODERATE)},
        ),
        (StageCode.SPEED_WORK, run(1, intensity=None), {"intensity": (None, Intensity.MODERATE)}),
        (
            StageCode.SPEED_WORK,
            run(1, intensity=Intensity.MODERATE),
            {"intensity": (Intensity.MODERATE, Intensity.HARD)},
        ),
        (
            StageCode.FULL_TRAINING,
            walk_run(1),
            {
                "activity": (Activity.WALK_RUN, Activity.RUN),
                "run_interval_sec": (60, None),
                "walk_interval_sec": (120, None),
                "repeats": (10, None),
            },
        ),
    ],
)
def test_a_session_outside_the_stage_moves_into_it_one_variable_at_a_time(
    stage: StageCode, last: SessionRecord, changes: dict[str, tuple[Any, Any]]
) -> None:
    suggestion = suggest([last], stage)
    assert differences(last, suggestion) == changes
    assert len(changed_variables(last, suggestion)) == 1
    assert suggestion.changed_variable == changed_variables(last, suggestion)[0]
    assert suggestion.stage == stage


def test_a_walk_too_short_for_one_walk_run_cycle_leaves_the_repeats_open() -> None:
    suggestion = suggest([session(1, duration_min=2)], StageCode.UPHILL_JOG)
    assert (suggestion.run_interval_sec, suggestion.walk_interval_sec) == (60, 120)
    assert suggestion.repeats is None


def test_the_activity_switch_reads_as_a_sentence() -> None:
    assert suggest([session(1)], StageCode.UPHILL_WALK, ADVANCE).reason == (
        "Advance to Uphill jogging (walk–run): switch to walk–run (60 s run / 120 s walk) on "
        "the same terrain and surface, 30 min."
    )


@pytest.mark.parametrize(
    ("stage", "history", "next_stage", "changed"),
    [
        (StageCode.UPHILL_WALK, [session(3), session(1)], StageCode.UPHILL_JOG, V.ACTIVITY),
        (StageCode.UPHILL_JOG, [walk_run(3), walk_run(1)], StageCode.FLAT_RUN, V.TERRAIN),
        (StageCode.FLAT_RUN, [run(3), run(1)], StageCode.HILLS_TRAILS, V.TERRAIN),
        (
            StageCode.HILLS_TRAILS,
            [run(3, **_ROLLING), run(1, **_ROLLING)],
            StageCode.SPEED_WORK,
            V.INTENSITY,
        ),
        (
            StageCode.SPEED_WORK,
            [run(3, intensity=Intensity.HARD), run(1, intensity=Intensity.HARD)],
            StageCode.FULL_TRAINING,
            V.DURATION,
        ),
    ],
)
def test_advance_proposes_the_next_stages_first_session(
    stage: StageCode,
    history: list[SessionRecord],
    next_stage: StageCode,
    changed: SessionVariable,
) -> None:
    result = progression(history, stage=stage)
    assert result.recommendation == Recommendation.ADVANCE
    suggestion = result.suggested_next_session
    assert (suggestion.stage, suggestion.changed_variable) == (next_stage, changed)
    assert suggestion.based_on_session_id == history[-1].id


@pytest.mark.parametrize(
    ("stage", "last", "changes"),
    [
        # the PT moved back to uphill walking: stop running first, then go uphill
        (
            StageCode.UPHILL_WALK,
            walk_run(1, **_FLAT_WALK_RUN),
            {
                "activity": (Activity.WALK_RUN, Activity.WALK),
                "run_interval_sec": (60, None),
                "walk_interval_sec": (120, None),
                "repeats": (10, None),
            },
        ),
        (
            StageCode.UPHILL_WALK,
            session(1, terrain=Terrain.FLAT),
            {"terrain": (Terrain.FLAT, Terrain.UPHILL), "incline_percent": (Decimal("5.0"), None)},
        ),
        # a flat walk cannot become an uphill walk–run in one step: uphill first
        (
            StageCode.UPHILL_JOG,
            session(1, terrain=Terrain.FLAT),
            {"terrain": (Terrain.FLAT, Terrain.UPHILL), "incline_percent": (Decimal("5.0"), None)},
        ),
        # a hard walk: easy first, since a hard walk–run would be speed work
        (
            StageCode.UPHILL_JOG,
            session(1, intensity=Intensity.HARD),
            {"intensity": (Intensity.HARD, Intensity.EASY)},
        ),
        # beyond the stage: back down one variable
        (StageCode.UPHILL_JOG, run(1), {"terrain": (Terrain.FLAT, Terrain.UPHILL)}),
        (StageCode.FLAT_RUN, run(1, **_ROLLING), {"terrain": (Terrain.ROLLING, Terrain.FLAT)}),
        (
            StageCode.FLAT_RUN,
            run(1, intensity=Intensity.HARD),
            {"intensity": (Intensity.HARD, Intensity.EASY)},
        ),
        (
            StageCode.HILLS_TRAILS,
            run(1, intensity=Intensity.HARD, **_ROLLING),
            {"intensity": (Intensity.HARD, Intensity.EASY)},
        ),
    ],
)
def test_a_session_beyond_or_beside_the_stage_steps_back_into_it(
    stage: StageCode, last: SessionRecord, changes: dict[str, tuple[Any, Any]]
) -> None:
    suggestion = suggest([last], stage)
    assert differences(last, suggestion) == changes
    assert suggestion.stage == stage


@pytest.mark.parametrize(
    ("stage", "last"),
    [
        (StageCode.UPHILL_JOG, run(1, intensity=Intensity.HARD)),
        (StageCode.FLAT_RUN, run(1, intensity=Intensity.HARD, **_ROLLING)),
    ],
)
def test_when_no_single_change_fits_the_stage_the_athlete_walks_instead(
    stage: StageCode, last: SessionRecord
) -> None:
    suggestion = suggest([last], stage)
    assert suggestion.activity == Activity.WALK
    assert suggestion.changed_variable == V.ACTIVITY
    assert suggestion.reason == "Hold: walk instead: the last session was beyond this stage."
