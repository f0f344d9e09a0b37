"""Red flags of the last 7 days: pain above 5, pain not settled, pain rising, stopped early."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from progressions.rules import AthleteSettings, RedFlag, detect_red_flags, weekly_pain
from progressions.rules.protocol import Activity, RedFlagCode
from progressions.rules.records import PainScoreRecord, SessionRecord
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
        (None, 2, 2, False),  # missing before counts as 0; the max is 2
        (None, 3, 2, True),
        (0, 3, 2, True),
        (4, 4, 2, False),  # back to where it was before the session
        (4, 5, 2, True),
        (1, 3, 3, False),  # the athlete's own gate max is the floor
        (1, 4, 3, True),
        (0, 1, 0, True),
        (3, None, 2, False),  # not known yet: no flag (and not tolerated either)
    ],
)
def test_next_morning_pain_must_settle_to_before_or_the_gate_max(
    before: int | None, next_morning: int | None, gate_pain_max: int, flagged: bool
) -> None:
    record = session(
        1, pain_before=before, pain_during=1, pain_after=1, pain_next_morning=next_morning
    )
    flags = _flags([record], athlete=AthleteSettings(gate_pain_max=gate_pain_max))
    assert _codes(flags) == ([RedFlagCode.PAIN_NOT_SETTLED] if flagged else [])


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


def test_all_four_flags_can_be_raised_together_in_spec_order() -> None:
    sessions = [
        session(9, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(1, pain_before=0, pain_during=7, pain_after=3, pain_next_morning=4),
        session(0, stopped_early=True),
    ]
    assert _codes(_flags(sessions)) == [
        RedFlagCode.PAIN_ABOVE_CEILING,
        RedFlagCode.PAIN_NOT_SETTLED,
        RedFlagCode.PAIN_RISING_WEEK_TO_WEEK,
        RedFlagCode.STOPPED_EARLY,
    ]


def test_no_sessions_and_no_scores_raise_no_flag() -> None:
    assert _flags([]) == ()


# --- pain_rising_week_to_week ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous_week", "last_week", "flagged"),
    [
        ([1, 1], [2, 2], True),  # exactly 1.0
        ([1, 2], [2, 2], False),  # 0.5
        ([1, 1, 1], [2, 2, 1], False),  # 0.67
        ([1, 1, 2], [2, 2, 3], True),  # 4/3 → 7/3: exactly 1.0 with thirds
        ([0], [10], True),
        ([3], [2], False),  # falling pain
    ],
)
def test_pain_rising_means_a_weekly_mean_up_by_at_least_1(
    previous_week: list[int], last_week: list[int], flagged: bool
) -> None:
    scores = [pain(10, score) for score in previous_week] + [pain(3, s) for s in last_week]
    flags = _flags([], scores)
    assert (RedFlagCode.PAIN_RISING_WEEK_TO_WEEK in _codes(flags)) is flagged


def test_a_rise_of_one_in_decimal_means_is_not_lost_to_float_rounding() -> None:
    # 0.4 → 1.4 is exactly 1.0, but in floats 7/5 − 2/5 is 0.9999999999999999.
    previous = [pain(10, 1)] * 2 + [pain(10, 0)] * 3  # mean 0.4
    last = [pain(1, 2)] * 2 + [pain(1, 1)] * 3  # mean 1.4
    assert _codes(_flags([], previous + last)) == [RedFlagCode.PAIN_RISING_WEEK_TO_WEEK]


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ([pain(0, 9)], False),  # only the last week has data
        ([pain(10, 0)], False),  # only the week before
        ([pain(7, 0), pain(6, 1)], True),  # day −7 is the week before, −6 the last week
        ([pain(13, 0), pain(0, 1)], True),  # day −13 still counts
        ([pain(14, 0), pain(0, 1)], False),  # day −14 does not: the week before is empty
        ([pain(10, 0), pain(-1, 9)], False),  # tomorrow is not in the last week
    ],
)
def test_the_trend_needs_data_in_both_weeks_at_their_edges(
    scores: list[PainScoreRecord], flagged: bool
) -> None:
    assert bool(_flags([], scores)) is flagged


def test_the_trend_uses_every_session_pain_score_and_daily_check_in() -> None:
    older = session(
        9,
        activity=Activity.CROSS_TRAINING,
        terrain=None,
        pain_before=0,
        pain_during=0,
        pain_after=None,
        pain_next_morning=None,
    )
    recent = session(2, pain_before=1, pain_during=1, pain_after=2, pain_next_morning=2)
    trend = weekly_pain(sessions=[recent, older], pain_scores=[pain(3, 0), pain(8, 0)], today=TODAY)
    assert trend.previous_week_mean == 0  # 0, 0 from the session and 0 from the check-in
    assert trend.last_week_mean == Fraction(6, 5)  # 1, 1, 2, 2 and the check-in's 0
    assert trend.rise == Fraction(6, 5)
    assert trend.session_ids == (recent.id, older.id)
    assert trend.dates == (day(2), day(3), day(8), day(9))


def test_a_session_without_any_pain_score_adds_nothing_to_the_trend() -> None:
    silent = session(2, pain_before=None, pain_during=None, pain_after=None, pain_next_morning=None)
    trend = weekly_pain(sessions=[silent], pain_scores=[], today=TODAY)
    assert (trend.last_week_mean, trend.session_ids, trend.rise) == (None, (), None)


def test_the_trend_uses_scores_from_before_the_last_stage_change() -> None:
    sessions = [
        session(10, pain_before=0, pain_during=0, pain_after=0, pain_next_morning=0),
        session(3, pain_before=2, pain_during=2, pain_after=2, pain_next_morning=2),
    ]
    (flag,) = _flags(sessions, since=day(1))
    assert flag.code == RedFlagCode.PAIN_RISING_WEEK_TO_WEEK
    assert flag.description == (
        "Mean pain rose from 0.0/10 (days −13 to −7) to 2.0/10 (the last 7 days), "
        "a rise of 2.0, at least 1.0."
    )
    assert flag.session_ids == (sessions[1].id, sessions[0].id)
    assert flag.dates == (day(3), day(10))
