"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.support.athletes import sam


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days, preferred cadence 170 (target 179)."""
    return sam(therapist)
