"""The server says where a session came from (SPEC §3): a client cannot claim another source."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from athletes.api.sessions import SOURCE_SET_BY_SERVER
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, SessionLogFactory


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return AthleteFactory(therapist=therapist)


def a_walk(**extra: object) -> dict[str, object]:
    return {
        "date": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "duration_min": 30,
        "pain_during": 1,
        **extra,
    }


@pytest.mark.parametrize("claimed", ["phone", "web", "file", "made-up"])
def test_a_create_claiming_another_source_answers_400_and_stores_nothing(
    api_client: APIClient, athlete: Athlete, claimed: str
) -> None:
    response = api_client.post(
        f"/api/v1/athletes/{athlete.pk}/sessions/", a_walk(source=claimed), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"source": [SOURCE_SET_BY_SERVER]}
    assert not SessionLog.objects.exists()


def test_a_create_that_repeats_api_as_its_source_is_stored_as_api(
    api_client: APIClient, athlete: Athlete
) -> None:
    response = api_client.post(
        f"/api/v1/athletes/{athlete.pk}/sessions/", a_walk(source="api"), format="json"
    )

    assert response.status_code == 201, response.content
    assert SessionLog.objects.get().source == "api"


def test_a_patch_cannot_relabel_a_phone_session(api_client: APIClient, athlete: Athlete) -> None:
    session = SessionLogFactory(athlete=athlete, source="phone", pain_next_morning=None)

    relabel = api_client.patch(
        f"/api/v1/sessions/{session.pk}/", {"source": "api", "version": 1}, format="json"
    )
    # Echoing the session's own source back, as a client round-tripping a GET would, is fine.
    echo = api_client.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"source": "phone", "pain_next_morning": 1, "version": 1},
        format="json",
    )

    assert relabel.status_code == 400
    assert relabel.json() == {"source": [SOURCE_SET_BY_SERVER]}
    assert echo.status_code == 200, echo.content
    session.refresh_from_db()
    assert session.source == "phone"
    assert session.pain_next_morning == 1


def test_the_schema_shows_source_as_read_only(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    request_fields = schema["components"]["schemas"]["SessionLogRequest"]["properties"]
    response_fields = schema["components"]["schemas"]["SessionLog"]["properties"]
    assert "source" not in request_fields
    assert response_fields["source"]["readOnly"] is True
