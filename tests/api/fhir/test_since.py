"""``?since=`` limits the export to what changed since a date or a moment; a bad one is a 400
naming ``since``. The Patient and Practitioner are always there."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from athletes import services
from athletes.api.fhir import SINCE_INVALID
from athletes.models import Athlete
from tests.api.fhir.conftest import DURATION, PAIN, fhir_url, moment, observations, read_bundle
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")

LONDON = dt.UTC  # the clinic's zone agrees with UTC in March (tests.support.clock)


@pytest.fixture
def recorded(athlete: Athlete) -> dict[str, int]:
    """An older walk and check-in (recorded 1 March), a newer walk and check-in (5 March)."""
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=LONDON), tick=False):
        old = walk(athlete, 11)
        services.pain_score_create(athlete=athlete, date=dt.date(2026, 3, 1), score=3)
    with time_machine.travel(dt.datetime(2026, 3, 5, 18, 0, tzinfo=LONDON), tick=False):
        new = walk(athlete, 6)
        services.pain_score_create(athlete=athlete, date=dt.date(2026, 3, 5), score=2)
    return {"old": old.pk, "new": new.pk}


def _sessions(bundle) -> set[str]:
    return {o.id for o in observations(bundle, DURATION)}


def _check_ins(bundle) -> list[int]:
    return [o.valueInteger for o in observations(bundle, PAIN) if moment(o).startswith("check-in")]


def test_without_since_everything_is_exported(api: APIClient, athlete: Athlete, recorded) -> None:
    bundle = read_bundle(api, athlete)
    assert _sessions(bundle) == {
        f"session-{recorded['old']}-duration",
        f"session-{recorded['new']}-duration",
    }
    assert _check_ins(bundle) == [3, 2]


@pytest.mark.parametrize(
    "since",
    [
        "2026-03-02",
        "2026-03-05",
        "2026-03-05T18:00:00Z",
        "2026-03-05T18:00:00",
        "2026-03-05T19:00:00%2B01:00",
    ],
)
def test_since_keeps_what_changed_at_or_after_it(
    api: APIClient, athlete: Athlete, recorded, since: str
) -> None:
    bundle = read_bundle(api, athlete, f"?since={since}")
    assert _sessions(bundle) == {f"session-{recorded['new']}-duration"}
    assert _check_ins(bundle) == [2]
    pains = observations(bundle, PAIN)
    assert all(o.id.startswith((f"session-{recorded['new']}-", "pain-score-")) for o in pains)
    assert len(pains) == 4 + 1  # the new walk's four pains and the new check-in


def test_a_session_edited_since_is_exported_again(
    api: APIClient, athlete: Athlete, recorded
) -> None:
    old = athlete.sessions.get(pk=recorded["old"])
    services.session_log_update(session=old, pain_next_morning=2)  # today, 11 March
    bundle = read_bundle(api, athlete, "?since=2026-03-10")
    assert _sessions(bundle) == {f"session-{recorded['old']}-duration"}
    (next_morning,) = (o for o in observations(bundle, PAIN) if moment(o) == "next-morning")
    assert next_morning.valueInteger == 2
    assert _check_ins(bundle) == []


def test_since_after_everything_leaves_the_patient_and_practitioner(
    api: APIClient, athlete: Athlete, recorded
) -> None:
    bundle = read_bundle(api, athlete, "?since=2026-03-06T00:00:00Z")
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient", "Practitioner"]


@pytest.mark.parametrize(
    "since",
    [
        "",
        "yesterday",
        "2026-02-30",
        "2026-13-01",
        "03/01/2026",
        "2026-03-01T25:00:00",
        "2026-03-01T09:00:00 01:00",
    ],
)
def test_a_bad_since_is_a_400_naming_since(api: APIClient, athlete: Athlete, since: str) -> None:
    response = api.get(fhir_url(athlete), {"since": since})
    assert response.status_code == 400
    assert response.json() == {"since": [SINCE_INVALID]}
