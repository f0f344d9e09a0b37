"""Red flags: any one in the last 7 days makes the recommendation ``back_off`` (SPEC §1)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from progressions.rules.protocol import (
    PAIN_CEILING,
    PAIN_NOT_SETTLED_FLOOR,
    PAIN_TREND_MIN_DATES_PER_WEEK,
    PAIN_TREND_RISE,
    RED_FLAG_WINDOW_DAYS,
    REST_PAIN_CEILING,
    RedFlagCode,
)
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    StageStart,
    counting_sessions,
    sessions_between,
)
from progressions.rules.results import RedFlag

# Exact arithmetic: a rise of 2.1 − 1.1 must count as 1.0, which floats would not promise.
_TREND_RISE = Fraction(Decimal(str(PAIN_TREND_RISE)))


def red_flag_window_start(today: datetime.date, stage_since: datetime.date) -> datetime.date:
    """Return the first day session red flags look at: 6 days ago, or the stage change."""
    return max(today - datetime.timedelta(days=RED_FLAG_WINDOW_DAYS - 1), stage_since)


def above_ceiling(session: SessionRecord) -> bool:
    """Return whether pain during or after passed the ceiling (5/10); missing counts as no."""
    return any(
        score is not None and score > PAIN_CEILING
        for score in (session.pain_during, session.pain_after)
    )


def morning_check_ins(pain_scores: Sequence[PainScoreRecord]) -> dict[datetime.date, int]:
    """Return each day's morning check-in score (the last one given, if several)."""
    return {score.date: score.score for score in pain_scores if score.context == "morning"}


def settled_limit(
    session: SessionRecord, gate_pain_max: int, mornings: dict[datetime.date, int]
) -> int:
    """Return the highest next-morning pain that still counts as settled.

    That is max(baseline, 2, gate maximum), the baseline being the session's pain before,
    else that day's morning check-in, else 0 (SPEC §1).
    """
    baseline = session.pain_before
    if baseline is None:
        baseline = mornings.get(session.date, 0)
    return max(baseline, PAIN_NOT_SETTLED_FLOOR, gate_pain_max)


def not_settled(
    session: SessionRecord, gate_pain_max: int, mornings: dict[datetime.date, int]
) -> bool:
    """Return whether next-morning pain passed its settled limit; missing is not (yet) a flag."""
    if session.pain_next_morning is None:
        return False
    return session.pain_next_morning > settled_limit(session, gate_pain_max, mornings)


@dataclass(frozen=True, slots=True)
class WeeklyPain:
    """Mean pain of the last 7 days and of the 7 days before; None for a week with no score."""

    last_week_mean: Fraction | None
    previous_week_mean: Fraction | None
    session_ids: tuple[int, ...]  # the sessions whose scores went in, newest first
    dates: tuple[datetime.date, ...]  # the days with a score, newest first
    last_week_dates: int = 0  # how many different days of the last week have a score
    previous_week_dates: int = 0  # the same for the week before

    @property
    def rise(self) -> Fraction | None:
        """Return last week's mean minus the week before's; None unless both weeks have data."""
        if self.last_week_mean is None or self.previous_week_mean is None:
            return None
        return self.last_week_mean - self.previous_week_mean


def weekly_pain(
    *,
    sessions: Sequence[SessionRecord],
    pain_scores: Sequence[PainScoreRecord],
    today: datetime.date,
) -> WeeklyPain:
    """Return the two weekly means of the knee at rest, from every score regardless of stage.

    The scores are every daily check-in (any context) and every session's next-morning pain,
    dated on the session's date. Pain before, during or after a session never enters (a
    week of running always hurts a little more than a week of walking). Days −6..0 are the
    last week, days −13..−7 the one before; later or earlier scores are ignored.
    """
    week_start = today - datetime.timedelta(days=RED_FLAG_WINDOW_DAYS - 1)
    previous_start = week_start - datetime.timedelta(days=RED_FLAG_WINDOW_DAYS)
    scored: list[tuple[datetime.date, int]] = [
        (score.date, score.score) for score in pain_scores if previous_start <= score.date <= today
    ]
    contributing = [
        s
        for s in sessions_between(sessions, first=previous_start, last=today)
        if s.pain_next_morning is not None
    ]
    scored += [
        (s.date, s.pain_next_morning) for s in contributing if s.pain_next_morning is not None
    ]
    last = [score for day, score in scored if day >= week_start]
    previous = [score for day, score in scored if day < week_start]
    return WeeklyPain(
        last_week_mean=Fraction(sum(last), len(last)) if last else None,
        previous_week_mean=Fraction(sum(previous), len(previous)) if previous else None,
        session_ids=tuple(s.id for s in reversed(contributing)),
        dates=tuple(sorted({day for day, _ in scored}, reverse=True)),
        last_week_dates=len({day for day, _ in scored if day >= week_start}),
        previous_week_dates=len({day for day, _ in scored if day < week_start}),
    )


def rising(trend: WeeklyPain, gate_pain_max: int) -> bool:
    """Return whether the rest pain rose week to week (SPEC §1, all three conditions).

    Each week has scores on at least 2 different dates, the last week's mean is at least
    1.0 above the week before's, and the last week's mean is above the gate maximum.
    """
    if trend.rise is None or trend.last_week_mean is None:
        return False
    return (
        min(trend.last_week_dates, trend.previous_week_dates) >= PAIN_TREND_MIN_DATES_PER_WEEK
        and trend.rise >= _TREND_RISE
        and trend.last_week_mean > gate_pain_max
    )


def _session_flag(code: RedFlagCode, sessions: list[SessionRecord], text: str) -> RedFlag:
    newest_first = list(reversed(sessions))
    return RedFlag(
        code=code,
        description=text,
        session_ids=tuple(s.id for s in newest_first),
        dates=tuple(s.date for s in newest_first),
    )


def _count(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def detect_red_flags(
    *,
    sessions: Sequence[SessionRecord],
    pain_scores: Sequence[PainScoreRecord],
    settings: AthleteSettings,
    stage_since: datetime.date | StageStart,
    today: datetime.date,
) -> tuple[RedFlag, ...]:
    """Return the red flags of the last 7 days, at most one per code, in SPEC order.

    Session flags (ceiling, not settled, stopped early) and ``rest_pain_high`` look only at
    what is dated today and the 6 days before and counts for the stage
    (``StageStart.counts``); the week-to-week trend uses every rest score of the last 14
    days, whatever the stage.
    """
    start = StageStart.of(stage_since)
    first = red_flag_window_start(today, start.date)
    window = counting_sessions(sessions, start=start, first=first, last=today)
    flags: list[RedFlag] = []

    ceiling = [s for s in window if above_ceiling(s)]
    if ceiling:
        worst = max(
            score for s in ceiling for score in (s.pain_during, s.pain_after) if score is not None
        )
        flags.append(
            _session_flag(
                RedFlagCode.PAIN_ABOVE_CEILING,
                ceiling,
                f"Pain during or after passed {PAIN_CEILING}/10 in {_count(len(ceiling))} "
                f"in the last {RED_FLAG_WINDOW_DAYS} days (highest {worst}/10).",
            )
        )

    mornings = morning_check_ins(pain_scores)
    unsettled = [s for s in window if not_settled(s, settings.gate_pain_max, mornings)]
    if unsettled:
        flags.append(
            _session_flag(
                RedFlagCode.PAIN_NOT_SETTLED,
                unsettled,
                f"Next-morning pain stayed above the pain before the session (or that "
                f"morning's check-in), {PAIN_NOT_SETTLED_FLOOR}/10 and the gate maximum "
                f"{settings.gate_pain_max}/10 after {_count(len(unsettled))} in the last "
                f"{RED_FLAG_WINDOW_DAYS} days.",
            )
        )

    rest_sessions = [
        s for s in window if s.pain_before is not None and s.pain_before > REST_PAIN_CEILING
    ]
    rest_check_ins = [
        score
        for score in pain_scores
        if first <= score.date <= today and start.counts(score) and score.score > REST_PAIN_CEILING
    ]
    if rest_sessions or rest_check_ins:
        worst = max(
            [s.pain_before for s in rest_sessions if s.pain_before is not None]
            + [score.score for score in rest_check_ins]
        )
        days = sorted({s.date for s in rest_sessions} | {c.date for c in rest_check_ins})
        flags.append(
            RedFlag(
                code=RedFlagCode.REST_PAIN_HIGH,
                description=(
                    f"Pain at rest passed {REST_PAIN_CEILING}/10 on {len(days)} "
                    f"day{'s' if len(days) != 1 else ''} in the last {RED_FLAG_WINDOW_DAYS} "
                    f"days (highest {worst}/10)."
                ),
                session_ids=tuple(s.id for s in reversed(rest_sessions)),
                dates=tuple(reversed(days)),
            )
        )

    trend = weekly_pain(sessions=sessions, pain_scores=pain_scores, today=today)
    last, previous = trend.last_week_mean, trend.previous_week_mean
    if last is not None and previous is not None and rising(trend, settings.gate_pain_max):
        flags.append(
            RedFlag(
                code=RedFlagCode.PAIN_RISING_WEEK_TO_WEEK,
                description=(
                    f"Mean pain at rest rose from {float(previous):.1f}/10 (days −13 to −7) "
                    f"to {float(last):.1f}/10 (the last 7 days), a rise of "
                    f"{float(last - previous):.1f}, at least {PAIN_TREND_RISE:.1f}, and above "
                    f"the gate maximum {settings.gate_pain_max}/10."
                ),
                session_ids=trend.session_ids,
                dates=trend.dates,
            )
        )

    stopped = [s for s in window if s.stopped_early]
    if stopped:
        flags.append(
            _session_flag(
                RedFlagCode.STOPPED_EARLY,
                stopped,
                f"{_count(len(stopped))} in the last {RED_FLAG_WINDOW_DAYS} days stopped "
                "early or changed gait because of pain.",
            )
        )
    return tuple(flags)
