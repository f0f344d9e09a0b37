"""Fixtures shared by the phone page tests: Sam, whose cadence the metronome shows."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.support.athletes import sam


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days, usual step rate 170 (target 179)."""
    return sam(therapist, preferred_cadence_spm=170, target_cadence_spm=179)
