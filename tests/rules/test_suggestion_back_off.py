"""Back off: the last tolerated session of this stage, shorter; one variable, no jump."""

from __future__ import annotations

from decimal import Decimal

import pytest

from progressions.rules.protocol import (
    Activity,
    Recommendation,
    SessionVariable,
    StageCode,
)
from tests.rules.builders import (
    day,
    differences,
    pain,
    progression,
    run,
    session,
    suggest,
    walk_run,
)

V = SessionVariable
BACK_OFF = Recommendation.BACK_OFF


def test_back_off_proposes_the_last_tolerated_session_shorter() -> None:
    tolerated = session(3, duration_min=30)
    painful = session(1, duration_min=40, pain_during=6)
    suggestion = suggest([tolerated, painful], recommendation=BACK_OFF)
    assert suggestion.based_on_session_id == tolerated.id
    assert (suggestion.duration_min, suggestion.changed_variable) == (22, V.DURATION)
    assert suggestion.reason == (
        f"Back off: repeat your last tolerated session ({day(3).isoformat()}), 8 min shorter "
        "(30 → 22 min)."
    )


def test_back_off_uses_the_last_session_when_the_tolerated_one_differs_in_more() -> None:
    tolerated = session(3, duration_min=30, incline_percent=Decimal("3.0"))
    painful = session(1, duration_min=40, pain_during=6)
    suggestion = suggest([tolerated, painful], recommendation=BACK_OFF)
    assert suggestion.based_on_session_id == painful.id
    assert differences(painful, suggestion) == {"duration_min": (40, 30)}
    assert suggestion.reason == "Back off: repeat your last session, 10 min shorter (40 → 30 min)."


def test_back_off_ignores_tolerated_sessions_from_before_the_stage_change() -> None:
    painful = session(1, duration_min=40, pain_during=6)
    suggestion = suggest([session(5), painful], recommendation=BACK_OFF, since=day(2))
    assert suggestion.based_on_session_id == painful.id


def test_back_off_after_a_tolerated_last_session_shortens_that_session() -> None:
    last = session(1, duration_min=30)
    result = progression([last], pain_scores=[pain(9, 0), pain(8, 0), pain(2, 5), pain(3, 5)])
    assert result.recommendation == BACK_OFF
    suggestion = result.suggested_next_session
    assert (suggestion.based_on_session_id, suggestion.duration_min) == (last.id, 22)
    assert suggestion.reason.startswith("Back off: repeat your last session, 8 min shorter")


@pytest.mark.parametrize(
    ("duration", "shorter"), [(60, 45), (30, 22), (20, 15), (10, 5), (6, 1), (2, 1)]
)
def test_back_off_shortens_by_a_quarter_and_at_least_5_minutes(duration: int, shorter: int) -> None:
    last = session(1, duration_min=duration, stopped_early=True)
    assert suggest([last], recommendation=BACK_OFF).duration_min == shorter


def test_a_one_minute_session_cannot_be_shorter_so_it_is_repeated() -> None:
    last = session(1, duration_min=1, stopped_early=True)
    suggestion = suggest([last], recommendation=BACK_OFF)
    assert (suggestion.duration_min, suggestion.changed_variable) == (1, None)
    assert suggestion.reason == (
        "Back off: repeat your last session again: it cannot be shorter than 1 min."
    )


@pytest.mark.parametrize(("repeats", "expected"), [(10, 7), (4, 3), (2, 1)])
def test_back_off_on_a_walk_run_that_fills_its_time_drops_run_bouts(
    repeats: int, expected: int
) -> None:
    duration = repeats * 3
    last = walk_run(1, duration_min=duration, repeats=repeats, pain_during=6)
    suggestion = suggest([last], StageCode.UPHILL_JOG, BACK_OFF)
    assert differences(last, suggestion) == {"repeats": (repeats, expected)}
    assert suggestion.changed_variable == V.INTERVALS


def test_back_off_on_a_walk_run_with_room_to_spare_shortens_it() -> None:
    last = walk_run(1, duration_min=40, repeats=5, pain_during=6)  # 15 of 40 min
    suggestion = suggest([last], StageCode.UPHILL_JOG, BACK_OFF)
    assert differences(last, suggestion) == {"duration_min": (40, 30)}


def test_back_off_on_a_single_walk_run_bout_becomes_a_walk() -> None:
    last = walk_run(1, duration_min=3, repeats=1, pain_during=6)
    suggestion = suggest([last], StageCode.UPHILL_JOG, BACK_OFF)
    assert suggestion.activity == Activity.WALK
    assert suggestion.changed_variable == V.ACTIVITY
    assert (
        suggestion.reason == "Back off: repeat your last session as a walk, without the run bout."
    )


def test_back_off_from_a_session_beyond_the_stage_steps_back_into_it() -> None:
    last = run(1, pain_during=6)  # a flat run while at uphill walking
    suggestion = suggest([last], StageCode.UPHILL_WALK, BACK_OFF)
    assert suggestion.activity == Activity.WALK
    assert suggestion.changed_variable == V.ACTIVITY
    assert suggestion.reason.startswith("Back off: walk instead of running")
