from __future__ import annotations

import datetime as dt

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory


@pytest.fixture
def today(now: dt.date) -> dt.date:
    """The shared ``now``: noon on Wednesday ``clock.API_TODAY`` in London, standing still."""
    return now


@pytest.fixture
def athlete(therapist: User, today: dt.date) -> Athlete:
    """An athlete in stage 1 since 20 days ago."""
    return AthleteFactory(
        therapist=therapist, stage="uphill_walk", stage_started_on=today - dt.timedelta(days=20)
    )
