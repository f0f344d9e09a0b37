"""The athletes most tests follow: Sam, three weeks into uphill walking, and a jogger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.services import stage_change_create
from tests.factories import AthleteFactory
from tests.support.clock import days_ago


def sam(therapist: User, **fields: Any) -> Athlete:
    """Sam Okafor of ``therapist``, in uphill walking for 20 days; ``fields`` add or override."""
    values: dict[str, Any] = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "stage_started_on": days_ago(20),
    }
    values.update(fields)
    return AthleteFactory(therapist=therapist, **values)


def moved_to_jogging(athlete: Athlete, on: dt.date) -> Athlete:
    """Record ``athlete``'s therapist moving them to uphill jogging ``on`` that day."""
    stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=athlete.therapist,
        reason="Walks 45 minutes comfortably.",
        effective_date=on,
    )
    athlete.refresh_from_db()
    return athlete
