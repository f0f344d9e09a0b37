"""Suggestion rules 1–7 (SPEC §1 revised), first match wins, at their edges.

Each audit finding of issue 11 is reproduced here as a test of what the app says now.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from progressions.rules import AthleteSettings
from progressions.rules.moves import PLAN_FIELDS
from progressions.rules.protocol import (
    Activity,
    Intensity,
    Recommendation,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
)
from tests.rules.builders import day, pain, progression, run, session, suggest, walk_run

ANA = AthleteSettings(first_name="Ana")


# --- Rule 1: rest -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("painful", "rest"),
    [
        (session(0, pain_during=6), True),
        (session(1, pain_after=9), True),
        (session(2, pain_after=9), False),  # the day before yesterday: back off instead
        (session(1, stopped_early=True), True),
        (session(0, pain_before=6), True),  # rest_pain_high from the pain before
        (session(1, pain_next_morning=5), False),  # not settled: back off, not rest
    ],
)
def test_a_ceiling_stop_or_rest_pain_today_or_yesterday_means_a_rest_day(
    painful: object, rest: bool
) -> None:
    suggestion = suggest([session(4), painful])  # type: ignore[list-item]
    assert suggestion.rest_day is rest


@pytest.mark.parametrize(("score", "rest"), [(5, False), (6, True)])
def test_a_check_in_above_5_yesterday_means_a_rest_day(score: int, rest: bool) -> None:
    suggestion = suggest([session(3)], pain_scores=[pain(1, score)])
    assert suggestion.rest_day is rest


def test_a_rest_day_has_no_session_and_says_why_for_the_pt() -> None:
    result = progression([session(3), run(1, pain_during=9, pain_after=9, stopped_early=True)])
    suggestion = result.suggested_next_session
    assert result.recommendation == Recommendation.BACK_OFF
    assert suggestion.rest_day
    assert suggestion.stage == StageCode.UPHILL_WALK
    fields = (suggestion.activity, suggestion.terrain, suggestion.duration_min, suggestion.repeats)
    assert fields == (None, None, None, None)
    assert suggestion.changed_variable is None
    assert "stopped early because of pain (30 Mar)" in suggestion.reason
    assert "the PT has been alerted" in suggestion.reason
    assert suggestion.as_dict()["rest_day"] is True


def test_audit_a_painful_stopped_road_run_gets_rest_not_a_rolling_run() -> None:
    painful = run(0, pain_during=9, pain_after=9, stopped_early=True)
    suggestion = suggest([run(3), run(2), painful], StageCode.FLAT_RUN)
    assert suggestion.rest_day
    assert suggestion.activity is None


def test_audit_a_morning_check_in_of_8_is_no_advance_and_no_walk_run() -> None:
    result = progression([session(3), session(2)], pain_scores=[pain(0, 8)])
    assert result.recommendation == Recommendation.BACK_OFF
    assert result.suggested_next_session.rest_day
    assert result.next_stage_first_session is None


# --- Rule 2: back off ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "shorter"), [(30, 22), (20, 15), (9, 6), (7, 5), (6, 5), (5, 5), (4, 4)]
)
def test_back_off_is_the_last_tolerated_session_25_percent_shorter_at_least_5_minutes(
    minutes: int, shorter: int
) -> None:
    tolerated = session(5, duration_min=minutes)
    suggestion = suggest([tolerated, session(3, pain_next_morning=5)])
    assert not suggestion.rest_day
    assert suggestion.duration_min == shorter
    assert suggestion.based_on_session_id == tolerated.id


def test_back_off_of_a_walk_run_cuts_a_quarter_of_its_repeats() -> None:
    tolerated = walk_run(5, repeats=10)  # 60 s run / 120 s walk, 30 min
    suggestion = suggest(
        [tolerated, walk_run(3, pain_next_morning=5)], StageCode.UPHILL_JOG, athlete=ANA
    )
    assert (suggestion.repeats, suggestion.duration_min) == (7, 22)
    assert suggestion.reason == (
        "Back off: Ana's last tolerated walk–run (26 Mar), 25% shorter (30 → 22 min, "
        "10 → 7 run bouts)."
    )


def test_back_off_returns_every_field_to_what_was_tolerated() -> None:
    tolerated = walk_run(5, repeats=10)
    painful = run(3, terrain=Terrain.FLAT, surface=Surface.ROAD, pain_next_morning=5)
    suggestion = suggest([tolerated, painful], StageCode.UPHILL_JOG)
    assert (suggestion.activity, suggestion.terrain, suggestion.surface) == (
        Activity.WALK_RUN,
        Terrain.UPHILL,
        Surface.TREADMILL,
    )
    # Load-lowering changes come together; the first that differs from the last is named.
    assert suggestion.changed_variable == SessionVariable.ACTIVITY


def test_audit_backed_off_to_uphill_jogging_never_becomes_a_continuous_road_run() -> None:
    # The PT moved back to uphill jogging after a painful road run (pain 7) two days ago.
    painful = run(6, pain_during=7, pain_after=7)
    jog = walk_run(3, repeats=10)
    result = progression([painful, jog], stage=StageCode.UPHILL_JOG, since=day(4))
    suggestion = result.suggested_next_session
    assert suggestion.activity == Activity.WALK_RUN
    assert suggestion.terrain == Terrain.UPHILL


def test_no_ratchet_a_session_tolerated_after_the_red_flag_is_repeated_unchanged() -> None:
    painful = session(6, pain_after=6)
    after = [session(5, duration_min=22), session(3, duration_min=22)]
    suggestion = suggest([session(8), painful, *after], athlete=ANA)
    assert suggestion.duration_min == 22
    assert suggestion.changed_variable is None
    assert suggestion.reason == (
        "Back off: repeat Ana's last tolerated walk (28 Mar) unchanged, tolerated after the "
        "red flag of 25 Mar (no ratchet)."
    )


def test_audit_one_red_flag_does_not_ratchet_30_22_16_11_6_1() -> None:
    history = [session(9), session(6, pain_after=6)]
    for days_ago in (5, 4, 3, 2, 1):
        suggestion = suggest(history)
        assert suggestion.duration_min in (22, 30), history
        history.append(session(days_ago, duration_min=suggestion.duration_min))
    assert suggest(history).duration_min == 22


def test_a_check_in_flag_dates_the_ratchet_too() -> None:
    history = [session(5), session(2, duration_min=22)]
    suggestion = suggest(history, pain_scores=[pain(3, 6)])
    assert suggestion.duration_min == 22


def test_back_off_never_exceeds_the_newest_red_flag_session() -> None:
    tolerated = run(6, duration_min=30, surface=Surface.TRAIL, intensity=Intensity.MODERATE)
    painful = run(3, duration_min=15, surface=Surface.TREADMILL, pain_next_morning=5)
    suggestion = suggest([tolerated, painful], StageCode.FLAT_RUN, athlete=ANA)
    assert (suggestion.duration_min, suggestion.surface) == (15, Surface.TREADMILL)
    assert suggestion.intensity == Intensity.EASY  # capped at the painful run's
    assert suggestion.reason.endswith(
        "and no more load than Ana's run (28 Mar), which raised the red flag."
    )


def test_back_off_caps_the_run_time_of_a_walk_run() -> None:
    tolerated = walk_run(6, repeats=10)
    painful = walk_run(3, repeats=4, run_interval_sec=60, pain_next_morning=5)
    suggestion = suggest([tolerated, painful], StageCode.UPHILL_JOG)
    assert suggestion.repeats == 4  # 7 after the quarter off, capped at the painful run's 4


def test_a_check_in_flag_caps_nothing() -> None:
    suggestion = suggest([session(5)], pain_scores=[pain(3, 6)])
    assert suggestion.duration_min == 22


def test_back_off_with_no_tolerated_session_is_the_entry_capped_by_the_red_flag() -> None:
    painful = session(3, duration_min=12, pain_next_morning=5)
    suggestion = suggest([painful])
    assert suggestion.based_on_session_id is None
    assert suggestion.duration_min == 12  # the entry's 20 minutes, capped at 12
    assert suggestion.incline_percent == Decimal("5.0")


# --- Rule 3: the stage's entry session -------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "activity", "terrain", "minutes"),
    [
        (StageCode.UPHILL_WALK, Activity.WALK, Terrain.UPHILL, 20),
        (StageCode.UPHILL_JOG, Activity.WALK_RUN, Terrain.UPHILL, 20),
        (StageCode.FLAT_RUN, Activity.WALK_RUN, Terrain.FLAT, 20),
        (StageCode.HILLS_TRAILS, Activity.RUN, Terrain.ROLLING, 20),
        (StageCode.SPEED_WORK, Activity.RUN, Terrain.FLAT, 15),
        (StageCode.FULL_TRAINING, Activity.RUN, Terrain.FLAT, 30),
    ],
)
def test_with_no_session_in_the_stage_the_protocol_entry_session_is_suggested(
    stage: StageCode, activity: Activity, terrain: Terrain, minutes: int
) -> None:
    suggestion = suggest([], stage)
    assert (suggestion.activity, suggestion.terrain, suggestion.duration_min) == (
        activity,
        terrain,
        minutes,
    )
    assert (suggestion.stage, suggestion.changed_variable) == (stage, None)
    assert suggestion.based_on_session_id is None


def test_after_an_advance_the_offered_first_session_is_the_entry() -> None:
    offered = progression([session(3), session(2)]).next_stage_first_session
    assert offered is not None
    suggestion = suggest(
        [session(3), session(2)], StageCode.UPHILL_JOG, since=day(0), entry=offered
    )
    assert suggestion.activity == Activity.WALK_RUN
    assert (suggestion.duration_min, suggestion.repeats) == (30, 10)
    assert suggestion.reason.endswith("the first session offered when the PT advanced.")


def test_an_offered_session_of_another_stage_is_not_the_entry() -> None:
    offered = progression([session(3), session(2)]).next_stage_first_session
    suggestion = suggest([], StageCode.FLAT_RUN, since=day(0), entry=offered)
    assert suggestion.terrain == Terrain.FLAT
    assert "protocol's entry session of flat running" in suggestion.reason


def test_after_a_restart_the_entry_is_capped_by_the_last_session_if_it_hurt() -> None:
    # Recorded at 09:00, the restart at 18:00 the same day: the session no longer counts.
    before = datetime.datetime(2025, 3, 31, 9, tzinfo=datetime.UTC)
    painful = session(0, duration_min=10, pain_during=4, pain_after=4, recorded_at=before)
    restart = datetime.datetime(2025, 3, 31, 18, tzinfo=datetime.UTC)
    suggestion = suggest([painful], since=day(0), changed_at=restart, athlete=ANA)
    assert suggestion.based_on_session_id is None
    assert suggestion.duration_min == 10
    assert suggestion.reason == (
        "Ana has no session in this stage yet: the protocol's entry session of uphill "
        "walking, no more load than Ana's walk (31 Mar), which was not tolerated."
    )


def test_after_a_restart_a_tolerated_last_session_caps_nothing() -> None:
    before = datetime.datetime(2025, 3, 31, 9, tzinfo=datetime.UTC)
    restart = datetime.datetime(2025, 3, 31, 18, tzinfo=datetime.UTC)
    suggestion = suggest(
        [session(0, duration_min=10, recorded_at=before)], since=day(0), changed_at=restart
    )
    assert suggestion.duration_min == 20


# --- Rule 4: advance ------------------------------------------------------------------------


def test_audit_on_advance_the_phone_repeats_the_current_stage_not_the_next() -> None:
    result = progression([session(3), session(2)], athlete=ANA)
    suggestion = result.suggested_next_session
    assert result.recommendation == Recommendation.ADVANCE
    assert (suggestion.stage, suggestion.activity) == (StageCode.UPHILL_WALK, Activity.WALK)
    assert suggestion.changed_variable is None
    assert suggestion.reason == (
        "Gate met: repeat Ana's walk (29 Mar); the PT decides on the next stage."
    )


def test_a_gate_session_beyond_the_stage_is_repeated_inside_it() -> None:
    hard = {"intensity": Intensity.HARD}
    suggestion = suggest([walk_run(3, **hard), walk_run(2, **hard)], StageCode.UPHILL_JOG)
    assert suggestion.intensity == Intensity.MODERATE
    assert suggestion.changed_variable == SessionVariable.INTENSITY


# --- Rule 5: waiting --------------------------------------------------------------------------


def test_without_the_next_morning_the_last_session_is_repeated() -> None:
    suggestion = suggest(
        [session(3, duration_min=25), session(1, duration_min=25, pain_next_morning=None)],
        athlete=ANA,
    )
    assert (suggestion.duration_min, suggestion.changed_variable) == (25, None)
    assert suggestion.reason == (
        "Waiting: Ana's next-morning pain after the walk of 30 Mar is not in yet; repeat it."
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"pain_during": 3}, "hurt 3/10 during (more than 2)"),
        ({"pain_after": None}, "has no pain after recorded"),
        ({"pain_before": 3, "pain_next_morning": 3}, "hurt 3/10 the next morning (more than 2)"),
    ],
)
def test_a_session_not_tolerated_without_a_red_flag_is_repeated(
    fields: dict[str, object], words: str
) -> None:
    suggestion = suggest([session(3, duration_min=25), session(1, duration_min=25, **fields)])
    assert (suggestion.duration_min, suggestion.changed_variable) == (25, None)
    assert words in suggestion.reason


# --- Rules 6 and 7: step up after the level was done twice ------------------------------------


def test_a_level_done_once_is_repeated() -> None:
    suggestion = suggest([session(2, duration_min=20)], athlete=ANA)
    assert (suggestion.duration_min, suggestion.changed_variable) == (20, None)
    assert suggestion.reason.startswith("Repeat Ana's walk (29 Mar): this level has been")


def test_a_level_done_twice_on_different_days_steps_up_5_minutes() -> None:
    suggestion = suggest([session(3, duration_min=20), session(1, duration_min=20)], athlete=ANA)
    assert (suggestion.duration_min, suggestion.changed_variable) == (25, SessionVariable.DURATION)
    assert suggestion.reason == (
        "Step up: Ana's level was tolerated twice (28 Mar, 30 Mar): add 5 min (20 → 25 min) "
        "toward the 30-min gate, the rest the same."
    )


def test_the_step_never_passes_the_gate_minimum() -> None:
    suggestion = suggest([session(3, duration_min=28), session(1, duration_min=28)])
    assert suggestion.duration_min == 30


def test_twice_on_one_day_is_once() -> None:
    suggestion = suggest([session(1, duration_min=20), session(1, duration_min=20)])
    assert (suggestion.duration_min, suggestion.changed_variable) == (20, None)


def test_a_changed_variable_between_the_two_means_the_level_was_done_once() -> None:
    suggestion = suggest([session(3, duration_min=15), session(1, duration_min=20)])
    assert (suggestion.duration_min, suggestion.changed_variable) == (20, None)


def test_audit_a_walk_run_does_not_become_a_30_minute_run_in_seven_sessions() -> None:
    history = [walk_run(20, duration_min=20, repeats=6)]
    steps = 0
    for days_ago in range(19, 0, -1):
        suggestion = suggest(history, StageCode.FLAT_RUN, athlete=ANA)
        steps += suggestion.changed_variable is not None
        fields = {name: getattr(suggestion, name) for name in PLAN_FIELDS}
        history.append(session(days_ago, **fields))
    # Each level twice: 19 sessions hold at most 9 steps, and no step repeats its level once.
    assert steps <= 9
    assert history[7].activity == Activity.WALK_RUN


def test_a_walk_run_first_fills_its_time_with_more_run_bouts() -> None:
    last = {"duration_min": 25, "repeats": 6}  # 6 × 3 min = 18 of 25 min
    suggestion = suggest([walk_run(3, **last), walk_run(1, **last)], StageCode.UPHILL_JOG)
    assert (suggestion.repeats, suggestion.duration_min) == (8, 25)
    assert suggestion.changed_variable == SessionVariable.INTERVALS


def test_a_full_walk_run_below_the_gate_gets_5_minutes() -> None:
    last = {"duration_min": 20, "repeats": 6}
    suggestion = suggest([walk_run(3, **last), walk_run(1, **last)], StageCode.UPHILL_JOG)
    assert (suggestion.repeats, suggestion.duration_min) == (6, 25)


@pytest.mark.parametrize(
    ("run_sec", "walk_sec", "expected"),
    [(60, 120, (120, 120, 7)), (300, 60, None)],
)
def test_flat_walk_run_at_the_gate_lengthens_its_run_bouts_then_runs(
    run_sec: int, walk_sec: int, expected: tuple[int, int, int] | None
) -> None:
    fields = {
        "terrain": Terrain.FLAT,
        "incline_percent": None,
        "run_interval_sec": run_sec,
        "walk_interval_sec": walk_sec,
        "repeats": 1800 // (run_sec + walk_sec),
    }
    suggestion = suggest([walk_run(3, **fields), walk_run(1, **fields)], StageCode.FLAT_RUN)
    if expected is None:
        assert (suggestion.activity, suggestion.repeats) == (Activity.RUN, None)
    else:
        got = (suggestion.run_interval_sec, suggestion.walk_interval_sec, suggestion.repeats)
        assert got == expected


def test_the_treadmill_comes_before_any_uphill_move() -> None:
    road = {"terrain": Terrain.FLAT, "surface": Surface.ROAD, "incline_percent": None}
    first = suggest([session(4, **road), session(2, **road)])
    assert (first.surface, first.terrain) == (Surface.TREADMILL, Terrain.FLAT)
    treadmill = {**road, "surface": Surface.TREADMILL}
    second = suggest([session(4, **treadmill), session(2, **treadmill)])
    assert (second.surface, second.terrain) == (Surface.TREADMILL, Terrain.UPHILL)


def test_audit_speed_work_moves_to_the_flat_before_it_goes_hard() -> None:
    rolling = {"terrain": Terrain.ROLLING}
    suggestion = suggest([run(3, **rolling), run(1, **rolling)], StageCode.SPEED_WORK)
    assert (suggestion.terrain, suggestion.intensity) == (Terrain.FLAT, Intensity.EASY)


def test_at_full_training_there_is_no_step() -> None:
    suggestion = suggest([run(3), run(1)], StageCode.FULL_TRAINING)
    assert (suggestion.duration_min, suggestion.changed_variable) == (30, None)
    assert "the PT sets the plan" in suggestion.reason


def test_a_run_logged_in_uphill_walking_is_suggested_back_as_a_walk() -> None:
    suggestion = suggest([run(3), run(1)])
    assert suggestion.activity == Activity.WALK
    assert suggestion.stage == StageCode.UPHILL_WALK


def test_a_level_two_changes_beyond_the_stage_comes_back_as_a_walk() -> None:
    hard_flat = {"intensity": Intensity.HARD}
    suggestion = suggest([run(3, **hard_flat), run(1, **hard_flat)], StageCode.UPHILL_JOG)
    assert suggestion.activity == Activity.WALK
    assert suggestion.changed_variable == SessionVariable.ACTIVITY
    assert suggestion.reason == (
        "Repeat the athlete's run (30 Mar): no one-variable step toward the gate is left; as "
        "a walk, since the athlete is in uphill jogging (walk–run)."
    )


def test_walks_done_twice_in_uphill_jogging_step_up_to_the_first_walk_run_level() -> None:
    suggestion = suggest([session(3), session(1)], StageCode.UPHILL_JOG)
    assert (suggestion.activity, suggestion.run_interval_sec, suggestion.walk_interval_sec) == (
        Activity.WALK_RUN,
        60,
        120,
    )
    assert (suggestion.repeats, suggestion.changed_variable) == (10, SessionVariable.ACTIVITY)


def test_speed_work_raises_the_intensity_one_step_at_a_time() -> None:
    suggestion = suggest([run(3), run(1)], StageCode.SPEED_WORK)
    assert suggestion.intensity == Intensity.MODERATE


def test_a_treadmill_run_in_hills_and_trails_moves_to_the_road_first() -> None:
    treadmill = {"surface": Surface.TREADMILL}
    suggestion = suggest([run(3, **treadmill), run(1, **treadmill)], StageCode.HILLS_TRAILS)
    assert (suggestion.surface, suggestion.terrain) == (Surface.ROAD, Terrain.FLAT)
    assert suggestion.changed_variable == SessionVariable.SURFACE


def test_a_gate_level_done_twice_over_two_weeks_ago_is_repeated_not_stepped() -> None:
    suggestion = suggest([session(20), session(16)])
    assert (suggestion.duration_min, suggestion.changed_variable) == (30, None)
    assert "no one-variable step toward the gate is left" in suggestion.reason


def test_a_rolling_run_in_flat_running_is_repeated_on_the_flat() -> None:
    suggestion = suggest([run(1, terrain=Terrain.ROLLING)], StageCode.FLAT_RUN)
    assert (suggestion.terrain, suggestion.changed_variable) == (
        Terrain.FLAT,
        SessionVariable.TERRAIN,
    )
    assert suggestion.reason.endswith(
        "; flat instead of rolling, since the athlete is in flat running."
    )


def test_audit_a_walk_run_logged_in_uphill_walking_is_suggested_as_a_walk() -> None:
    suggestion = suggest([walk_run(1)])
    assert (suggestion.activity, suggestion.repeats) == (Activity.WALK, None)
