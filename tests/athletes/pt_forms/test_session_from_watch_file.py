"""The PT saves a session filled in from a watch file: stored with source file, once.

The form an import fills in carries the file's SHA-256 (hidden) to "Log a session".
Saved, the session is stored with source ``file``; the same file saved again (a second
import, a reload) stores no second session and the PT is told it was already logged.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from athletes.forms import FILE_REFERENCE_INVALID
from athletes.models import Athlete, SessionLog
from tests.athletes.pt_forms.forms import field_error, form_errors, html_of, session_data
from tests.support.clock import days_ago
from tests.support.watch_uploads import recent_run, sha256, upload

pytestmark = pytest.mark.usefixtures("wednesday")

RUN = recent_run(days_ago(1), minutes=30, cadence_spm=170)


def create_url(athlete: Athlete) -> str:
    return f"/athletes/{athlete.pk}/sessions/new/"


def imported_form(pt: Client, athlete: Athlete, content: bytes = RUN) -> dict[str, str]:
    """Return what the filled-in form posts as the import showed it, plus the pains."""
    html = html_of(pt.post(f"/athletes/{athlete.pk}/sessions/import/", {"file": upload(content)}))
    values = dict(
        re.findall(r'<input type="(?:number|date|hidden)" name="(\w+)" value="([^"]*)"', html)
    )
    values.update(
        re.findall(
            r'<select name="(\w+)"[^>]*>.*?<option value="(\w*)" selected>', html, flags=re.S
        )
    )
    values.pop("csrfmiddlewaretoken", None)
    return {**values, "pain_during": "1", "pain_after": "2", "notes": "Watch run."}


def test_the_filled_in_form_is_stored_as_read_from_the_file(pt: Client, athlete: Athlete) -> None:
    data = imported_form(pt, athlete)
    assert data["file_sha256"] == sha256(RUN)

    response = pt.post(create_url(athlete), data, follow=True)

    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    assert "Session logged." in html_of(response)
    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256) == ("file", sha256(RUN))
    assert (session.date, session.activity, session.terrain) == (days_ago(1), "run", "flat")
    assert (session.duration_min, session.cadence_spm, session.pain_during) == (30, 170, 1)


def test_the_same_file_saved_twice_is_one_session_and_the_pt_is_told(
    pt: Client, athlete: Athlete
) -> None:
    pt.post(create_url(athlete), imported_form(pt, athlete))
    again = imported_form(pt, athlete)

    response = pt.post(create_url(athlete), {**again, "pain_during": "3"}, follow=True)

    assert "This file&#x27;s session is already logged (Tue 10 Mar 2026)" in html_of(response)
    session = SessionLog.objects.get()
    assert session.pain_during == 1  # what was stored first stays


def test_a_session_typed_by_the_pt_stays_a_web_session(pt: Client, athlete: Athlete) -> None:
    pt.post(create_url(athlete), session_data(file_sha256=""))

    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256) == ("web", None)


@pytest.mark.parametrize("reference", ["not-a-digest", "A" * 64, "0" * 65])
def test_a_file_reference_that_is_no_sha256_is_refused_and_nothing_stored(
    pt: Client, athlete: Athlete, reference: str
) -> None:
    response = pt.post(create_url(athlete), session_data(file_sha256=reference))

    assert response.status_code == 200
    assert FILE_REFERENCE_INVALID.replace("'", "&#x27;") in form_errors(html_of(response))
    assert not SessionLog.objects.exists()


def test_a_refused_save_keeps_the_file_and_what_the_pt_typed(pt: Client, athlete: Athlete) -> None:
    data: dict[str, Any] = {**imported_form(pt, athlete), "pain_during": ""}

    response = pt.post(create_url(athlete), data)

    html = html_of(response)
    assert "required" in field_error(html, "pain_during")
    assert f'name="file_sha256" value="{sha256(RUN)}"' in html
    assert "Filled in from a watch file" in html
    assert 'name="cadence_spm" value="170"' in html
    assert ">\nWatch run.</textarea>" in html
    assert not SessionLog.objects.exists()
