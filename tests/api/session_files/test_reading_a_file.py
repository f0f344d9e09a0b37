"""A watch file is read into a session to check, rendered as stored sessions are; nothing kept."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from athletes.api.session_files import READ_EXAMPLE
from athletes.models import Athlete, SessionLog
from athletes.watch_files import READ_FIELDS, read_watch_file
from tests.api.session_files.calls import READABLE, Spool, fixture, upload


def test_a_real_recording_answers_the_documented_example(
    client: APIClient, athlete: Athlete, spool: Spool
) -> None:
    # The example is a real answer: this fixture, read for a clinic in Europe/London.
    response = upload(client, athlete, fixture("fenix2-run-cadence.fit"), name="run.fit")

    assert response.status_code == 200, response.content
    assert response.json() == READ_EXAMPLE
    assert spool.made, "the upload did not reach the disk: the spool check below proves nothing"
    assert spool.left() == []
    assert not SessionLog.all_objects.exists()


def test_the_session_is_rendered_as_a_stored_sessions_fields_are(
    client: APIClient, athlete: Athlete
) -> None:
    session = upload(client, athlete, fixture("fenix2-run-cadence.fit")).json()["session"]

    assert list(session) == list(READ_FIELDS)
    assert session["date"] == "2015-08-15"  # ISO, as the sessions list gives it
    assert session["distance_km"] == "9.01"  # a decimal as a string, two places
    assert session["duration_min"] == 47
    assert session["cadence_spm"] == 163


@pytest.mark.parametrize("path", READABLE, ids=[path.name for path in READABLE])
def test_every_readable_recording_answers_what_the_reader_reads(
    client: APIClient, athlete: Athlete, spool: Spool, path: Path
) -> None:
    content = path.read_bytes()
    clinic = athlete.clinic
    read = read_watch_file(io.BytesIO(content), time_zone=clinic.zone, today=clinic.today())

    response = upload(client, athlete, content, name="upload.bin")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"session", "file_sha256", "summary"}
    assert list(body["session"]) == list(read.session) == list(READ_FIELDS)
    assert body["file_sha256"] == hashlib.sha256(content).hexdigest()
    # The summary is the reader's, whole: no key of it lost on the way to JSON.
    assert body["summary"] == json.loads(json.dumps(read.summary))
    assert spool.left() == []
    assert not SessionLog.all_objects.exists()


def test_an_undated_file_reads_with_no_date_and_says_so(
    client: APIClient, athlete: Athlete
) -> None:
    response = upload(client, athlete, fixture("fr70-footpod-no-gps-undated.fit"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["session"]["date"] is None
    assert body["session"]["surface"] == "treadmill"
    assert body["summary"]["started_at"] is None
    assert any("no date" in note for note in body["summary"]["notes"])
    assert not SessionLog.all_objects.exists()
