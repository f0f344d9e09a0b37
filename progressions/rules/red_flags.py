"""Red flags: any one in the last 7 days makes the recommendation ``back_off`` (SPEC §1)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from progressions.rules.protocol import (
    PAIN_CEILING,
    PAIN_TREND_RISE,
    RED_FLAG_WINDOW_DAYS,
    RedFlagCode,
)
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
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


def not_settled(session: SessionRecord, gate_pain_max: int) -> bool:
    """Return whether next-morning pain exceeds both the pain before it and the gate maximum.

    A missing pain before counts as 0; a missing next-morning pain is not (yet) a flag.
    """
    if session.pain_next_morning is None:
        return False
    return session.pain_next_morning > max(session.pain_before or 0, gate_pain_max)


@dataclass(frozen=True, slots=True)
class WeeklyPain:
    """Mean pain of the last 7 days and of the 7 days before; None for a week with no score."""

    last_week_mean: Fraction | None
    previous_week_mean: Fraction | None
    session_ids: tuple[int, ...]  # the sessions whose scores went in, newest first
    dates: tuple[datetime.date, ...]  # the days with a score, newest first

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
    """Return the two weekly pain means, from every score regardless of stage.

    Each session contributes its pain before, during, after and next morning (all dated on
    the session date); each daily check-in contributes its score. Days −6..0 are the last
    week, days −13..−7 the one before; later or earlier scores are ignored.
    """
    week_start = today - datetime.timedelta(days=RED_FLAG_WINDOW_DAYS - 1)
    previous_start = week_start - datetime.timedelta(days=RED_FLAG_WINDOW_DAYS)
    scored: list[tuple[datetime.date, int]] = [
        (score.date, score.score) for score in pain_scores if previous_start <= score.date <= today
    ]
    contributing = [
        s for s in sessions_between(sessions, first=previous_start, last=today) if s.pain_scores
    ]
    scored += [(s.date, score) for s in contributing for score in s.pain_scores]
    last = [score for day, score in scored if day >= week_start]
    previous = [score for day, score in scored if day < week_start]
    return WeeklyPain(
        last_week_mean=Fraction(sum(last), len(last)) if last else None,
        previous_week_mean=Fraction(sum(previous), len(previous)) if previous else None,
        session_ids=tuple(s.id for s in reversed(contributing)),
        dates=tuple(sorted({day for day, _ in scored}, reverse=True)),
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
    stage_since: datetime.date,
    today: datetime.date,
) -> tuple[RedFlag, ...]:
    """Return the red flags of the last 7 days, at most one per code, in SPEC order.

    Session flags (ceiling, not settled, stopped early) look only at sessions dated today
    and the 6 days before and on or after the last stage change; the week-to-week trend
    uses every pain score of the last 14 days, whatever the stage.
    """
    window = sessions_between(sessions, first=red_flag_window_start(today, stage_since), last=today)
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

    unsettled = [s for s in window if not_settled(s, settings.gate_pain_max)]
    if unsettled:
        flags.append(
            _session_flag(
                RedFlagCode.PAIN_NOT_SETTLED,
                unsettled,
                f"Next-morning pain stayed above both the pain before the session and "
                f"{settings.gate_pain_max}/10 after {_count(len(unsettled))} in the last "
                f"{RED_FLAG_WINDOW_DAYS} days.",
            )
        )

    trend = weekly_pain(sessions=sessions, pain_scores=pain_scores, today=today)
    last, previous = trend.last_week_mean, trend.previous_week_mean
    if last is not None and previous is not None and last - previous >= _TREND_RISE:
        flags.append(
            RedFlag(
                code=RedFlagCode.PAIN_RISING_WEEK_TO_WEEK,
                description=(
                    f"Mean pain rose from {float(previous):.1f}/10 (days −13 to −7) to "
                    f"{float(last):.1f}/10 (the last 7 days), a rise of "
                    f"{float(last - previous):.1f}, at least {PAIN_TREND_RISE:.1f}."
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
