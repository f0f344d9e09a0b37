"""The athlete saves a session filled in from a watch file: stored with source file, once.

The log form an import fills in posts the file's SHA-256 with the rest, as a form or from
the outbox (JSON). The session is stored with source ``file``; the same file saved again
stores no second session: the form goes home with "already saved", the outbox gets 200.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client

from athletes.forms import FILE_REFERENCE_INVALID
from athletes.models import Athlete, SessionLog
from tests.athletes.phone.forms import running_session
from tests.support.clock import days_ago
from tests.support.watch_uploads import recent_run, sha256

pytestmark = pytest.mark.usefixtures("wednesday_morning")

DIGEST = sha256(recent_run(days_ago(1)))


def from_file(athlete: Athlete, **fields: str | None) -> dict[str, str]:
    """The log form as an import filled it in, with the pains added."""
    values: dict[str, str | None] = {
        "date": days_ago(1).isoformat(),
        "duration_min": "30",
        "distance_km": "5.39",
        "cadence_spm": "170",
        "file_sha256": DIGEST,
    }
    return running_session(athlete, **{**values, **fields})


def test_the_session_is_stored_as_read_from_the_file(phone: Client, athlete: Athlete) -> None:
    response = phone.post("/m/log/", from_file(athlete))

    assert response["Location"] == "/m/?saved=1"
    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256) == ("file", DIGEST)
    assert (session.cadence_spm, session.distance_km, session.pain_during) == (
        170,
        Decimal("5.39"),
        1,
    )


def test_the_same_file_saved_again_goes_home_saying_so(phone: Client, athlete: Athlete) -> None:
    phone.post("/m/log/", from_file(athlete))

    response = phone.post("/m/log/", from_file(athlete, pain_during="4"))

    assert response["Location"] == "/m/?saved=again"
    assert "This session was already saved" in phone.get(response["Location"]).content.decode()
    session = SessionLog.objects.get()
    assert session.pain_during == 1


def test_the_outbox_sending_the_same_file_again_gets_200_and_one_session(
    phone: Client, athlete: Athlete
) -> None:
    first = phone.post("/m/log/", from_file(athlete), HTTP_ACCEPT="application/json")
    # A second import of the file, saved offline: a new client_id, the same file.
    again = phone.post(
        "/m/log/",
        from_file(athlete, client_id=str(uuid.uuid4())),
        HTTP_ACCEPT="application/json",
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"id": first.json()["id"], "created": False}
    assert SessionLog.objects.count() == 1


def test_a_session_logged_by_hand_stays_a_phone_session(phone: Client, athlete: Athlete) -> None:
    phone.post("/m/log/", running_session(athlete, file_sha256="", distance_km="4.2"))

    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256, session.distance_km) == (
        "phone",
        None,
        Decimal("4.2"),
    )


@pytest.mark.parametrize("reference", ["not-a-digest", "F" * 64, "0" * 65])
def test_a_file_reference_that_is_no_sha256_is_refused_and_nothing_stored(
    phone: Client, athlete: Athlete, reference: str
) -> None:
    as_form = phone.post("/m/log/", from_file(athlete, file_sha256=reference))
    as_outbox = phone.post(
        "/m/log/", from_file(athlete, file_sha256=reference), HTTP_ACCEPT="application/json"
    )

    assert as_form.status_code == 200
    assert FILE_REFERENCE_INVALID in as_form.content.decode().replace("&#x27;", "'")
    assert as_outbox.status_code == 400
    assert as_outbox.json()["errors"]["file_sha256"][0]["message"] == FILE_REFERENCE_INVALID
    assert not SessionLog.objects.exists()


def test_a_refused_save_keeps_the_file_and_the_entries(phone: Client, athlete: Athlete) -> None:
    response = phone.post("/m/log/", from_file(athlete, pain_during=None, notes="hilly"))

    page = response.content.decode()
    assert f'name="file_sha256" value="{DIGEST}"' in page
    assert 'name="distance_km" value="5.39"' in page
    assert ">hilly</textarea>" in page
    assert not SessionLog.objects.exists()
