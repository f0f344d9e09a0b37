"""The whole import: read a file, check it, add the pains, store it once (SPEC §9)."""

from __future__ import annotations

from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.session_files.calls import fixture, upload


def test_a_read_session_with_its_pains_is_stored_once_as_from_a_file(
    client: APIClient, athlete: Athlete
) -> None:
    read = upload(client, athlete, fixture("fenix2-run-cadence.fit")).json()
    body = {
        **read["session"],  # sent back as answered: nulls, ISO date and decimal strings
        "surface": "road",  # what the file could not tell, the athlete can
        "pain_during": 2,
        "pain_after": 1,
        "file_sha256": read["file_sha256"],
    }
    sessions_url = f"/api/v1/athletes/{athlete.pk}/sessions/"

    stored = client.post(sessions_url, body, format="json")
    again = client.post(sessions_url, body, format="json")

    assert stored.status_code == 201, stored.content
    session = stored.json()
    assert session["source"] == "file"
    assert session["file_sha256"] == read["file_sha256"]
    as_stored = {name: session[name] for name in read["session"]}
    assert as_stored == {**read["session"], "surface": "road"}
    assert (session["pain_during"], session["pain_after"]) == (2, 1)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == session["id"]
    row = SessionLog.objects.get(athlete=athlete)
    assert (row.pk, row.source, row.file_sha256) == (session["id"], "file", read["file_sha256"])
