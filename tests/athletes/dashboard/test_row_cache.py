"""The dashboard's rows and table come from the cache only while nothing they show changed.

Each row's HTML is cached under the athlete's stored generation, the clinic's today, this
week's review and the therapist's name, and the whole table under its rows' keys and the
filters (``athletes.dashboard``). Each test views the dashboard first, so the row and the
table are cached, then changes one thing and views it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from athletes import services
from athletes.models import SessionLog
from itbrehab.accounts.models import User
from progressions.services import stage_review_decide
from tests.athletes.dashboard.caseload import get, make_athlete, make_hold, row_of
from tests.factories import PainScoreFactory, SessionLogFactory
from tests.support.clock import NOON, days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def seen(pt: Client, therapist: User) -> str:
    """Sam's row, as first shown (and cached)."""
    athlete = make_athlete(therapist, "Sam Okafor", stage_days=20)
    make_hold(athlete)
    row = row_of(get(pt), "Sam Okafor")
    assert row == row_of(get(pt), "Sam Okafor")  # the second view: from the cache
    assert '<span class="badge badge-hold">Hold</span>' in row
    return row


def test_a_session_logged_through_the_service_shows_at_once(
    pt: Client, therapist: User, seen: str
) -> None:
    athlete = therapist.athletes.get()
    services.session_log_create(
        athlete=athlete,
        date=days_ago(0),
        activity="walk",
        terrain="uphill",
        surface="treadmill",
        duration_min=30,
        pain_during=7,
        pain_after=7,
    )

    row = row_of(get(pt), "Sam Okafor")

    assert "7/10" in row
    assert '<span class="badge badge-back_off">Back off</span>' in row


def test_a_session_written_outside_the_services_shows_at_once(
    pt: Client, therapist: User, seen: str
) -> None:
    SessionLogFactory(athlete=therapist.athletes.get(), date=days_ago(0), pain_during=8)

    assert '<span class="badge badge-back_off">Back off</span>' in row_of(get(pt), "Sam Okafor")


def test_a_pain_changed_by_raw_sql_shows_at_once(pt: Client, therapist: User, seen: str) -> None:
    session = SessionLog.objects.get(athlete__therapist=therapist)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE athletes_sessionlog SET pain_after = 9 WHERE id = %s", [session.pk])

    row = row_of(get(pt), "Sam Okafor")

    assert "9/10" in row
    assert "badge-back_off" in row


def test_a_rest_pain_check_in_shows_at_once(pt: Client, therapist: User, seen: str) -> None:
    PainScoreFactory(athlete=therapist.athletes.get(), date=days_ago(0), score=8, context="rest")

    assert "Rest pain &gt; 5" in row_of(get(pt), "Sam Okafor")


def test_a_decided_review_shows_at_once(pt: Client, therapist: User, seen: str) -> None:
    assert "review-reviewed" not in seen
    stage_review_decide(athlete=therapist.athletes.get(), decision="hold", reviewed_by=therapist)

    assert 'class="review review-reviewed"' in row_of(get(pt), "Sam Okafor")


def test_the_athletes_details_show_at_once(pt: Client, therapist: User, seen: str) -> None:
    services.athlete_update(athlete=therapist.athletes.get(), affected_side="both")

    assert "Both sides" in row_of(get(pt), "Sam Okafor")


def test_the_therapists_new_name_shows_at_once(pt: Client, therapist: User, seen: str) -> None:
    User.objects.filter(pk=therapist.pk).update(first_name="Renamed", last_name="Therapist")

    assert "Renamed Therapist" in row_of(get(pt), "Sam Okafor")


def test_the_next_day_counts_one_more_day_in_stage(
    pt: Client, therapist: User, seen: str, time_machine: Any
) -> None:
    assert '<td class="num">20</td>' in seen
    time_machine.move_to(NOON + dt.timedelta(days=1), tick=False)
    pt.force_login(therapist)  # yesterday's login has timed out

    assert '<td class="num">21</td>' in row_of(get(pt), "Sam Okafor")
