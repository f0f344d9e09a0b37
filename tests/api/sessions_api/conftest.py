"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.api.sessions_api.calls import (
    days_ago,
)
from tests.factories import AthleteFactory
from tests.support.api import token_client


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    return token_client(therapist)


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    return AthleteFactory(therapist=therapist, stage_started_on=days_ago(30))
