"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.services import stage_review_decide
from tests.athletes.dashboard.caseload import (
    make_advance,
    make_athlete,
    make_back_off,
    make_hold,
)


@pytest.fixture
def urgency_four(therapist: User, colleague: User) -> dict[str, Athlete]:
    """One athlete per urgency level, named so that alphabetical order is the reverse."""
    back_off = make_athlete(colleague, "Will Wright")
    make_back_off(back_off)
    advance = make_athlete(therapist, "Vic Vance")
    make_advance(advance)
    overdue = make_athlete(therapist, "Uma Underwood")
    make_hold(overdue)
    reviewed = make_athlete(therapist, "Abe Abbott")
    make_hold(reviewed)
    stage_review_decide(athlete=reviewed, decision="hold", reviewed_by=therapist)
    return {"back_off": back_off, "advance": advance, "overdue": overdue, "rest": reviewed}
