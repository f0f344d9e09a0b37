"""The session most tests store (a tolerated uphill treadmill walk, through the service),
and a long varied history for the query-budget tests (written in bulk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes import services
from athletes.models import Athlete, SessionLog
from tests.support.clock import days_ago


def walk(athlete: Athlete, days: int, **fields: Any) -> SessionLog:
    """Store a 30-min uphill walk ``days`` ago (pain 0/1/1/1); ``fields`` override.

    Through the service, so its one-variable check is computed as for a real session.
    """
    values: dict[str, Any] = {
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "incline_percent": 8,
        "duration_min": 30,
        "intensity": "easy",
        "pain_before": 0,
        "pain_during": 1,
        "pain_after": 1,
        "pain_next_morning": 1,
    }
    values.update(fields)
    return services.session_log_create(athlete=athlete, date=days_ago(days), **values)


def varied_history(athlete: Athlete, count: int, *, newest: dt.date) -> list[SessionLog]:
    """Write ``count`` sessions in bulk over the 120 days up to ``newest``, a mix of walks,
    walk–runs, runs and strength with tolerable pain: a history whose size a budget must
    not notice. Outside the services: their checks and stored progression are not set."""
    return SessionLog.objects.bulk_create(
        SessionLog(
            athlete=athlete,
            date=newest - dt.timedelta(days=i % 120),
            activity=("walk", "walk_run", "run", "strength")[i % 4],
            terrain=None if i % 4 == 3 else ("uphill", "flat")[i % 2],
            duration_min=30 + i % 20,
            run_interval_sec=60 if i % 4 == 1 else None,
            walk_interval_sec=60 if i % 4 == 1 else None,
            repeats=5 if i % 4 == 1 else None,
            pain_during=None if i % 4 == 3 else i % 4,
            pain_next_morning=i % 3,
        )
        for i in range(count)
    )
