from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory

TODAY = dt.date(2026, 3, 4)  # a Wednesday


@pytest.fixture
def today(time_machine: Any) -> dt.date:
    """Freeze the clock at noon on TODAY in London (the clinic's zone)."""
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def athlete(therapist: User, today: dt.date) -> Athlete:
    """An athlete in stage 1 since 20 days ago."""
    return AthleteFactory(
        therapist=therapist, stage="uphill_walk", stage_started_on=today - dt.timedelta(days=20)
    )
