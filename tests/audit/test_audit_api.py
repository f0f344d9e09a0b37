"""``GET /api/v1/audit-events/``: the clinic's audit log, for its admins only (SPEC §8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.clock import TODAY

pytestmark = pytest.mark.usefixtures("wednesday")
URL = "/api/v1/audit-events/"
FIELDS = {
    *("id", "at", "actor", "action", "object_type", "object_id", "athlete", "changes", "ip"),
    "detail",  # where (a read's page or endpoint) or what (an MFA event): beyond SPEC §8's
}


@pytest.fixture
def admin(therapist: User) -> APIClient:
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    return token_client(therapist)


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def _check_in(athlete: Athlete, score: int) -> None:
    services.pain_score_create(athlete=athlete, date=TODAY, score=score)


def test_an_admin_reads_the_clinics_events_newest_first(admin: APIClient, athlete: Athlete) -> None:
    _check_in(athlete, 2)

    response = admin.get(URL)

    assert response.status_code == 200
    events = response.json()["results"]
    assert set(events[0]) == FIELDS
    assert (events[0]["action"], events[0]["object_type"]) == ("create", "pain_score")
    assert events[0]["changes"]["score"] == [None, 2]
    assert events[-1]["object_type"] == "athlete"
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)


def test_a_therapist_who_is_not_an_admin_gets_403(colleague: User, athlete: Athlete) -> None:
    response = token_client(colleague).get(URL)

    assert response.status_code == 403
    assert "clinic admin" in response.json()["detail"]


def test_anonymous_gets_401(athlete: Athlete) -> None:
    assert APIClient().get(URL).status_code == 401


def test_another_clinics_admin_sees_none_of_these_events(athlete: Athlete, outsider: User) -> None:
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    _check_in(athlete, 3)

    response = token_client(outsider).get(URL)

    assert response.json()["count"] == 0
    assert token_client(outsider).get(URL, {"athlete": athlete.pk}).json()["count"] == 0


def test_filters_by_athlete_and_action(admin: APIClient, athlete: Athlete, therapist: User) -> None:
    other = sam(therapist, first_name="Ola")
    _check_in(athlete, 1)
    _check_in(other, 4)

    mine = admin.get(URL, {"athlete": athlete.pk}).json()["results"]
    created_scores = admin.get(URL, {"action": "create", "athlete": other.pk}).json()["results"]

    assert {e["athlete"] for e in mine} == {athlete.pk}
    assert [(e["object_type"], e["changes"].get("score")) for e in created_scores] == [
        ("pain_score", [None, 4]),
        ("athlete", None),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"athlete": "sam"}, "athlete"),
        ({"action": "erase"}, "action"),
        ({"date_after": "yesterday"}, "date_after"),
        ({"date_after": "2026-03-11", "date_before": "2026-03-01"}, "date_before"),
    ],
)
def test_a_bad_filter_answers_400_naming_it(
    admin: APIClient, athlete: Athlete, params: dict[str, Any], field: str
) -> None:
    response = admin.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_the_log_costs_the_same_queries_for_few_or_many_events(
    admin: APIClient, athlete: Athlete
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(URL).status_code == 200
        return len(captured)

    _check_in(athlete, 1)
    few = queries()
    for score in range(40):
        _check_in(athlete, score % 11)
    assert queries() == few
    # The token and its user, the clinic, the clinic's athletes; the count and one page
    # of the writes, then of the reads and account events; this request's read event.
    assert few <= 9
