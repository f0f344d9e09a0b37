"""Each completed LEFS in the FHIR export: a QuestionnaireResponse that reads back with R4B."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from athletes import fhir
from athletes.api.fhir import _example
from athletes.lefs import ITEMS
from athletes.models import Athlete, LefsResponse
from tests.api.fhir.conftest import fhir_url, read_bundle, resources
from tests.api.fhir.test_query_budget import BUDGET
from tests.support.clock import NOON
from tests.support.lefs import answers_for, completed_lefs

pytestmark = pytest.mark.usefixtures("wednesday")


def test_a_completed_lefs_is_a_questionnaire_response_with_every_answer_and_the_total(
    api: APIClient, athlete: Athlete
) -> None:
    response = completed_lefs(athlete, 55, NOON - dt.timedelta(days=1))

    bundle = read_bundle(api, athlete)

    (qr,) = resources(bundle, "QuestionnaireResponse")
    (patient,) = [e for e in bundle.entry if e.resource.get_resource_type() == "Patient"]
    assert qr.id == f"lefs-{response.pk}"
    assert qr.status == "completed"
    assert qr.authored == NOON - dt.timedelta(days=1)
    assert qr.subject.reference == qr.source.reference == patient.fullUrl
    assert qr.questionnaire == f"{settings.SITE_URL}/fhir/Questionnaire/lefs"
    assert [item.linkId for item in qr.item] == [*map(str, range(1, 21)), "total"]
    assert [item.text for item in qr.item[:20]] == list(ITEMS)
    assert [item.answer[0].valueInteger for item in qr.item[:20]] == answers_for(55)
    assert qr.item[20].answer[0].valueInteger == 55
    # It survives a round trip through the R4B model on its own too.
    assert QuestionnaireResponse.model_validate_json(qr.model_dump_json()) == qr


def test_an_unfinished_lefs_is_not_exported(api: APIClient, athlete: Athlete) -> None:
    LefsResponse.objects.create(athlete=athlete, source="phone", answers=[2] * 19 + [None])
    assert resources(read_bundle(api, athlete), "QuestionnaireResponse") == []


def test_since_keeps_the_lefs_completed_at_or_after_it(api: APIClient, athlete: Athlete) -> None:
    completed_lefs(athlete, 40, NOON - dt.timedelta(days=29))
    recent = completed_lefs(athlete, 50, NOON - dt.timedelta(days=1))

    bundle = read_bundle(api, athlete, "?since=2026-03-01")

    assert [qr.id for qr in resources(bundle, "QuestionnaireResponse")] == [f"lefs-{recent.pk}"]


def test_the_schema_example_holds_a_lefs_built_by_the_same_code() -> None:
    example = _example()
    kinds = [entry["resource"]["resourceType"] for entry in example["entry"]]
    assert kinds[-1] == "QuestionnaireResponse"
    assert example["entry"][-1]["resource"]["item"][-1]["linkId"] == fhir.LEFS_TOTAL_LINK_ID


@pytest.mark.parametrize("count", [2, 30])
def test_the_export_reads_the_lefs_in_one_query_however_many(
    api: APIClient, athlete: Athlete, count: int, django_assert_max_num_queries: Callable
) -> None:
    for n in range(count):
        completed_lefs(athlete, n % 81, NOON - dt.timedelta(days=28 * n))

    with django_assert_max_num_queries(BUDGET):
        response = api.get(fhir_url(athlete))

    assert response.status_code == 200
    assert response.content.count(b'"resourceType":"QuestionnaireResponse"') == count
