"""What the engine reads: frozen snapshots of one athlete's settings, sessions and pain.

The service layer builds these from database rows; nothing here knows about Django.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from progressions.rules.protocol import (
    GATE_PAIN_MAX_DEFAULT,
    RUNNING_TYPE_ACTIVITIES,
    WALK_GATE_MINUTES_DEFAULT,
    Activity,
    Intensity,
    Surface,
    Terrain,
)


@dataclass(frozen=True, slots=True)
class AthleteSettings:
    """The PT-adjustable parts of the protocol for one athlete."""

    walk_gate_minutes: int = WALK_GATE_MINUTES_DEFAULT  # minutes of uphill walking (30–45)
    gate_pain_max: int = GATE_PAIN_MAX_DEFAULT  # highest pain (0–3) a tolerated session has
    preferred_cadence_spm: int | None = None  # the athlete's own running step rate
    target_cadence_spm: int | None = None  # None: follow 1.05 × preferred
    first_name: str = ""  # for the reasons the PT reads ("Ana's last tolerated run")


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """One logged session, as the athlete recorded it (keyword-only: many similar ints)."""

    id: int
    date: datetime.date
    recorded_seq: int  # the order of recording: breaks ties between sessions on one date
    activity: Activity
    terrain: Terrain | None = None
    surface: Surface | None = None
    incline_percent: Decimal | None = None
    duration_min: int
    distance_km: Decimal | None = None
    run_interval_sec: int | None = None
    walk_interval_sec: int | None = None
    repeats: int | None = None
    intensity: Intensity | None = None
    cadence_spm: int | None = None
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None  # None: not known yet, never "no pain"
    stopped_early: bool = False  # stopped or changed gait because of pain
    # When it was recorded: decides whether a session dated on the day of a stage change
    # counts (see ``StageStart``). None (engine tests only): recorded after the change.
    recorded_at: datetime.datetime | None = None

    @property
    def order_key(self) -> tuple[datetime.date, int, int]:
        """Return the "most recent" ordering key: date, then recording order (then id)."""
        return (self.date, self.recorded_seq, self.id)

    @property
    def is_running_type(self) -> bool:
        """Return whether this is a walk, walk–run or run (not cross-training or strength)."""
        return self.activity in RUNNING_TYPE_ACTIVITIES


@dataclass(frozen=True, slots=True)
class PainScoreRecord:
    """A daily pain check-in outside sessions."""

    date: datetime.date
    score: int
    context: str = "other"
    recorded_at: datetime.datetime | None = None  # as ``SessionRecord.recorded_at``


@dataclass(frozen=True, slots=True)
class StageStart:
    """When the current stage began, for "which sessions count" (SPEC §1).

    A session or check-in counts when it is dated after ``date``, or on ``date`` and
    recorded after ``recorded_at`` (the moment the last stage change was recorded). With
    no change yet (``recorded_at`` None) everything dated on or after ``date`` counts.
    A record without a recording time counts on ``date`` too (engine tests build such).
    """

    date: datetime.date
    recorded_at: datetime.datetime | None = None

    @classmethod
    def of(cls, value: datetime.date | StageStart) -> StageStart:
        """Return ``value`` as a ``StageStart`` (a bare date: a stage with no change yet)."""
        return value if isinstance(value, StageStart) else cls(value)

    def counts(self, record: SessionRecord | PainScoreRecord) -> bool:
        """Return whether the record counts for the current stage."""
        if record.date != self.date:
            return record.date > self.date
        return (
            self.recorded_at is None
            or record.recorded_at is None
            or record.recorded_at > self.recorded_at
        )


class SessionShape(Protocol):
    """What the one-variable comparison reads: a logged session or a suggested one."""

    @property
    def activity(self) -> Activity: ...
    @property
    def terrain(self) -> Terrain | None: ...
    @property
    def surface(self) -> Surface | None: ...
    @property
    def incline_percent(self) -> Decimal | None: ...
    @property
    def duration_min(self) -> int: ...
    @property
    def intensity(self) -> Intensity | None: ...
    @property
    def run_interval_sec(self) -> int | None: ...
    @property
    def walk_interval_sec(self) -> int | None: ...
    @property
    def repeats(self) -> int | None: ...
    @property
    def cadence_spm(self) -> int | None: ...


def sort_sessions(sessions: Sequence[SessionRecord]) -> list[SessionRecord]:
    """Return the sessions oldest first, by date and then by recording order."""
    return sorted(sessions, key=lambda session: session.order_key)


def sessions_between(
    sessions: Sequence[SessionRecord], *, first: datetime.date, last: datetime.date
) -> list[SessionRecord]:
    """Return the sessions dated ``first`` to ``last`` (both inclusive), oldest first."""
    return sort_sessions([s for s in sessions if first <= s.date <= last])


def counting_sessions(
    sessions: Sequence[SessionRecord],
    *,
    start: StageStart,
    first: datetime.date,
    last: datetime.date,
) -> list[SessionRecord]:
    """Return the sessions dated ``first``..``last`` that count for the stage, oldest first."""
    return [s for s in sessions_between(sessions, first=first, last=last) if start.counts(s)]


def previous_running_session(
    sessions: Sequence[SessionRecord], current: SessionRecord
) -> SessionRecord | None:
    """Return the running-type session recorded just before ``current``, if any.

    ``current`` itself may or may not be in ``sessions``; any date counts, even one before
    the last stage change, because the comparison is about what the body last did.
    """
    earlier = [s for s in sessions if s.is_running_type and s.order_key < current.order_key]
    return max(earlier, key=lambda session: session.order_key, default=None)


def running_predecessors(
    sessions: Sequence[SessionRecord],
) -> Callable[[SessionRecord], SessionRecord | None]:
    """Return ``previous_running_session`` over ``sessions`` for many ``current``s at once:
    the running-type sessions sorted once, each lookup a bisection (not a scan of all)."""
    running = sorted((s for s in sessions if s.is_running_type), key=lambda s: s.order_key)
    keys = [s.order_key for s in running]

    def previous(current: SessionRecord) -> SessionRecord | None:
        index = bisect.bisect_left(keys, current.order_key)
        return running[index - 1] if index else None

    return previous
