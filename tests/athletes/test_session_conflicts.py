"""No lost update in the PT's correction form (SPEC §7).

A PT opens "Correct a session"; meanwhile someone else changes it (the athlete's morning
answer from the phone, the athlete's app through the API, a colleague's form). The PT's
save then stores nothing and shows the form again: what the PT typed kept, the change
made meanwhile intact in the database and shown in the form, each changed field marked
with both values. Saving again stores the PT's correction on top of the other change.

The forms are filled as a browser fills them: from the page's own inputs.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes.forms import (
    FIELD_CHANGED_BY_BOTH,
    FIELD_CHANGED_BY_OTHERS,
    SESSION_CHANGED_WHILE_EDITING,
    SESSION_FORM_WITHOUT_VERSION,
)
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday_morning")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days."""
    return sam(therapist)


@pytest.fixture
def session(athlete: Athlete) -> SessionLog:
    """Yesterday's uphill walk; the morning question about it is still open."""
    return walk(athlete, 1, pain_next_morning=None)


@pytest.fixture
def athlete_app(colleague: User) -> APIClient:
    """The athlete's running app, writing through the API."""
    return token_client(colleague)


def edit_url(session: SessionLog) -> str:
    return f"/athletes/{session.athlete_id}/sessions/{session.pk}/edit/"


class _FormFields(HTMLParser):
    """Collect what a browser would submit from a form: inputs, checked boxes, selects."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value") or "on"
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the one newline that may follow <textarea>.
            text = self.fields[self._textarea]
            self.fields[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    """Return what submitting the session form on ``html`` as it stands would send."""
    form = re.search(r'<form method="post" novalidate>(.*?)</form>', html, flags=re.S).group(1)
    parser = _FormFields()
    parser.feed(form)
    return parser.fields


def open_form(client: Client, session: SessionLog) -> dict[str, str]:
    response = client.get(edit_url(session))
    assert response.status_code == 200
    return form_fields(response.content.decode())


def conflict_notes(html: str) -> dict[str, str]:
    """Return the note beside each field marked as changed meanwhile, by field name."""
    notes = re.findall(r'<p class="error conflict" id="id_(\w+)_conflict">([^<]*)</p>', html)
    return {name: unescape(text) for name, text in notes}


def form_errors(html: str) -> str:
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, flags=re.S)
    return unescape(match.group(1)) if match else ""


def stored(session: SessionLog) -> dict[str, Any]:
    return SessionLog.objects.filter(pk=session.pk).values().get()


# --- Someone else answers the morning question while the PT edits ------------------------


def _morning_answer_from_the_phone(session: SessionLog, **clients: Any) -> None:
    response = clients["phone"].post(
        "/m/morning/", {"athlete": session.athlete_id, "session": session.pk, "score": "3"}
    )
    assert response["Location"] == "/m/?saved=morning"


def _morning_answer_through_the_api(session: SessionLog, **clients: Any) -> None:
    response = clients["athlete_app"].patch(
        f"/api/v1/sessions/{session.pk}/", {"pain_next_morning": 3}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.content


def _morning_answer_from_a_colleagues_form(session: SessionLog, **clients: Any) -> None:
    colleague = Client()
    colleague.force_login(clients["colleague"])
    fields = open_form(colleague, session)
    response = colleague.post(edit_url(session), {**fields, "pain_next_morning": "3"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "answer",
    [
        _morning_answer_from_the_phone,
        _morning_answer_through_the_api,
        _morning_answer_from_a_colleagues_form,
    ],
    ids=["phone", "api", "colleague"],
)
def test_the_morning_answer_arriving_while_the_pt_edits_is_kept_and_shown(
    pt: Client,
    phone: Client,
    athlete_app: APIClient,
    colleague: User,
    session: SessionLog,
    answer: Any,
) -> None:
    fields = open_form(pt, session)
    assert (fields["version"], fields["pain_next_morning"]) == ("1", "")
    answer(session, phone=phone, athlete_app=athlete_app, colleague=colleague)
    answered = stored(session)
    assert (answered["pain_next_morning"], answered["version"]) == (3, 2)

    # The PT corrects the duration in the form opened before the answer came.
    response = pt.post(edit_url(session), {**fields, "duration_min": "35"})

    assert response.status_code == 200  # shown again, not redirected: nothing saved
    html = response.content.decode()
    assert SESSION_CHANGED_WHILE_EDITING in form_errors(html)
    assert conflict_notes(html) == {
        "pain_next_morning": FIELD_CHANGED_BY_OTHERS.format(saved="3", loaded="empty")
    }
    again = form_fields(html)
    assert again["duration_min"] == "35"  # what the PT typed
    assert again["pain_next_morning"] == "3"  # the answer, not the stale empty value
    assert again["version"] == "2"
    assert stored(session) == answered

    # Saving the form as shown stores the correction on top of the answer.
    saved = pt.post(edit_url(session), again)

    assert saved.status_code == 302
    row = stored(session)
    assert (row["duration_min"], row["pain_next_morning"], row["version"]) == (35, 3, 3)


# --- A field both changed: the PT sees both values and decides ---------------------------


def test_a_field_both_changed_shows_both_values_and_keeps_the_pts(
    pt: Client, athlete_app: APIClient, session: SessionLog
) -> None:
    fields = open_form(pt, session)
    athlete_app.patch(
        f"/api/v1/sessions/{session.pk}/", {"pain_after": 4}, headers={"If-Match": '"1"'}
    )
    before = stored(session)

    response = pt.post(edit_url(session), {**fields, "pain_after": "3"})

    html = response.content.decode()
    assert conflict_notes(html) == {
        "pain_after": FIELD_CHANGED_BY_BOTH.format(yours="3", saved="4")
    }
    assert "Your value: 3 · Now saved: 4 (changed since you opened this form)" in unescape(html)
    assert form_fields(html)["pain_after"] == "3"
    assert stored(session) == before

    pt.post(edit_url(session), form_fields(html))

    assert stored(session)["pain_after"] == 3


def test_a_field_both_changed_to_the_same_value_is_not_marked(
    pt: Client, athlete_app: APIClient, session: SessionLog
) -> None:
    fields = open_form(pt, session)
    athlete_app.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"pain_after": 4, "notes": "Sore on the stairs."},
        headers={"If-Match": '"1"'},
    )

    response = pt.post(edit_url(session), {**fields, "pain_after": "4"})

    assert set(conflict_notes(response.content.decode())) == {"notes"}


def test_the_conflict_note_is_announced_with_its_field(
    pt: Client, phone: Client, session: SessionLog
) -> None:
    fields = open_form(pt, session)
    phone.post("/m/morning/", {"athlete": session.athlete_id, "session": session.pk, "score": "3"})

    html = pt.post(edit_url(session), {**fields, "duration_min": "35"}).content.decode()

    tag = re.search(r'<input[^>]*name="pain_next_morning"[^>]*>', html).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert "id_pain_next_morning_conflict" in described
    assert 'id="id_pain_next_morning_conflict"' in html


# --- Choices and check boxes ---------------------------------------------------------------


def test_choices_and_check_boxes_changed_meanwhile_are_shown_in_words_and_kept(
    pt: Client, athlete_app: APIClient, session: SessionLog
) -> None:
    fields = open_form(pt, session)
    assert "stopped_early" not in fields  # unchecked: a browser sends nothing
    athlete_app.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"stopped_early": True, "intensity": "moderate"},
        headers={"If-Match": '"1"'},
    )

    response = pt.post(edit_url(session), {**fields, "notes": "Phoned: knee fine."})

    html = response.content.decode()
    assert conflict_notes(html) == {
        "intensity": FIELD_CHANGED_BY_OTHERS.format(saved="Moderate", loaded="Easy"),
        "stopped_early": FIELD_CHANGED_BY_OTHERS.format(saved="yes", loaded="no"),
    }
    again = form_fields(html)
    assert again["intensity"] == "moderate"
    assert again["notes"] == "Phoned: knee fine."
    assert "stopped_early" in again  # shown checked, so saving keeps the red flag

    pt.post(edit_url(session), again)

    row = stored(session)
    assert (row["stopped_early"], row["intensity"], row["notes"]) == (
        True,
        "moderate",
        "Phoned: knee fine.",
    )


# --- A second change during the second look is caught as well ------------------------------


def test_a_change_made_while_the_conflict_is_shown_is_caught_again(
    pt: Client, phone: Client, athlete_app: APIClient, session: SessionLog
) -> None:
    fields = open_form(pt, session)
    phone.post("/m/morning/", {"athlete": session.athlete_id, "session": session.pk, "score": "3"})
    first = form_fields(
        pt.post(edit_url(session), {**fields, "duration_min": "35"}).content.decode()
    )
    athlete_app.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"notes": "Ran for the bus."},
        headers={"If-Match": '"2"'},
    )
    before = stored(session)

    response = pt.post(edit_url(session), first)

    html = response.content.decode()
    assert response.status_code == 200
    assert set(conflict_notes(html)) == {"notes"}  # the morning answer is now the baseline
    assert stored(session) == before
    second = form_fields(html)
    assert (second["duration_min"], second["notes"], second["version"]) == (
        "35",
        "Ran for the bus.",
        "3",
    )

    assert pt.post(edit_url(session), second).status_code == 302
    row = stored(session)
    assert (row["duration_min"], row["pain_next_morning"], row["notes"]) == (
        35,
        3,
        "Ran for the bus.",
    )


# --- A form that does not say which version it was opened on ----------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "0"], ids=["absent", "empty", "text", "0"])
def test_a_form_without_its_version_saves_nothing_and_says_why(
    pt: Client, session: SessionLog, version: str | None
) -> None:
    fields = {**open_form(pt, session), "duration_min": "35"}
    if version is None:
        del fields["version"]
    else:
        fields["version"] = version
    before = stored(session)

    response = pt.post(edit_url(session), fields)

    assert response.status_code == 200
    assert SESSION_FORM_WITHOUT_VERSION in unescape(response.content.decode())
    assert stored(session) == before


def test_an_unchanged_session_is_corrected_at_once_and_counts_one_version(
    pt: Client, session: SessionLog
) -> None:
    fields = open_form(pt, session)

    response = pt.post(edit_url(session), {**fields, "pain_next_morning": "2"})

    assert response.status_code == 302
    row = stored(session)
    assert (row["pain_next_morning"], row["version"]) == (2, 2)
