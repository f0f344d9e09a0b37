"""The schema docs say what the export is: its media type, every code it uses (LOINC, UCUM,
our CodeSystems), ``since``, and an example that is itself a valid R4B Bundle."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from athletes import fhir

pytestmark = pytest.mark.django_db

PATH = "/api/v1/athletes/{athlete_pk}/fhir/"


@pytest.fixture
def operation(client: Client) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()["paths"][PATH]["get"]


def test_the_export_is_documented_as_fhir_json_and_its_errors_as_json(operation) -> None:
    responses = operation["responses"]
    assert list(responses["200"]["content"]) == ["application/fhir+json"]
    for code in ("400", "401", "404"):
        assert list(responses[code]["content"]) == ["application/json"]


@pytest.mark.parametrize(
    "words",
    [
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "55411-3",
        "Exercise duration",
        "73985-4",
        "http://loinc.org",
        "http://unitsofmeasure.org",
        "UCUM `min`",
        "http://terminology.hl7.org/CodeSystem/observation-category",
        "{SITE_URL}/fhir/CodeSystem/pain-moment",
        "{SITE_URL}/fhir/StructureDefinition/pain-moment",
        "{SITE_URL}/fhir/CodeSystem/activity",
        *(f"`{code}`" for code in fhir.PAIN_MOMENTS),
        "application/fhir+json",
        "collection",
    ],
)
def test_the_description_names_every_code_used(operation, words: str) -> None:
    assert words in operation["description"]


def test_since_is_documented(operation) -> None:
    (since,) = (p for p in operation["parameters"] if p["name"] == "since")
    assert since["in"] == "query"
    assert "400" in since["description"]


def test_the_example_is_a_valid_r4b_bundle_with_each_kind_of_resource(operation) -> None:
    (example,) = operation["responses"]["200"]["content"]["application/fhir+json"][
        "examples"
    ].values()
    bundle = Bundle.model_validate(example["value"])
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds[:2] == ["Patient", "Practitioner"]
    codes = [e.resource.code.coding[0].code for e in bundle.entry[2:-1]]
    # The session's duration, its three pains given (the next morning not yet), a check-in.
    assert codes == ["55411-3", "72514-3", "72514-3", "72514-3", "72514-3"]
    assert kinds[-1] == "QuestionnaireResponse"  # a completed LEFS
    assert settings.SITE_URL in str(example["value"])
