"""A client-credentials token reaches its own clinic's data only, like its therapists."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.api.oauth.conftest import Bearer
from tests.api.sessions_api.calls import WALK
from tests.factories import AthleteFactory

pytestmark = pytest.mark.usefixtures("now")


def test_a_read_token_lists_its_clinics_athletes_only(
    bearer: Bearer, ana: Athlete, outsider: User
) -> None:
    AthleteFactory(therapist=outsider, first_name="Olga")
    client, _ = bearer("read")

    response = client.get("/api/v1/athletes/")

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [ana.pk]


def test_another_clinics_athlete_answers_404(bearer: Bearer, outsider: User) -> None:
    theirs = AthleteFactory(therapist=outsider)
    client, _ = bearer("read", "write")

    assert client.get(f"/api/v1/athletes/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/athletes/{theirs.pk}/sessions/").status_code == 404


def test_a_write_token_logs_a_session_with_source_api(bearer: Bearer, ana: Athlete) -> None:
    client, _ = bearer("read", "write")

    response = client.post(
        f"/api/v1/athletes/{ana.pk}/sessions/",
        {**WALK, "date": "2026-03-03"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["source"] == "api"
    assert ana.sessions.count() == 1


def test_an_athlete_made_by_a_client_names_its_therapist(bearer: Bearer, therapist: User) -> None:
    client, _ = bearer("write")
    body = {"first_name": "Noor", "last_name": "Haddad", "affected_side": "left"}

    refused = client.post("/api/v1/athletes/", body)
    created = client.post("/api/v1/athletes/", {**body, "therapist": therapist.pk})

    assert refused.status_code == 400
    assert "therapist" in refused.json()
    assert created.status_code == 201, created.content
    assert Athlete.objects.get(first_name="Noor").therapist == therapist


def test_no_such_token_answers_401(db: None) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token-we-gave")

    response = client.get("/api/v1/athletes/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'  # send a bearer token again


def test_a_read_token_pulls_its_athletes_fhir_bundle_and_not_another_clinics(
    bearer: Bearer, ana: Athlete, outsider: User
) -> None:
    theirs = AthleteFactory(therapist=outsider)
    client, _ = bearer("read")

    mine = client.get(f"/api/v1/athletes/{ana.pk}/fhir/")

    assert mine.status_code == 200, mine.content
    assert mine["Content-Type"].startswith("application/fhir+json")
    assert mine.json()["resourceType"] == "Bundle"
    assert client.get(f"/api/v1/athletes/{theirs.pk}/fhir/").status_code == 404
