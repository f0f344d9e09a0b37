"""The export reads in a fixed number of queries, however long the athlete's history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.api.fhir.conftest import DURATION, PAIN, fhir_url, observations, read_bundle
from tests.support.clock import TODAY, days_ago
from tests.support.sessions import varied_history

pytestmark = pytest.mark.usefixtures("wednesday")

# The token (its user joined), the athlete (therapist and clinic joined), its live
# sessions, its check-ins, its completed LEFS; then the audit's one INSERT of the read.
BUDGET = 1 + 1 + 3 + READ_EVENT_QUERIES


@pytest.mark.parametrize(("sessions", "check_ins"), [(3, 2), (365, 365)], ids=["small", "a year"])
def test_the_export_stays_within_a_fixed_query_budget(
    api: APIClient,
    athlete: Athlete,
    django_assert_max_num_queries: Callable,
    sessions: int,
    check_ins: int,
) -> None:
    varied_history(athlete, sessions, newest=TODAY)
    PainScore.objects.bulk_create(
        PainScore(athlete=athlete, date=days_ago(i % 365), score=i % 11, context="morning")
        for i in range(check_ins)
    )
    with django_assert_max_num_queries(BUDGET):
        response = api.get(fhir_url(athlete, "?since=2025-01-01"))
    assert response.status_code == 200

    bundle = read_bundle(api, athlete)
    assert len(observations(bundle, DURATION)) == sessions  # the budget held for all of them
    pains = sum(
        p is not None for s in SessionLog.objects.filter(athlete=athlete) for p in s.pain_list
    )
    assert len(observations(bundle, PAIN)) == pains + check_ins
