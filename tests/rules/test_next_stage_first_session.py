"""What advancing would start (SPEC §1 "Next stage's first session")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from progressions.rules import AthleteSettings, SuggestedSession, evaluate
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    Intensity,
    Recommendation,
    SessionVariable,
    StageCode,
    StageDefinition,
    Surface,
    Terrain,
)
from tests.rules.builders import TODAY, day, progression, run, session, walk_run


def _first(stage: StageCode, gate_sessions: list[Any], **kwargs: Any) -> SuggestedSession:
    result = progression(gate_sessions, stage=stage, **kwargs)
    assert result.recommendation == Recommendation.ADVANCE
    assert result.next_stage_first_session is not None
    return result.next_stage_first_session


def test_uphill_walking_moves_on_to_walk_run_on_the_same_uphill_treadmill() -> None:
    first = _first(StageCode.UPHILL_WALK, [session(3), session(2, duration_min=40)])
    assert first.stage == StageCode.UPHILL_JOG
    assert (first.activity, first.terrain, first.surface) == (
        Activity.WALK_RUN,
        Terrain.UPHILL,
        Surface.TREADMILL,
    )
    assert first.incline_percent == Decimal("5.0")
    # 40 minutes capped at the next gate's 30; as many 60 s / 120 s bouts as fit.
    assert (first.duration_min, first.run_interval_sec, first.repeats) == (30, 60, 10)
    assert first.changed_variable == SessionVariable.ACTIVITY


def test_a_hard_gate_walk_starts_walk_run_at_an_easy_pace_not_as_speed_work() -> None:
    # Found by the property suite: a gate walk logged "hard" became a hard walk–run,
    # speed-work load on the first day of uphill jogging. Easing the pace with the
    # activity change is less load, like the duration cap.
    hard = {"intensity": Intensity.HARD}
    first = _first(StageCode.UPHILL_WALK, [session(3, **hard), session(2, **hard)])
    assert (first.stage, first.activity) == (StageCode.UPHILL_JOG, Activity.WALK_RUN)
    assert first.intensity == Intensity.EASY
    assert first.changed_variable == SessionVariable.ACTIVITY
    assert "at an easy pace" in first.reason


def test_uphill_jogging_moves_on_to_the_flat_with_the_same_activity_and_surface() -> None:
    first = _first(StageCode.UPHILL_JOG, [walk_run(3), walk_run(2)])
    assert (first.activity, first.terrain, first.surface) == (
        Activity.WALK_RUN,
        Terrain.FLAT,
        Surface.TREADMILL,
    )
    assert first.incline_percent is None
    assert first.changed_variable == SessionVariable.TERRAIN


def test_a_flat_treadmill_run_first_moves_to_a_flat_road() -> None:
    treadmill = {"surface": Surface.TREADMILL}
    first = _first(StageCode.FLAT_RUN, [run(3, **treadmill), run(2, **treadmill)])
    assert (first.terrain, first.surface) == (Terrain.FLAT, Surface.ROAD)
    assert first.changed_variable == SessionVariable.SURFACE


@pytest.mark.parametrize("surface", [Surface.ROAD, Surface.TRACK])
def test_a_road_or_track_run_moves_to_rolling_terrain_at_an_easy_pace(surface: Surface) -> None:
    fields = {"surface": surface, "intensity": Intensity.MODERATE}
    first = _first(StageCode.FLAT_RUN, [run(3, **fields), run(2, **fields)])
    assert (first.terrain, first.intensity, first.surface) == (
        Terrain.ROLLING,
        Intensity.EASY,
        surface,
    )


@pytest.mark.parametrize(
    ("surface", "expected"), [(Surface.TRAIL, Surface.TRACK), (Surface.ROAD, Surface.ROAD)]
)
def test_rolling_easy_moves_to_flat_and_hard_for_at_most_20_minutes(
    surface: Surface, expected: Surface
) -> None:
    fields = {"terrain": Terrain.ROLLING, "surface": surface, "duration_min": 40}
    first = _first(StageCode.HILLS_TRAILS, [run(3, **fields), run(2, **fields)])
    assert (first.terrain, first.intensity, first.surface) == (
        Terrain.FLAT,
        Intensity.HARD,
        expected,
    )
    assert first.duration_min == 20
    assert first.changed_variable == SessionVariable.INTENSITY


def test_speed_work_to_full_training_starts_with_the_gate_session_unchanged() -> None:
    hard = {"intensity": Intensity.HARD, "duration_min": 25}
    first = _first(StageCode.SPEED_WORK, [run(3, **hard), run(2, **hard)])
    assert first.stage == StageCode.FULL_TRAINING
    assert (first.intensity, first.duration_min, first.changed_variable) == (
        Intensity.HARD,
        25,
        None,
    )


def test_it_names_the_gate_session_by_date_for_the_pt() -> None:
    first = _first(
        StageCode.UPHILL_WALK,
        [session(3), session(2, duration_min=40)],
        athlete=AthleteSettings(first_name="Ana"),
    )
    assert first.reason == (
        "If the PT advances to uphill jogging (walk–run): Ana's gate walk (29 Mar), as a "
        "walk–run (60 s run / 120 s walk), 30 min."
    )


@pytest.mark.parametrize(
    ("sessions", "recommendation"),
    [
        ([session(3)], Recommendation.HOLD),
        ([session(3), session(2, pain_after=6)], Recommendation.BACK_OFF),
    ],
)
def test_it_is_null_unless_the_recommendation_is_advance(
    sessions: list[Any], recommendation: Recommendation
) -> None:
    result = progression(sessions)
    assert result.recommendation == recommendation
    assert result.next_stage_first_session is None
    assert result.as_dict()["next_stage_first_session"] is None


def test_it_is_null_at_the_last_stage() -> None:
    assert (
        progression([run(3), run(2)], stage=StageCode.FULL_TRAINING).next_stage_first_session
        is None
    )


def test_it_round_trips_through_json_for_storing_with_a_stage_change() -> None:
    first = _first(StageCode.UPHILL_WALK, [session(3), session(2)])
    assert SuggestedSession.from_dict(first.as_dict()) == first


def test_a_custom_ladder_pair_starts_with_the_gate_session_unchanged() -> None:
    ladder = (DEFAULT_LADDER[0], StageDefinition(StageCode.FLAT_RUN, 2, DEFAULT_LADDER[2].gate))
    result = evaluate(
        stage=StageCode.UPHILL_WALK,
        stage_since=day(30),
        settings=AthleteSettings(),
        sessions=[session(3), session(2)],
        pain_scores=[],
        today=TODAY,
        ladder=ladder,
    )
    first = result.next_stage_first_session
    assert first is not None
    assert (first.stage, first.activity, first.changed_variable) == (
        StageCode.FLAT_RUN,
        Activity.WALK,
        None,
    )
