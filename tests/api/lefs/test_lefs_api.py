"""``GET /api/v1/athletes/{id}/lefs/``: the completed LEFS with their changes (SPEC §11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, LefsResponse
from itbrehab.accounts.models import User
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.clock import API_NOON
from tests.support.lefs import answers_for, completed_lefs

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def url(athlete: Athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/lefs/"


def test_lists_completed_responses_newest_first_with_change_and_mcid(
    api_client: APIClient, athlete: Athlete
) -> None:
    first = completed_lefs(athlete, 40, API_NOON - dt.timedelta(days=56))
    completed_lefs(athlete, 52, API_NOON - dt.timedelta(days=28))
    completed_lefs(athlete, 47, API_NOON)
    LefsResponse.objects.create(athlete=athlete, source="phone")  # unfinished: not listed

    response = api_client.get(url(athlete))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = body["results"]
    assert [(r["date"], r["total"], r["change"], r["mcid_reached"]) for r in rows] == [
        ("2026-03-04", 47, -5, False),
        ("2026-02-04", 52, 12, True),
        ("2026-01-07", 40, None, False),
    ]
    assert rows[2]["id"] == first.pk
    assert rows[2]["answers"] == answers_for(40)
    assert rows[2]["source"] == "phone"
    assert rows[0]["completed_at"] == "2026-03-04T12:00:00Z"


def test_a_colleague_sees_it_and_an_outsider_gets_404(
    athlete: Athlete, colleague: User, outsider: User
) -> None:
    completed_lefs(athlete, 40, API_NOON)
    assert token_client(colleague).get(url(athlete)).status_code == 200
    response = token_client(outsider).get(url(athlete))
    assert response.status_code == 404
    assert "40" not in response.content.decode()


def test_an_unknown_athlete_is_404_and_anonymous_is_401(
    api_client: APIClient, athlete: Athlete
) -> None:
    assert api_client.get("/api/v1/athletes/999999/lefs/").status_code == 404
    assert APIClient().get(url(athlete)).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(api_client: APIClient, athlete: Athlete, method: str) -> None:
    response = getattr(api_client, method)(url(athlete), {"total": 80}, format="json")
    assert response.status_code == 405
    assert LefsResponse.objects.count() == 0


# The token (its user joined), the athlete (therapist and clinic joined), the completed
# responses; then the audit's read.
BUDGET = 1 + 1 + 1 + READ_EVENT_QUERIES


@pytest.mark.parametrize("count", [2, 30])
def test_the_same_queries_with_2_or_30_responses(
    api_client: APIClient, athlete: Athlete, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        completed_lefs(athlete, n % 80, API_NOON - dt.timedelta(days=28 * n))

    with django_assert_num_queries(BUDGET):
        response = api_client.get(f"{url(athlete)}?page_size=200")

    assert response.json()["count"] == count
