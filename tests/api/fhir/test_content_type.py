"""The export answers ``application/fhir+json`` (also to clients that ask for JSON); an error
keeps the API's JSON shape and type; nothing of it may be cached."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from tests.api.fhir.conftest import fhir_url, history

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.mark.parametrize(
    "accept", [None, "application/fhir+json", "application/json", "*/*", "text/html"]
)
def test_the_export_is_fhir_json_whatever_the_client_accepts(
    api: APIClient, athlete: Athlete, accept: str | None
) -> None:
    history(athlete)
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = api.get(fhir_url(athlete), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert json.loads(response.content)["resourceType"] == "Bundle"


def test_the_export_is_never_cached(api: APIClient, athlete: Athlete) -> None:
    assert api.get(fhir_url(athlete))["Cache-Control"] == "no-store"


def test_an_error_is_the_apis_json(api: APIClient, athlete: Athlete) -> None:
    response = api.get(fhir_url(athlete, "?since=yesterday"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
