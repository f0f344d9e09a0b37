"""A session read from a watch file: POST it with its file_sha256; it is "file", and stored once.

The digest is the one ``…/session-files/`` answered; the API checks its form, stores the
session with source "file" whatever ``source`` says, answers 200 with the stored session
when the same file comes again, and shows ``file_sha256`` on every session (null when it
was not read from a file), which no change may alter.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.api.sessions import FILE_SHA256_FIXED, SOURCE_SET_BY_SERVER
from athletes.models import Athlete, SessionLog
from athletes.models.common import SHA256_HEX
from tests.api.sessions_api.calls import WALK, days_ago, sessions_url
from tests.factories import SessionLogFactory

DIGEST = hashlib.sha256(b"a treadmill walk's FIT file").hexdigest()


def from_file(**fields: Any) -> dict[str, Any]:
    return {**WALK, "date": days_ago(1).isoformat(), "file_sha256": DIGEST, **fields}


@pytest.mark.parametrize("source", [None, "api", "file", "phone"])
def test_a_session_with_its_file_digest_is_stored_as_from_a_file(
    client: APIClient, athlete: Athlete, source: str | None
) -> None:
    body = from_file() if source is None else from_file(source=source)

    response = client.post(sessions_url(athlete), body)

    assert response.status_code == 201, response.content
    assert (response.json()["source"], response.json()["file_sha256"]) == ("file", DIGEST)
    stored = SessionLog.objects.get(athlete=athlete)
    assert (stored.source, stored.file_sha256) == ("file", DIGEST)


def test_the_same_file_again_answers_200_with_the_stored_session(
    client: APIClient, athlete: Athlete
) -> None:
    first = client.post(sessions_url(athlete), from_file(client_id=str(uuid.uuid4())))

    # Another client (a phone, the PT page's integration) sends the same file with its own
    # client_id and other pains: still the session already stored.
    again = client.post(
        sessions_url(athlete), from_file(client_id=str(uuid.uuid4()), pain_during=4)
    )

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


@pytest.mark.parametrize(
    "digest",
    ["", "abc123", DIGEST.upper(), DIGEST[:-1] + "g", DIGEST + "0", f" {DIGEST}", 12345],
    ids=["empty", "short", "upper-case", "not-hex", "too-long", "spaced", "a-number"],
)
def test_a_digest_that_is_not_a_sha256_is_refused_naming_it(
    client: APIClient, athlete: Athlete, digest: Any
) -> None:
    response = client.post(sessions_url(athlete), from_file(file_sha256=digest))

    assert response.status_code == 400
    assert list(response.json()) == ["file_sha256"]
    assert not SessionLog.all_objects.exists()


def test_the_digest_message_says_what_is_expected(client: APIClient, athlete: Athlete) -> None:
    response = client.post(sessions_url(athlete), from_file(file_sha256="abc123"))

    assert response.json() == {"file_sha256": [SHA256_HEX.message]}


def test_without_a_digest_the_source_is_still_the_servers(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.post(sessions_url(athlete), from_file(file_sha256=None, source="file"))

    assert response.status_code == 400
    assert response.json() == {"source": [SOURCE_SET_BY_SERVER]}
    assert not SessionLog.all_objects.exists()


def test_a_session_not_read_from_a_file_shows_a_null_digest(
    client: APIClient, athlete: Athlete
) -> None:
    created = client.post(sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat()})

    assert created.status_code == 201, created.content
    assert (created.json()["source"], created.json()["file_sha256"]) == ("api", None)
    listed = client.get(sessions_url(athlete)).json()["results"]
    assert [row["file_sha256"] for row in listed] == [None]


def test_the_digest_of_a_stored_session_cannot_change(client: APIClient, athlete: Athlete) -> None:
    session = SessionLogFactory(athlete=athlete, source="file", file_sha256=DIGEST)
    url = f"/api/v1/sessions/{session.pk}/"
    other = hashlib.sha256(b"another file").hexdigest()

    changed = client.patch(url, {"file_sha256": other, "version": 1})
    dropped = client.patch(url, {"file_sha256": None, "version": 1})
    # Echoing it back, as a client round-tripping a GET would, is fine.
    echoed = client.patch(url, {"file_sha256": DIGEST, "pain_next_morning": 0, "version": 1})

    assert changed.status_code == dropped.status_code == 400
    assert changed.json() == dropped.json() == {"file_sha256": [FILE_SHA256_FIXED]}
    assert echoed.status_code == 200, echoed.content
    session.refresh_from_db()
    assert (session.file_sha256, session.pain_next_morning, session.version) == (DIGEST, 0, 2)


def test_a_patch_cannot_give_a_typed_session_a_digest(client: APIClient, athlete: Athlete) -> None:
    session = SessionLogFactory(athlete=athlete, source="api")

    response = client.patch(
        f"/api/v1/sessions/{session.pk}/", {"file_sha256": DIGEST, "version": 1}
    )

    assert response.status_code == 400
    assert response.json() == {"file_sha256": [FILE_SHA256_FIXED]}
    session.refresh_from_db()
    assert (session.file_sha256, session.source) == (None, "api")
