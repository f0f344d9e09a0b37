"""Reading a watch file is an athlete endpoint like the others: the clinic's therapists only.

Another clinic's athlete answers 404 before the file is read; a token or a browser
session (with its CSRF token) may read; the audit records the one read of the athlete
when the answer showed it (200), none for a refusal.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from athletes import watch_uploads
from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.audit.models import AccessEvent
from tests.api.session_files.calls import Spool, fixture, session_files_url, upload
from tests.support.api import token_client

RUN = "fr410-run.tcx"


def reads() -> list[tuple[str, int | None, str]]:
    return list(
        AccessEvent.objects.filter(action="read").values_list("actor", "athlete_id", "detail")
    )


def test_a_colleague_of_the_clinic_may_read_a_file(colleague: User, athlete: Athlete) -> None:
    response = upload(token_client(colleague), athlete, fixture(RUN))

    assert response.status_code == 200, response.content


def test_another_clinics_athlete_answers_404_and_the_file_is_not_read(
    outsider: User, athlete: Athlete, spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[object] = []
    monkeypatch.setattr(watch_uploads, "read_watch_file", lambda *a, **k: read.append(a))

    response = upload(token_client(outsider), athlete, fixture(RUN))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert read == []
    assert spool.left() == []
    assert reads() == []


def test_a_missing_athlete_answers_404(client: APIClient) -> None:
    assert upload(client, 999_999, fixture(RUN)).status_code == 404


def test_without_credentials_the_answer_is_401(athlete: Athlete) -> None:
    response = upload(APIClient(), athlete, fixture(RUN))

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_a_browser_session_reads_with_its_csrf_token(therapist: User, athlete: Athlete) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.get("/accounts/login/")  # sets the csrftoken cookie, as the login page does
    csrf = browser.cookies["csrftoken"].value
    browser.force_login(therapist)
    body = {"file": SimpleUploadedFile("run.tcx", fixture(RUN))}

    without = browser.post(session_files_url(athlete), body, format="multipart")
    body["file"].seek(0)
    with_token = browser.post(
        session_files_url(athlete), body, format="multipart", HTTP_X_CSRFTOKEN=csrf
    )

    assert without.status_code == 403
    assert "CSRF" in without.json()["detail"]
    assert with_token.status_code == 200, with_token.content
    assert with_token.json()["file_sha256"] == hashlib.sha256(fixture(RUN)).hexdigest()


def test_the_read_is_recorded_once_for_the_athlete(
    client: APIClient, therapist: User, athlete: Athlete
) -> None:
    url = session_files_url(athlete)

    assert upload(client, athlete, fixture(RUN)).status_code == 200

    assert reads() == [(f"therapist {therapist.pk}", athlete.pk, f"POST {url}")]


def test_a_refused_file_records_no_read(client: APIClient, athlete: Athlete) -> None:
    assert upload(client, athlete, fixture("bad-crc.fit")).status_code == 400

    assert reads() == []


def test_a_json_body_answers_415(client: APIClient, athlete: Athlete) -> None:
    response = client.post(session_files_url(athlete), {"file": "a.fit"}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_get_is_not_allowed(client: APIClient, athlete: Athlete) -> None:
    response = client.get(session_files_url(athlete))

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert reads() == []
