"""A clinic system relays a therapist's decisions: it names the therapist who made them.

SPEC's clinic system "records stage decisions" and texts phone links (§3). An API client is
no person, so a stage change, a review or a phone link it sends names the therapist of
the clinic who decided (``changed_by``, ``reviewed_by``, ``created_by``); the record says
that therapist, the audit log says the client sent it. Without one, or with anyone but an
active therapist of the clinic, it is refused beside the field and nothing is stored.
"""

from __future__ import annotations

from typing import Any

import pytest

from athletes.models import Athlete, DeviceLink
from itbrehab.accounts.models import User
from itbrehab.api_scope import DECIDER_REQUIRED_FOR_API_CLIENT
from progressions.models import StageChange, StageReview
from tests.api.oauth.conftest import Bearer
from tests.audit.events import event_ids, events_since
from tests.support.api import token_client

pytestmark = pytest.mark.usefixtures("now")

# (path, the body's decider field, a valid body, the rows it stores)
WRITES = [
    ("stage-changes", "changed_by", {"to_stage": "uphill_jog", "reason": "Seen at the clinic"}),
    ("reviews", "reviewed_by", {"decision": "hold", "note": "One more week"}),
    ("device-links", "created_by", {}),
]
STORED: dict[str, Any] = {
    "stage-changes": lambda a: StageChange.objects.filter(athlete=a),
    "reviews": lambda a: StageReview.objects.filter(athlete=a).exclude(decision=""),
    "device-links": lambda a: DeviceLink.objects.filter(athlete=a),
}
DECIDER = {"stage-changes": "changed_by", "reviews": "reviewed_by", "device-links": "created_by"}


@pytest.mark.parametrize(("path", "field", "body"), WRITES)
def test_a_client_that_names_no_therapist_is_refused_beside_the_field(
    bearer: Bearer, ana: Athlete, path: str, field: str, body: dict[str, Any]
) -> None:
    client, _ = bearer("read", "write")

    response = client.post(f"/api/v1/athletes/{ana.pk}/{path}/", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()[field] == [DECIDER_REQUIRED_FOR_API_CLIENT]
    assert not STORED[path](ana).exists()


@pytest.mark.parametrize(("path", "field", "body"), WRITES)
def test_only_an_active_therapist_of_the_clinic_may_be_named(
    bearer: Bearer,
    ana: Athlete,
    outsider: User,
    colleague: User,
    path: str,
    field: str,
    body: dict[str, Any],
) -> None:
    client, _ = bearer("read", "write")
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])

    for someone in (outsider.pk, colleague.pk, 10**9, "x", True):
        response = client.post(
            f"/api/v1/athletes/{ana.pk}/{path}/", {**body, field: someone}, format="json"
        )
        assert response.status_code == 400, (someone, response.content)
        assert field in response.json()
    assert not STORED[path](ana).exists()


@pytest.mark.parametrize(("path", "field", "body"), WRITES)
def test_the_named_therapist_is_recorded_and_the_client_is_the_audits_actor(
    bearer: Bearer, ana: Athlete, colleague: User, path: str, field: str, body: dict[str, Any]
) -> None:
    client, api_client = bearer("read", "write")
    seen = event_ids(ana.clinic)

    response = client.post(
        f"/api/v1/athletes/{ana.pk}/{path}/", {**body, field: colleague.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    stored = STORED[path](ana).get()
    assert getattr(stored, DECIDER[path]) == colleague
    if path == "device-links":
        assert "/m/link/" in response.json()["url"]  # the clinic system texts it
    else:
        assert response.json()[field] == colleague.pk
    # A stage change also moves the athlete (more than one audit event): each names the client.
    actors = {event["actor"] for event in events_since(ana.clinic, seen)}
    assert actors == {f"api client {api_client.pk}"}


def test_a_therapists_own_token_records_the_therapist_whatever_the_body_says(
    ana: Athlete, therapist: User, colleague: User
) -> None:
    client = token_client(therapist)

    response = client.post(
        f"/api/v1/athletes/{ana.pk}/stage-changes/",
        {"to_stage": "uphill_jog", "reason": "Seen at the clinic", "changed_by": colleague.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert StageChange.objects.get(athlete=ana).changed_by == therapist
