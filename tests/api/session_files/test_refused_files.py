"""A file the app cannot use: 400 naming its problem, nothing stored, nothing left on disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from athletes import watch_uploads
from athletes.models import Athlete, SessionLog
from athletes.watch_files import errors
from tests.api.session_files.calls import Spool, fixture, session_files_url, upload
from tests.watch_files import build as b

RUN = b.samples([b.run(600)])
# The API's today is Wednesday 4 March 2026 in London (GMT): 00:30 UTC on the 5th is tomorrow.
TOMORROW_MORNING = dt.datetime(2026, 3, 5, 0, 30, tzinfo=dt.UTC)

# (what is sent, the message, a word of it that names the problem)
REFUSED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "png": (b.png, errors.NOT_A_WATCH_FILE, "not a FIT, GPX or TCX file"),
    "empty": (lambda: b"", errors.EMPTY, "empty"),
    "truncated-fit": (
        lambda: fixture("bad-truncated.fit"), errors.FIT_TRUNCATED, "incomplete"
    ),
    "bad-crc-fit": (lambda: fixture("bad-crc.fit"), errors.FIT_BAD_CRC, "checksum"),
    "undefined-coordinates-gpx": (
        lambda: fixture("bad-undefined-coordinates.gpx"), errors.BAD_COORDINATES, "coordinates"
    ),
    "xml-bomb": (b.billion_laughs_gpx, errors.XML_FORBIDDEN, "entities"),
    "external-entity": (b.external_entity_tcx, errors.XML_FORBIDDEN, "entities"),
    "route-only": (
        lambda: fixture("no-activity-route-only.gpx"),
        errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_ROUTE),
        "no recorded activity",
    ),
    "future-date": (
        lambda: b.gpx(RUN, start=TOMORROW_MORNING),
        errors.FUTURE_DATE.format(date="2026-03-05"),
        "in the future",
    ),
    "several-activities": (
        lambda: b.tcx(RUN, activities=2),
        errors.SEVERAL_ACTIVITIES.format(count=2),
        "2 activities",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("content", "message", "named"), REFUSED.values(), ids=list(REFUSED))
def test_a_file_the_app_cannot_use_is_refused_beside_the_file_field(
    client: APIClient,
    athlete: Athlete,
    spool: Spool,
    content: Callable[[], bytes],
    message: str,
    named: str,
) -> None:
    response = upload(client, athlete, content(), name="session.fit")

    assert response.status_code == 400, response.content
    assert response.json() == {"file": [message]}
    assert named in message
    assert not SessionLog.all_objects.exists()
    assert spool.made, "the upload never reached the disk: nothing to leave behind"
    assert spool.left() == []


def test_the_external_entity_is_not_fetched_into_the_answer(
    client: APIClient, athlete: Athlete
) -> None:
    response = upload(client, athlete, b.external_entity_tcx())

    assert response.status_code == 400
    assert "root:" not in response.content.decode()


def test_no_file_field_asks_for_the_file(client: APIClient, athlete: Athlete, spool: Spool) -> None:
    response = client.post(session_files_url(athlete), {"upload": "run.fit"}, format="multipart")

    assert response.status_code == 400, response.content
    assert response.json() == {"file": [watch_uploads.NO_FILE]}
    assert not SessionLog.all_objects.exists()
    assert spool.left() == []


def test_two_files_at_once_are_refused(client: APIClient, athlete: Athlete, spool: Spool) -> None:
    run = fixture("fr410-run.tcx")
    files = [SimpleUploadedFile("a.tcx", run), SimpleUploadedFile("b.tcx", run)]

    response = client.post(session_files_url(athlete), {"file": files}, format="multipart")

    assert response.status_code == 400, response.content
    assert response.json() == {"file": [watch_uploads.SEVERAL_FILES]}
    assert len(spool.made) == 2
    assert spool.left() == []
    assert not SessionLog.all_objects.exists()


def test_a_body_that_is_not_valid_multipart_answers_the_apis_400(
    client: APIClient, athlete: Athlete
) -> None:
    # No boundary: Django cannot split the body into parts.
    response = client.generic(
        "POST", session_files_url(athlete), b"a file", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("Multipart form parse error")


def test_more_files_than_django_takes_answer_the_apis_400(
    client: APIClient, athlete: Athlete, settings: Any, spool: Spool
) -> None:
    files = [
        SimpleUploadedFile(f"{n}.fit", b"x")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]

    response = client.post(session_files_url(athlete), {"file": files}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert len(spool.made) == settings.DATA_UPLOAD_MAX_NUMBER_FILES
    assert spool.left() == []
