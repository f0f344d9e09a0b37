"""The export is a FHIR R4 Bundle: the athlete, their therapist, one Observation per pain value
and one per session's duration, each coded as SPEC §10 and the schema docs say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from athletes.models import Athlete
from tests.api.fhir.conftest import (
    DURATION,
    PAIN,
    history,
    moment,
    observations,
    read_bundle,
    resources,
)

pytestmark = pytest.mark.usefixtures("wednesday")

SITE = settings.SITE_URL


@pytest.fixture
def bundle(api: APIClient, athlete: Athlete):
    history(athlete)
    return read_bundle(api, athlete)


def test_the_bundle_is_a_collection_led_by_the_patient_and_practitioner(bundle) -> None:
    assert bundle.type == "collection"
    first, second = (e.resource.get_resource_type() for e in bundle.entry[:2])
    assert (first, second) == ("Patient", "Practitioner")


def test_the_patient_holds_the_athletes_name_and_email_and_no_identifier(
    bundle, athlete: Athlete
) -> None:
    (patient,) = resources(bundle, "Patient")
    assert patient.id == f"athlete-{athlete.pk}"
    assert (patient.name[0].family, patient.name[0].given) == ("Okafor", ["Sam"])
    assert [(t.system, t.value) for t in patient.telecom] == [("email", "sam@example.com")]
    assert patient.identifier is None


def test_the_practitioner_is_the_therapist_with_email_as_telecom(bundle, athlete: Athlete) -> None:
    (practitioner,) = resources(bundle, "Practitioner")
    therapist = athlete.therapist
    assert practitioner.id == f"therapist-{therapist.pk}"
    assert practitioner.name[0].family == therapist.last_name
    assert [(t.system, t.value) for t in practitioner.telecom] == [("email", therapist.email)]
    (patient,) = resources(bundle, "Patient")
    urls = {e.resource.id: e.fullUrl for e in bundle.entry}
    assert patient.generalPractitioner[0].reference == urls[practitioner.id]


def test_every_reference_resolves_to_an_entry_of_the_bundle(bundle) -> None:
    urls = {e.fullUrl for e in bundle.entry}
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(urls) == len(bundle.entry)
    for observation in resources(bundle, "Observation"):
        assert observation.subject.reference in urls
        assert [p.reference for p in observation.performer] == [observation.subject.reference]


def test_full_urls_are_the_same_in_every_export(api: APIClient, athlete: Athlete, bundle) -> None:
    again = read_bundle(api, athlete)
    assert [e.fullUrl for e in again.entry] == [e.fullUrl for e in bundle.entry]


def test_each_pain_value_is_a_loinc_72514_3_observation_with_its_moment_and_date(bundle) -> None:
    pains = {o.id: o for o in observations(bundle, PAIN)}
    found = {(moment(o), o.effectiveDateTime, o.valueInteger) for o in pains.values()}
    three, one = dt.date(2026, 3, 8), dt.date(2026, 3, 10)
    assert found == {
        ("before", three, 0), ("during", three, 1), ("after", three, 1), ("next-morning", three, 1),
        ("before", one, 0), ("during", one, 1), ("after", one, 1),  # next morning not known yet
        ("check-in-rest", one, 2), ("check-in-morning", dt.date(2026, 3, 11), 1),
    }  # fmt: skip
    for observation in pains.values():
        assert observation.status == "final"
        (coding,) = observation.code.coding
        assert (coding.system, coding.display) == (
            "http://loinc.org",
            "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        )
        assert observation.category[0].coding[0].code == "survey"
        (extension,) = observation.extension
        assert extension.url == f"{SITE}/fhir/StructureDefinition/pain-moment"
        assert (
            extension.valueCodeableConcept.coding[0].system == f"{SITE}/fhir/CodeSystem/pain-moment"
        )
        assert extension.valueCodeableConcept.text


def test_each_session_is_an_exercise_duration_in_ucum_minutes_with_its_activity(bundle) -> None:
    durations = observations(bundle, DURATION)
    assert [(o.effectiveDateTime, o.valueQuantity.value) for o in durations] == [
        (dt.date(2026, 3, 8), 30),
        (dt.date(2026, 3, 9), 20),
        (dt.date(2026, 3, 10), 30),
    ]
    for observation in durations:
        quantity = observation.valueQuantity
        assert (quantity.system, quantity.code, quantity.unit) == (
            "http://unitsofmeasure.org", "min", "min"
        )  # fmt: skip
        assert observation.status == "final"
        assert observation.category[0].coding[0].code == "activity"
    activities = [o.component[0].valueCodeableConcept for o in durations]
    assert [a.text for a in activities] == ["Walk", "Strength", "Walk"]
    assert {(c.coding[0].system, c.coding[0].code) for c in activities} == {
        (f"{SITE}/fhir/CodeSystem/activity", "walk"),
        (f"{SITE}/fhir/CodeSystem/activity", "strength"),
    }
    assert {o.component[0].code.coding[0].code for o in durations} == {"73985-4"}


def test_an_athlete_without_records_exports_only_the_patient_and_practitioner(
    api: APIClient, athlete: Athlete
) -> None:
    bundle = read_bundle(api, athlete)
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient", "Practitioner"]
