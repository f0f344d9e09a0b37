"""One variable at a time: the tolerances of each variable and the warnings they raise."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from progressions.rules import (
    changed_variables,
    previous_running_session,
    session_warnings,
    warnings_of,
)
from progressions.rules.protocol import (
    Activity,
    Intensity,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
    WarningCode,
)
from tests.rules.builders import day, progression, run, session, walk_run

V = SessionVariable


@pytest.mark.parametrize(
    ("previous", "current", "changed"),
    [
        # duration: > 10% of the previous one
        ({"duration_min": 30}, {"duration_min": 33}, ()),
        ({"duration_min": 30}, {"duration_min": 34}, (V.DURATION,)),
        ({"duration_min": 30}, {"duration_min": 27}, ()),
        ({"duration_min": 30}, {"duration_min": 26}, (V.DURATION,)),
        ({"duration_min": 40}, {"duration_min": 44}, ()),
        ({"duration_min": 40}, {"duration_min": 45}, (V.DURATION,)),
        # incline: > 1 percentage point, only when both have one
        ({"incline_percent": Decimal("5.0")}, {"incline_percent": Decimal("6.0")}, ()),
        ({"incline_percent": Decimal("5.0")}, {"incline_percent": Decimal("6.1")}, (V.INCLINE,)),
        ({"incline_percent": Decimal("5.0")}, {"incline_percent": Decimal("4.0")}, ()),
        ({"incline_percent": Decimal("5.0")}, {"incline_percent": Decimal("3.9")}, (V.INCLINE,)),
        ({"incline_percent": Decimal("5.0")}, {"incline_percent": None}, ()),
        ({"incline_percent": None}, {"incline_percent": Decimal("15.0")}, ()),
        ({"incline_percent": 5}, {"incline_percent": 6.1}, (V.INCLINE,)),  # ints and floats too
        # …and only on the same terrain: uphill 5% → flat 0% is one change (the terrain)
        (
            {"terrain": Terrain.UPHILL, "incline_percent": Decimal("5.0")},
            {"terrain": Terrain.FLAT, "incline_percent": Decimal("0.0")},
            (V.TERRAIN,),
        ),
        (
            {"terrain": Terrain.UPHILL, "incline_percent": Decimal("5.0")},
            {"terrain": Terrain.UPHILL, "incline_percent": Decimal("0.0")},
            (V.INCLINE,),
        ),
        # cadence: > 3% of the previous one, only when both have one
        ({"cadence_spm": 170}, {"cadence_spm": 175}, ()),  # 5 ≤ 5.1
        ({"cadence_spm": 170}, {"cadence_spm": 176}, (V.CADENCE,)),
        ({"cadence_spm": 170}, {"cadence_spm": 165}, ()),
        ({"cadence_spm": 170}, {"cadence_spm": 164}, (V.CADENCE,)),
        ({"cadence_spm": 100}, {"cadence_spm": 103}, ()),  # exactly 3%
        ({"cadence_spm": 100}, {"cadence_spm": 104}, (V.CADENCE,)),
        ({"cadence_spm": 170}, {"cadence_spm": None}, ()),
        ({"cadence_spm": None}, {"cadence_spm": 230}, ()),
        # …and only for the same activity: walk → walk–run is one change (the activity)
        (
            {"activity": Activity.WALK, "cadence_spm": 120},
            {"activity": Activity.WALK_RUN, "cadence_spm": 170},
            (V.ACTIVITY,),
        ),
        (
            {"activity": Activity.RUN, "cadence_spm": 170},
            {"activity": Activity.RUN, "cadence_spm": 180},
            (V.CADENCE,),
        ),
        # values
        ({"terrain": Terrain.UPHILL}, {"terrain": Terrain.FLAT}, (V.TERRAIN,)),
        ({"surface": Surface.TREADMILL}, {"surface": Surface.ROAD}, (V.SURFACE,)),
        ({"surface": Surface.TREADMILL}, {"surface": None}, (V.SURFACE,)),
        ({"intensity": Intensity.EASY}, {"intensity": Intensity.HARD}, (V.INTENSITY,)),
        ({"intensity": Intensity.EASY}, {"intensity": None}, (V.INTENSITY,)),
        ({"activity": Activity.WALK}, {"activity": Activity.RUN}, (V.ACTIVITY,)),
        # things that are not variables
        ({"pain_during": 0, "distance_km": Decimal("3")}, {"pain_during": 4}, ()),
        ({}, {}, ()),
    ],
)
def test_each_variable_changes_only_past_its_tolerance(
    previous: dict[str, Any], current: dict[str, Any], changed: tuple[SessionVariable, ...]
) -> None:
    assert changed_variables(session(2, **previous), session(1, **current)) == changed


@pytest.mark.parametrize(
    ("current", "changed"),
    [
        ({"run_interval_sec": 90}, (V.INTERVALS,)),
        ({"walk_interval_sec": 90}, (V.INTERVALS,)),
        ({"repeats": 9}, (V.INTERVALS,)),
        ({"repeats": None}, (V.INTERVALS,)),
        ({}, ()),
    ],
)
def test_intervals_compare_between_two_walk_runs(
    current: dict[str, Any], changed: tuple[SessionVariable, ...]
) -> None:
    assert changed_variables(walk_run(2), walk_run(1, **current)) == changed


def test_intervals_are_not_compared_when_either_session_is_not_a_walk_run() -> None:
    into_run = walk_run(1, activity=Activity.RUN, run_interval_sec=None)
    assert changed_variables(walk_run(2), into_run) == (V.ACTIVITY,)
    assert changed_variables(session(2), walk_run(1)) == (V.ACTIVITY,)
    assert (
        changed_variables(
            session(2, run_interval_sec=60, walk_interval_sec=60, repeats=3), session(1)
        )
        == ()
    )


def test_several_changes_are_listed_in_spec_order() -> None:
    previous = run(2, cadence_spm=160, terrain=Terrain.UPHILL, surface=Surface.TREADMILL)
    current = run(1, duration_min=45, intensity=Intensity.HARD, cadence_spm=170)
    assert changed_variables(previous, current) == (
        V.TERRAIN,
        V.SURFACE,
        V.DURATION,
        V.INTENSITY,
        V.CADENCE,
    )


def test_a_walk_turning_into_a_run_is_not_also_a_cadence_change() -> None:
    # Walking and running step rates differ by nature; the activity already says it.
    previous = session(2, cadence_spm=120)
    current = run(1, cadence_spm=170)
    assert V.CADENCE not in changed_variables(previous, current)
    assert V.ACTIVITY in changed_variables(previous, current)


def test_there_is_nothing_to_compare_without_a_previous_session() -> None:
    assert changed_variables(None, session(1)) == ()


@pytest.mark.parametrize("activity", [Activity.CROSS_TRAINING, Activity.STRENGTH])
def test_only_running_type_sessions_are_compared(activity: Activity) -> None:
    other = session(1, activity=activity, terrain=None, duration_min=90)
    assert changed_variables(session(2), other) == ()
    assert changed_variables(other, session(0)) == ()


# --- Warnings --------------------------------------------------------------------------------


def test_one_changed_variable_raises_no_warning() -> None:
    assert session_warnings(session(2), session(1, duration_min=40)) == ()


def test_two_changed_variables_raise_a_warning_naming_them() -> None:
    current = session(1, duration_min=40, incline_percent=Decimal("8.0"))
    (warning,) = session_warnings(session(2), current)
    assert warning.code == WarningCode.MULTIPLE_VARIABLES_CHANGED
    assert (warning.session_id, warning.date) == (current.id, current.date)
    assert warning.variables == (V.INCLINE, V.DURATION)
    assert warning.description == (
        f"The session on {day(1).isoformat()} changed 2 variables at once "
        "(incline, duration); change one at a time."
    )
    assert warning.as_dict()["variables"] == ["incline", "duration"]


def test_the_previous_running_session_skips_other_activities_and_uses_recording_order() -> None:
    first = session(3)
    same_day_later = session(2, recorded_seq=500)
    same_day_earlier = session(2, recorded_seq=400)
    strength = session(2, recorded_seq=600, activity=Activity.STRENGTH, terrain=None)
    current = session(1)
    history = [current, strength, same_day_earlier, first, same_day_later]
    assert previous_running_session(history, current) == same_day_later
    assert previous_running_session(history, same_day_earlier) == first
    assert previous_running_session(history, first) is None


def test_warnings_compare_with_a_session_before_the_window_and_the_stage_change() -> None:
    old = session(30)
    changed = session(3, duration_min=60, terrain=Terrain.FLAT)
    result = progression([old, changed], stage=StageCode.UPHILL_WALK, since=day(5))
    assert [w.session_id for w in result.warnings] == [changed.id]


@pytest.mark.parametrize(
    ("since_days_ago", "listed_days_ago"),
    [(60, [13]), (13, [13]), (12, [])],
)
def test_warnings_list_only_sessions_of_the_last_14_days_since_the_stage_change(
    since_days_ago: int, listed_days_ago: list[int]
) -> None:
    sessions = [
        session(20),
        session(14, duration_min=60, terrain=Terrain.FLAT),  # day −14: outside the window
        session(13, duration_min=30, terrain=Terrain.UPHILL),  # day −13: inside
    ]
    result = progression(sessions, since=day(since_days_ago))
    assert [w.date for w in result.warnings] == [day(n) for n in listed_days_ago]


def test_warnings_run_newest_first() -> None:
    sessions = [
        session(4),
        session(3, duration_min=60, terrain=Terrain.FLAT),
        session(2, duration_min=30, terrain=Terrain.UPHILL),
    ]
    warnings = warnings_of(sessions, counted=sessions)
    assert [w.session_id for w in warnings] == [sessions[2].id, sessions[1].id]
