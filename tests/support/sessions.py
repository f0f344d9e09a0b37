"""The session most tests store: a tolerated uphill treadmill walk, through the service."""

from __future__ import annotations

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
