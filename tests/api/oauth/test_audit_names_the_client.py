"""The audit log names an API client as the actor, for its writes and its reads."""

from __future__ import annotations

import pytest
from django.test import Client

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.audit.models import AccessEvent
from tests.api.oauth.conftest import Bearer
from tests.api.sessions_api.calls import WALK
from tests.audit.events import event_ids, only_event_since

pytestmark = pytest.mark.usefixtures("now")


def test_a_write_names_the_client(bearer: Bearer, ana: Athlete) -> None:
    client, api_client = bearer("write")
    seen = event_ids(ana.clinic)

    response = client.post(
        f"/api/v1/athletes/{ana.pk}/sessions/",
        {**WALK, "date": "2026-03-03"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 201, response.content
    event = only_event_since(ana.clinic, seen)
    assert (event["action"], event["object_type"]) == ("create", "session")
    assert event["actor"] == f"api client {api_client.pk}"
    assert event["ip"] == "203.0.113.9"


def test_a_read_names_the_client_and_the_athlete(bearer: Bearer, ana: Athlete) -> None:
    client, api_client = bearer("read")

    response = client.get(f"/api/v1/athletes/{ana.pk}/")

    assert response.status_code == 200
    read = AccessEvent.objects.get(action="read")
    assert read.actor == f"api client {api_client.pk}"
    assert read.athlete_id == ana.pk
    assert read.clinic_id == ana.clinic_id
    assert read.detail == f"GET /api/v1/athletes/{ana.pk}/"


def test_the_audit_page_names_the_client_by_its_name(
    bearer: Bearer, ana: Athlete, admin: User, client: Client
) -> None:
    api, api_client = bearer("write", name="Front desk sync")
    api.post(f"/api/v1/athletes/{ana.pk}/sessions/", {**WALK, "date": "2026-03-03"})
    client.force_login(admin)

    page = client.get("/audit/").content.decode()

    # In the row that says who wrote the session, and among the "who" filter's choices.
    assert page.count("Front desk sync (API client)") == 2
    assert f">api client {api_client.pk}<" not in page
