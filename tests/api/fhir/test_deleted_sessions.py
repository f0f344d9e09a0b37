"""A deleted session is hidden from the export (SPEC §8): neither its duration nor its pains,
even when it was deleted after ``since``."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete
from tests.api.fhir.conftest import DURATION, PAIN, observations, read_bundle
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.mark.parametrize("query", ["", "?since=2026-03-01"])
def test_no_pain_value_or_duration_of_a_deleted_session_is_exported(
    api: APIClient, athlete: Athlete, query: str
) -> None:
    kept = walk(athlete, 2)
    deleted = walk(athlete, 1, pain_during=4)
    services.session_log_delete(session=deleted)

    bundle = read_bundle(api, athlete, query)

    ids = [e.resource.id for e in bundle.entry]
    assert not [i for i in ids if i.startswith(f"session-{deleted.pk}-")]
    assert [o.id for o in observations(bundle, DURATION)] == [f"session-{kept.pk}-duration"]
    assert len(observations(bundle, PAIN)) == 4  # the kept walk's four
