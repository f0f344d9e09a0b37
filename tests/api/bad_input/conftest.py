"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from progressions import services as progression_services
from tests.factories import AthleteFactory, SessionLogFactory


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(therapist)[1]}")
    return client


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    """In stage 2 (uphill_jog) since ten days ago, with one earlier change on record."""
    athlete = AthleteFactory(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        stage_started_on=now - dt.timedelta(days=30),
    )
    progression_services.stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="Walks 45 minutes comfortably.",
        effective_date=now - dt.timedelta(days=10),
    )
    athlete.refresh_from_db()
    return athlete


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
