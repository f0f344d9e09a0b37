"""A deleted session is hidden everywhere and kept for the audit log (SPEC §8)."""

from __future__ import annotations

import uuid

from django.test import Client
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.sessions_api.calls import WALK, days_ago, sessions_url
from tests.support.phones import phone_of


def _gate_walks(client: APIClient, athlete: Athlete) -> list[int]:
    """Two tolerated 30-minute uphill walks on different days: the gate is met."""
    url = sessions_url(athlete)
    return [
        client.post(url, {**WALK, "date": days_ago(n).isoformat(), "pain_next_morning": 0}).json()[
            "id"
        ]
        for n in (3, 1)
    ]


def test_a_deleted_session_leaves_every_list_and_page_but_stays_stored(
    client: APIClient, athlete: Athlete, therapist: object
) -> None:
    first, second = _gate_walks(client, athlete)

    assert client.delete(f"/api/v1/sessions/{second}/").status_code == 204

    listed = client.get(sessions_url(athlete)).json()["results"]
    assert [row["id"] for row in listed] == [first]
    assert client.get(f"/api/v1/sessions/{second}/").status_code == 404
    assert client.delete(f"/api/v1/sessions/{second}/").status_code == 404
    pt = Client()
    pt.force_login(athlete.therapist)
    page = pt.get(f"/athletes/{athlete.pk}/").content.decode()
    assert f"#{first}" in page
    assert f"#{second}" not in page
    home = phone_of(athlete).get("/m/").content.decode()
    assert "Walk, 30 min" in home  # the first walk is still listed …
    assert home.count("Walk, 30 min") == 1  # … the deleted one is not
    kept = SessionLog.all_objects.get(pk=second)
    assert kept.deleted_at is not None
    assert (kept.duration_min, kept.pain_during) == (30, 1)


def test_the_engine_no_longer_counts_a_deleted_session(client: APIClient, athlete: Athlete) -> None:
    _first, second = _gate_walks(client, athlete)
    progression = f"/api/v1/athletes/{athlete.pk}/progression/"
    assert client.get(progression).json()["recommendation"] == "advance"

    client.delete(f"/api/v1/sessions/{second}/")

    answer = client.get(progression).json()
    assert answer["recommendation"] == "hold"
    gate = answer["criteria"][0]
    assert gate["met"] is False
    assert second not in gate["evidence"]


def test_a_late_retry_of_a_deleted_session_does_not_bring_it_back(
    client: APIClient, athlete: Athlete
) -> None:
    client_id = str(uuid.uuid4())
    body = {**WALK, "date": days_ago(1).isoformat(), "client_id": client_id}
    stored = client.post(sessions_url(athlete), body).json()
    client.delete(f"/api/v1/sessions/{stored['id']}/")

    retried = client.post(sessions_url(athlete), body)

    assert retried.status_code == 200  # the same session, replayed: not a new one
    assert retried.json()["id"] == stored["id"]
    assert SessionLog.all_objects.filter(athlete=athlete).count() == 1
    assert not SessionLog.objects.filter(athlete=athlete).exists()
