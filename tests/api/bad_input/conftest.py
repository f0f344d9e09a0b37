"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import SessionLogFactory
from tests.support.athletes import moved_to_jogging, sam


@pytest.fixture
def client(now: dt.date, api_client: APIClient) -> APIClient:
    """The clinic's system (``api_client``), its token made on the API suites' Wednesday."""
    return api_client


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    """In stage 2 (uphill_jog) since ten days ago, with one earlier change on record."""
    athlete = sam(therapist, stage_started_on=now - dt.timedelta(days=30))
    return moved_to_jogging(athlete, on=now - dt.timedelta(days=10))


@pytest.fixture
def session(athlete: Athlete, now: dt.date) -> SessionLog:
    """A walk–run, so every interval field may be PATCHed."""
    return SessionLogFactory(
        athlete=athlete,
        date=now - dt.timedelta(days=2),
        activity="walk_run",
        run_interval_sec=60,
        walk_interval_sec=120,
        repeats=5,
    )
