"""Short builders for the rules tests: a tolerated 30-min uphill treadmill walk by default.

Days are counted back from ``TODAY``: ``session(3)`` is a session 3 days ago.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from progressions.rules import (
    AthleteSettings,
    PainScoreRecord,
    Progression,
    SessionRecord,
    SuggestedSession,
    evaluate,
)
from progressions.rules.protocol import (
    Activity,
    Intensity,
    StageCode,
    Surface,
    Terrain,
)

TODAY = datetime.date(2025, 3, 31)
LONG_AGO = TODAY - datetime.timedelta(days=120)  # a stage start before every window

_ids = itertools.count(1)


def day(days_ago: int) -> datetime.date:
    """Return the date ``days_ago`` days before ``TODAY`` (negative: in the future)."""
    return TODAY - datetime.timedelta(days=days_ago)


def session(days_ago: int = 0, **overrides: Any) -> SessionRecord:
    """Return a tolerated 30-min uphill treadmill walk, recorded after every earlier build."""
    next_id = next(_ids)
    fields: dict[str, Any] = {
        "id": next_id,
        "date": day(days_ago),
        "recorded_seq": next_id,
        "activity": Activity.WALK,
        "terrain": Terrain.UPHILL,
        "surface": Surface.TREADMILL,
        "incline_percent": Decimal("5.0"),
        "duration_min": 30,
        "intensity": Intensity.EASY,
        "pain_before": 0,
        "pain_during": 1,
        "pain_after": 1,
        "pain_next_morning": 1,
    }
    fields.update(overrides)
    return SessionRecord(**fields)


def walk_run(days_ago: int = 0, **overrides: Any) -> SessionRecord:
    """Return a tolerated 30-min uphill treadmill walk–run, 60 s run / 120 s walk × 10."""
    fields: dict[str, Any] = {
        "activity": Activity.WALK_RUN,
        "run_interval_sec": 60,
        "walk_interval_sec": 120,
        "repeats": 10,
    }
    return session(days_ago, **{**fields, **overrides})


def run(days_ago: int = 0, **overrides: Any) -> SessionRecord:
    """Return a tolerated 30-min easy flat road run."""
    fields: dict[str, Any] = {
        "activity": Activity.RUN,
        "terrain": Terrain.FLAT,
        "surface": Surface.ROAD,
        "incline_percent": None,
    }
    return session(days_ago, **{**fields, **overrides})


def pain(days_ago: int, score: int) -> PainScoreRecord:
    """Return a daily pain check-in."""
    return PainScoreRecord(date=day(days_ago), score=score)


def settings(**overrides: Any) -> AthleteSettings:
    """Return the default settings (walk gate 30 min, pain max 2), with overrides."""
    return AthleteSettings(**overrides)


def progression(
    sessions: Sequence[SessionRecord] = (),
    *,
    stage: StageCode = StageCode.UPHILL_WALK,
    since: datetime.date = LONG_AGO,
    pain_scores: Sequence[PainScoreRecord] = (),
    athlete: AthleteSettings | None = None,
    today: datetime.date = TODAY,
    changed_at: datetime.datetime | None = None,
    entry: SuggestedSession | None = None,
) -> Progression:
    """Return ``evaluate`` for one athlete on ``today`` (default: stage started long ago)."""
    return evaluate(
        stage=stage,
        stage_since=since,
        settings=athlete or AthleteSettings(),
        sessions=sessions,
        pain_scores=pain_scores,
        today=today,
        stage_changed_at=changed_at,
        stage_entry=entry,
    )


def suggest(
    sessions: Sequence[SessionRecord],
    stage: StageCode = StageCode.UPHILL_WALK,
    *,
    since: datetime.date = LONG_AGO,
    pain_scores: Sequence[PainScoreRecord] = (),
    athlete: AthleteSettings | None = None,
    changed_at: datetime.datetime | None = None,
    entry: SuggestedSession | None = None,
) -> SuggestedSession:
    """Return the suggested next session of ``progression`` on ``TODAY``."""
    return progression(
        sessions,
        stage=stage,
        since=since,
        pain_scores=pain_scores,
        athlete=athlete,
        changed_at=changed_at,
        entry=entry,
    ).suggested_next_session


def differences(before: SessionRecord, after: SuggestedSession) -> dict[str, tuple[Any, Any]]:
    """Return the session fields that differ, as ``{field: (before, after)}``."""
    return {
        field.name: (getattr(before, field.name), getattr(after, field.name))
        for field in dataclasses.fields(SuggestedSession)
        if hasattr(before, field.name) and getattr(before, field.name) != getattr(after, field.name)
    }
