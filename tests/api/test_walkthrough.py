"""The README's curl walk-through, as a test: token → athlete → session → progression →
stage change → device link, each answering what a clinic integrator expects; and a
session read from a watch file, then stored with its pains."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory
from tests.support.api import token_client
from tests.watch_files.facts import FOLDERS


def test_the_readme_walkthrough(therapist: User, now: dt.date) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"email": therapist.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    response = client.post(
        "/api/v1/athletes/",
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "affected_side": "left",
            "preferred_cadence_spm": 170,
            "stage_started_on": "2026-02-20",
        },
    )
    assert response.status_code == 201, response.content
    athlete = response.json()
    assert athlete["stage"] == "uphill_walk"
    assert athlete["target_cadence_spm"] == 179
    assert athlete["therapist"] == therapist.pk
    assert athlete["recommendation"] == "hold"

    session_ids = []
    for day in ("2026-03-01", "2026-03-03"):
        response = client.post(
            f"/api/v1/athletes/{athlete['id']}/sessions/",
            {
                "date": day,
                "activity": "walk",
                "terrain": "uphill",
                "surface": "treadmill",
                "incline_percent": "8.0",
                "duration_min": 30,
                "pain_during": 1,
                "pain_after": 1,
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["source"] == "api"
        session_ids.append(response.json()["id"])

    for session_id in session_ids:
        url = f"/api/v1/sessions/{session_id}/"
        etag = client.get(url)["ETag"]
        assert etag == '"1"'
        response = client.patch(url, {"pain_next_morning": 0}, headers={"If-Match": etag})
        assert response.status_code == 200, response.content
        assert response["ETag"] == '"2"'

    response = client.get(f"/api/v1/athletes/{athlete['id']}/progression/")
    assert response.status_code == 200
    progression = response.json()
    assert progression["recommendation"] == "advance"
    assert progression["stage"] == {"code": "uphill_walk", "name": "Uphill walking", "order": 1}
    assert progression["next_stage"]["code"] == "uphill_jog"
    assert progression["criteria"][0]["evidence"] == session_ids[::-1]
    assert progression["suggested_next_session"]["stage"] == "uphill_walk"  # not yet advanced
    offered = progression["next_stage_first_session"]  # what advancing would start
    assert (offered["stage"], offered["activity"]) == ("uphill_jog", "walk_run")

    response = client.post(
        f"/api/v1/athletes/{athlete['id']}/stage-changes/", {"to_stage": "uphill_jog"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["from_stage"] == "uphill_walk"
    assert response.json()["recommendation"] == "advance"
    assert response.json()["next_stage_first_session"] == offered

    response = client.post(f"/api/v1/athletes/{athlete['id']}/device-links/", {})
    assert response.status_code == 201, response.content
    link = response.json()
    assert set(link) == {"id", "url", "expires_at"}
    assert link["url"].startswith("http://testserver/m/link/")

    assert client.get("/api/v1/stages/").json()["count"] == 6


def test_the_readme_watch_file_import(therapist: User, now: dt.date) -> None:
    client = token_client(therapist)
    athlete = AthleteFactory(therapist=therapist)
    run = (FOLDERS[0] / "fenix2-run-cadence.fit").read_bytes()

    # curl -F file=@run.fit
    response = client.post(
        f"/api/v1/athletes/{athlete.pk}/session-files/",
        {"file": SimpleUploadedFile("run.fit", run)},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    read = response.json()
    body = {
        **read["session"],
        "pain_during": 1,
        "pain_after": 1,
        "file_sha256": read["file_sha256"],
    }

    stored = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)
    again = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert stored.status_code == 201, stored.content
    assert stored.json()["source"] == "file"
    assert (again.status_code, again.json()["id"]) == (200, stored.json()["id"])
