"""Red flags of the last 7 days: above 5, not settled, rest pain, pain rising, stopped early."""

from __future__ import annotations

from typing import Any

import pytest

from progressions.rules import AthleteSettings, RedFlag, detect_red_flags, weekly_pain
from progressions.rules.protocol import Activity, RedFlagCode
from progressions.rules.records import PainScoreRecord, SessionRecord
from progressions.rules.red_flags import rising
from tests.rules.builders import LONG_AGO, TODAY, day, pain, session


def _flags(
    sessions: list[SessionRecord],
    pain_scores: list[PainScoreRecord] | None = None,
    **kwargs: Any,
) -> tuple[RedFlag, ...]:
    return detect_red_flags(
        sessions=sessions,
        pain_scores=pain_scores or [],
        settings=kwargs.pop("athlete", AthleteSettings()),
        stage_since=kwargs.pop("since", LONG_AGO),
        today=TODAY,
    )


def _codes(flags: tuple[RedFlag, ...]) -> list[RedFlagCode]:
    return [flag.code for flag in flags]


# --- pain_above_ceiling ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("during", "after", "flagged"),
    [(5, 5, False), (6, 0, True), (0, 6, True), (4, None, False), (None, 6, True), (10, 10, True)],
)
def test_pain_may_reach_but_not_pass_5_during_or_after(
    during: int | None, after: int | None, flagged: bool
) -> None:
    flags = _flags([session(1, pain_during=during, pain_after=after)])
    assert (RedFlagCode.PAIN_ABOVE_CEILING in _codes(flags)) is flagged


def test_the_ceiling_applies_to_any_activity() -> None:
    flags = _flags([session(1, activity=Activity.STRENGTH, terrain=None, pain_during=7)])
    assert _codes(flags) == [RedFlagCode.PAIN_ABOVE_CEILING]


def test_the_ceiling_flag_names_its_sessions_and_the_highest_pain() -> None:
    first, second = session(3, pain_during=6), session(1, pain_after=8)
    (flag,) = _flags([first, second, session(2)])
    assert flag.session_ids == (second.id, first.id)
    assert flag.dates == (day(1), day(3))
    assert flag.description == (
        "Pain during or after passed 5/10 in 2 sessions in the last 7 days (highest 8/10)."
    )


# --- pain_not_settled -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "next_morning", "gate_pain_max", "flagged"),
    [
        (None, 2, 2, False),  # missing before (and no check-in): baseline 0; the limit is 2
        (None, 3, 2, True),
        (0, 3, 2, True),
        (4, 4, 2, False),  # back to where it was before the session
        (4, 5, 2, True),
        (1, 3, 3, False),  # the athlete's own gate max raises the limit
        (1, 4, 3, True),
        (0, 1, 0, False),  # 2/10 is the floor, even for a gate max of 0 (SPEC §1 revised)
        (0, 2, 0, False),
        (0, 3, 0, True),
        (3, None, 2, False),  # not known yet: no flag (and not tolerated either)
    ],
)
def test_next_morning_pain_must_settle_to_the_baseline_2_or_the_gate_max(
    before: int | None, next_morning: int | None, gate_pain_max: int, flagged: bool
) -> None:
    record = session(
        1, pain_before=before, pain_during=1, pain_after=1, pain_next_morning=next_morning
    )
    flags = _flags([record], athlete=AthleteSettings(gate_pain_max=gate_pain_max))
    assert _codes(flags) == ([RedFlagCode.PAIN_NOT_SETTLED] if flagged else [])


@pytest.mark.parametrize(
    ("check_in", "next_morning", "flagged"),
    [
        (PainScoreRecord(date=day(1), score=4, context="morning"), 4, False),  # its baseline
        (PainScoreRecord(date=day(1), score=4, context="morning"), 5, True),
        (PainScoreRecord(date=day(1), score=4, context="rest"), 4, True),  # not a morning one
        (PainScoreRecord(date=day(2), score=4, context="morning"), 4, True),  # another day's
    ],
)
def test_without_a_pain_before_that_mornings_check_in_is_the_baseline(
    check_in: PainScoreRecord, next_morning: int, flagged: bool
) -> None:
    record = session(
        1, pain_before=None, pain_during=1, pain_after=1, pain_next_morning=next_morning
    )
    codes = _codes(_flags([record], [check_in]))
    assert (RedFlagCode.PAIN_NOT_SETTLED in codes) is flagged


def test_the_pain_before_wins_over_the_mornings_check_in() -> None:
    record = session(1, pain_before=0, pain_during=1, pain_after=1, pain_next_morning=4)
    check_in = PainScoreRecord(date=day(1), score=4, context="morning")
    assert RedFlagCode.PAIN_NOT_SETTLED in _codes(_flags([record], [check_in]))


# --- rest_pain_high -------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "flagged"), [(5, False), (6, True), (10, True)])
@pytest.mark.parametrize("context", ["morning", "rest", "other"])
def test_a_check_in_above_5_in_any_context_is_a_red_flag(
    score: int, flagged: bool, context: str
) -> None:
    check_in = PainScoreRecord(date=day(2), score=score, context=context)
    assert _codes(_flags([], [check_in])) == ([RedFlagCode.REST_PAIN_HIGH] if flagged else [])


@pytest.mark.parametrize(("before", "flagged"), [(5, False), (6, True)])
def test_pain_before_a_session_above_5_is_a_red_flag(before: int, flagged: bool) -> None:
    record = session(1, pain_before=before, pain_during=5, pain_after=5, pain_next_morning=before)
    flags = _flags([record])
    assert (RedFlagCode.REST_PAIN_HIGH in _codes(flags)) is flagged
    if flagged:
        [flag] = [f for f in flags if f.code == RedFlagCode.REST_PAIN_HIGH]
        assert flag.session_ids == (record.id,)
        assert flag.description == (
            "Pain at rest passed 5/10 on 1 day in the last 7 days (highest 6/10)."
        )


@pytest.mark.parametrize(
    ("days_ago", "since_days_ago", "flagged"),
    [(6, 30, True), (7, 30, False), (3, 3, True), (3, 2, False)],
)
def test_rest_pain_counts_in_the_last_7_days_since_the_stage_change(
    days_ago: int, since_days_ago: int, flagged: bool
) -> None:
    check_in = PainScoreRecord(date=day(days_ago), score=8, context="rest")
    flags = _flags([], [check_in], since=day(since_days_ago))
    assert (RedFlagCode.REST_PAIN_HIGH in _codes(flags)) is flagged


# --- stopped_early ------------------------------------------------------------------------------


def test_stopping_early_is_a_red_flag() -> None:
    stopped = session(2, stopped_early=True, pain_during=0, pain_after=0, pain_next_morning=0)
    (flag,) = _flags([stopped, session(1)])
    assert (flag.code, flag.session_ids) == (RedFlagCode.STOPPED_EARLY, (stopped.id,))
    assert flag.description.startswith("1 session in the last 7 days stopped early")


# --- Windows --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "flagged"), [(0, True), (6, True), (7, False), (-1, False)])
def test_session_flags_look_at_today_and_the_6_days_before(days_ago: int, flagged: bool) -> None:
    sessions = [
        session(days_ago, pain_during=6),
        session(days_ago, pain_before=0, pain_next_morning=4),
        session(days_ago, stopped_early=True),
    ]
    expected = (
        [RedFlagCode.PAIN_ABOVE_CEILING, RedFlagCode.PAIN_NOT_SETTLED, RedFlagCode.STOPPED_EARLY]
        if flagged
        else []
    )
    assert _codes(_flags(sessions)) == expected


@pytest.mark.parametrize(("since_days_ago", "flagged"), [(2, True), (1, False)])
def test_session_flags_before_the_last_stage_change_are_ignored(
    since_days_ago: int, flagged: bool
) -> None:
    sessions = [session(2, pain_during=6, pain_next_morning=5, stopped_early=True)]
    flags = _flags(sessions, since=day(since_days_ago))
    assert bool(flags) is flagged


def test_all_five_flags_can_be_raised_together_in_spec_order() -> None:
    sessions = [
        session(9, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(8, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(2, pain_before=6, pain_during=7, pain_after=3, pain_next_morning=4),
        session(1, pain_before=0, pain_during=1, pain_after=1, pain_next_morning=4),
        session(0, stopped_early=True),
    ]
    assert _codes(_flags(sessions)) == [
        RedFlagCode.PAIN_ABOVE_CEILING,
        RedFlagCode.PAIN_NOT_SETTLED,
        RedFlagCode.REST_PAIN_HIGH,
        RedFlagCode.PAIN_RISING_WEEK_TO_WEEK,
        RedFlagCode.STOPPED_EARLY,
    ]


def test_no_sessions_and_no_scores_raise_no_flag() -> None:
    assert _flags([]) == ()


# --- pain_rising_week_to_week ------------------------------------------------------------------


def _week(days_ago: tuple[int, ...], scores: list[int]) -> list[PainScoreRecord]:
    """Check-ins spread over the given days in turn (so a week has several dates)."""
    return [pain(days_ago[i % len(days_ago)], score) for i, score in enumerate(scores)]


LAST_WEEK_DAYS = (1, 3)
PREVIOUS_WEEK_DAYS = (8, 10)


@pytest.mark.parametrize(
    ("previous_week", "last_week", "flagged"),
    [
        ([2, 2], [3, 3], True),  # exactly 1.0, and 3 is above the gate max 2
        ([2, 3], [3, 3], False),  # 0.5
        ([2, 2, 2], [3, 3, 2], False),  # 0.67
        ([2, 2, 3], [3, 3, 4], True),  # 7/3 → 10/3: exactly 1.0 with thirds
        ([0, 0], [10, 10], True),
        ([4, 4], [3, 3], False),  # falling pain
        ([0, 0], [2, 2], False),  # a rise of 2, but not above the gate max 2: not a flag
        ([1, 1], [2, 3], True),  # 2.5 is above 2
    ],
)
def test_rest_pain_rising_means_a_weekly_mean_up_by_1_and_above_the_gate_max(
    previous_week: list[int], last_week: list[int], flagged: bool
) -> None:
    scores = _week(PREVIOUS_WEEK_DAYS, previous_week) + _week(LAST_WEEK_DAYS, last_week)
    flags = _flags([], scores)
    assert (RedFlagCode.PAIN_RISING_WEEK_TO_WEEK in _codes(flags)) is flagged


@pytest.mark.parametrize(("gate_pain_max", "flagged"), [(0, True), (2, True), (3, False)])
def test_the_trend_must_end_above_the_athletes_own_gate_max(
    gate_pain_max: int, flagged: bool
) -> None:
    scores = _week(PREVIOUS_WEEK_DAYS, [1, 1]) + _week(LAST_WEEK_DAYS, [3, 3])
    flags = _flags([], scores, athlete=AthleteSettings(gate_pain_max=gate_pain_max))
    assert (RedFlagCode.PAIN_RISING_WEEK_TO_WEEK in _codes(flags)) is flagged


def test_check_ins_of_1_against_0_never_flip_the_recommendation() -> None:
    # The audit's case: a knee at 1 after a week at 0 is noise, not a flare.
    scores = _week(PREVIOUS_WEEK_DAYS, [0, 0, 0]) + _week(LAST_WEEK_DAYS, [1, 1, 1])
    assert _flags([], scores) == ()


def test_a_rise_of_one_in_decimal_means_is_not_lost_to_float_rounding() -> None:
    # 2.4 → 3.4 is exactly 1.0, but in floats 17/5 − 12/5 is 0.9999999999999996.
    previous = _week(PREVIOUS_WEEK_DAYS, [3, 3, 2, 2, 2])  # mean 2.4
    last = _week(LAST_WEEK_DAYS, [4, 4, 3, 3, 3])  # mean 3.4
    assert _codes(_flags([], previous + last)) == [RedFlagCode.PAIN_RISING_WEEK_TO_WEEK]


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ([pain(0, 9), pain(1, 9)], False),  # only the last week has data
        ([pain(10, 0), pain(11, 0)], False),  # only the week before
        ([pain(7, 0), pain(8, 0), pain(6, 3), pain(5, 3)], True),  # −7 is the week before
        ([pain(13, 0), pain(12, 0), pain(0, 3), pain(1, 3)], True),  # day −13 still counts
        ([pain(14, 0), pain(12, 0), pain(0, 3), pain(1, 3)], False),  # −14 does not: 1 date
        ([pain(10, 0), pain(9, 0), pain(-1, 9), pain(1, 9)], False),  # tomorrow: 1 date
    ],
)
def test_the_trend_needs_scores_on_2_dates_in_both_weeks_at_their_edges(
    scores: list[PainScoreRecord], flagged: bool
) -> None:
    codes = _codes(_flags([], scores))
    assert (RedFlagCode.PAIN_RISING_WEEK_TO_WEEK in codes) is flagged


def test_one_date_in_a_week_is_not_a_trend_however_many_scores() -> None:
    scores = [pain(10, 0)] * 3 + [pain(2, 4), pain(3, 4)]
    assert _flags([], scores) == ()
    scores = [pain(10, 0), pain(9, 0)] + [pain(2, 4)] * 3
    assert _flags([], scores) == ()


def test_the_trend_is_the_knee_at_rest_not_pain_during_or_after() -> None:
    older = session(
        9,
        activity=Activity.CROSS_TRAINING,
        terrain=None,
        pain_before=0,
        pain_during=0,
        pain_after=None,
        pain_next_morning=None,
    )
    recent = session(2, pain_before=1, pain_during=3, pain_after=3, pain_next_morning=2)
    trend = weekly_pain(sessions=[recent, older], pain_scores=[pain(3, 0), pain(8, 0)], today=TODAY)
    assert trend.previous_week_mean == 0  # the check-in; the cross-training had no morning
    assert trend.last_week_mean == 1  # the next-morning 2 and the check-in's 0
    assert trend.rise == 1
    assert trend.session_ids == (recent.id,)
    assert trend.dates == (day(2), day(3), day(8))


def test_a_week_of_running_after_a_week_of_walking_is_not_a_trend() -> None:
    # The audit's case: pain during 2 on the runs, 0 on the walks, the knee fine at rest.
    walks = [session(d, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0)
             for d in (12, 10, 8)]  # fmt: skip
    runs = [session(d, pain_before=0, pain_during=2, pain_after=2, pain_next_morning=0)
            for d in (5, 3, 1)]  # fmt: skip
    assert _flags(walks + runs) == ()


def test_no_scores_at_all_is_no_trend() -> None:
    assert not rising(weekly_pain(sessions=[], pain_scores=[], today=TODAY), gate_pain_max=0)


def test_a_session_without_a_next_morning_pain_adds_nothing_to_the_trend() -> None:
    silent = session(2, pain_before=1, pain_during=1, pain_after=1, pain_next_morning=None)
    trend = weekly_pain(sessions=[silent], pain_scores=[], today=TODAY)
    assert (trend.last_week_mean, trend.session_ids, trend.rise) == (None, (), None)


def test_the_trend_uses_scores_from_before_the_last_stage_change() -> None:
    sessions = [
        session(10, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(9, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(3, pain_before=3, pain_during=2, pain_after=2, pain_next_morning=3),
        session(2, pain_before=3, pain_during=2, pain_after=2, pain_next_morning=3),
    ]
    (flag,) = _flags(sessions, since=day(1))
    assert flag.code == RedFlagCode.PAIN_RISING_WEEK_TO_WEEK
    assert flag.description == (
        "Mean pain at rest rose from 0.0/10 (days −13 to −7) to 3.0/10 (the last 7 days), "
        "a rise of 3.0, at least 1.0, and above the gate maximum 2/10."
    )
    assert flag.session_ids == tuple(s.id for s in reversed(sessions))
    assert flag.dates == (day(2), day(3), day(9), day(10))
