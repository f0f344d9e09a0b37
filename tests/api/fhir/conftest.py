"""What the FHIR export's tests share: Sam's record, and reading the export back with R4B."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")

PAIN = "72514-3"
DURATION = "55411-3"


def fhir_url(athlete: Athlete, query: str = "") -> str:
    return f"/api/v1/athletes/{athlete.pk}/fhir/{query}"


def read_bundle(client: APIClient, athlete: Athlete, query: str = "") -> Bundle:
    """GET the athlete's export and parse it back with the R4B models (raises if invalid)."""
    response = client.get(fhir_url(athlete, query))
    assert response.status_code == 200, response.content
    return Bundle.model_validate_json(response.content)


def resources(bundle: Bundle, resource_type: str) -> list[Any]:
    return [
        e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == resource_type
    ]


def observations(bundle: Bundle, loinc: str) -> list[Observation]:
    return [o for o in resources(bundle, "Observation") if o.code.coding[0].code == loinc]


def moment(observation: Observation) -> str:
    """Return the code of a pain Observation's moment (its one extension)."""
    (extension,) = observation.extension
    return extension.valueCodeableConcept.coding[0].code


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist, email="sam@example.com")


@pytest.fixture
def api(therapist: User) -> APIClient:
    return token_client(therapist)


def history(athlete: Athlete) -> None:
    """Two walks (one with no next-morning pain yet), a strength session, two check-ins."""
    walk(athlete, 3)
    walk(athlete, 1, pain_next_morning=None)
    services.session_log_create(
        athlete=athlete, date=dt.date(2026, 3, 9), activity="strength", duration_min=20
    )
    services.pain_score_create(athlete=athlete, date=dt.date(2026, 3, 10), score=2, context="rest")
    services.pain_score_create(
        athlete=athlete, date=dt.date(2026, 3, 11), score=1, context="morning"
    )
