"""The export is athlete-scoped like every athlete endpoint: the clinic's therapists read it
(one audited read of that athlete), anyone else gets 401 or 404, and only GET is allowed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.audit.context import therapist_actor
from itbrehab.audit.models import AccessEvent
from tests.api.fhir.conftest import fhir_url, history, read_bundle
from tests.support.api import token_client

pytestmark = pytest.mark.usefixtures("wednesday")


def test_a_colleague_of_the_same_clinic_reads_it(colleague: User, athlete: Athlete) -> None:
    read_bundle(token_client(colleague), athlete)


def test_outsider_gets_404_and_no_data(outsider: User, athlete: Athlete) -> None:
    history(athlete)
    response = token_client(outsider).get(fhir_url(athlete))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert b"Okafor" not in response.content


def test_a_missing_athlete_answers_404_as_another_clinics_does(api: APIClient) -> None:
    assert api.get("/api/v1/athletes/999999/fhir/").status_code == 404


def test_anonymous_gets_401(athlete: Athlete) -> None:
    response = APIClient().get(fhir_url(athlete))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(api: APIClient, athlete: Athlete, method: str) -> None:
    assert getattr(api, method)(fhir_url(athlete)).status_code == 405


def test_an_export_is_audited_as_one_read_of_that_athlete(
    api: APIClient, athlete: Athlete, therapist: User
) -> None:
    history(athlete)
    read_bundle(api, athlete, "?since=2026-03-01")
    (event,) = AccessEvent.objects.filter(action="read")
    assert event.athlete_id == athlete.pk
    assert event.actor == therapist_actor(therapist.pk)
    assert event.detail == f"GET {fhir_url(athlete)}"


def test_a_refused_export_records_no_read(outsider: User, athlete: Athlete) -> None:
    token_client(outsider).get(fhir_url(athlete))
    assert not AccessEvent.objects.filter(action="read").exists()
