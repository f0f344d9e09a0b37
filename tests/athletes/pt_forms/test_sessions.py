"""Sessions the PT logs or corrects on the athlete's behalf."""

from __future__ import annotations

import pytest
from django.test import Client

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.athletes.pt_forms.forms import (
    assert_errors_are_announced_with_their_field,
    field_error,
    html_of,
    session_data,
)
from tests.factories import AthleteFactory
from tests.support.clock import days_ago
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


def test_logging_a_session_on_the_athletes_behalf(pt: Client, athlete: Athlete) -> None:
    walk(athlete, 3)
    page = html_of(pt.get(f"/athletes/{athlete.pk}/sessions/new/"))
    assert 'name="date" value="2026-03-11"' in page  # today, clinic time

    response = pt.post(f"/athletes/{athlete.pk}/sessions/new/", session_data(), follow=True)

    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    assert "Session logged." in html_of(response)
    session = SessionLog.objects.filter(athlete=athlete).first()  # newest
    assert (session.date, session.duration_min, session.source) == (days_ago(1), 35, "web")
    assert session.pain_next_morning is None  # not known yet, never assumed
    assert session.notes == "Phoned in: felt fine."
    assert session.changed_variables == ["duration"]  # 30 → 35 min, the one-variable check


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"duration_min": ""}, "duration_min", "This field is required."),
        ({"activity": "run", "terrain": "flat", "pain_during": ""}, "pain_during", "required"),
        ({"terrain": ""}, "terrain", "Terrain is required"),
        ({"date": "2026-03-12"}, "date", "cannot be in the future"),
        ({"pain_after": "11"}, "pain_after", "Must be between 0 and 10."),
        ({"incline_percent": "16"}, "incline_percent", "Must be between 0 and 15."),
        ({"run_interval_sec": "60"}, "run_interval_sec", "only to walk–run"),
        (
            {
                "activity": "walk_run",
                "run_interval_sec": "120",
                "walk_interval_sec": "120",
                "repeats": "10",
            },
            "repeats",
            "more than the session",
        ),
    ],
)
def test_an_invalid_session_shows_errors_beside_fields_keeps_the_values_and_stores_nothing(
    pt: Client, athlete: Athlete, changes: dict[str, str], field: str, message: str
) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/sessions/new/", session_data(**changes))

    assert response.status_code == 200
    html = html_of(response)
    assert message in field_error(html, field)
    assert_errors_are_announced_with_their_field(html, field)
    assert not SessionLog.objects.exists()
    # What the PT typed is still there.
    assert ">\nPhoned in: felt fine.</textarea>" in html
    assert '<option value="treadmill" selected>' in html
    if field != "pain_after":
        assert 'name="pain_after" value="1"' in html


def test_correcting_a_session_recomputes_the_next_ones_check(pt: Client, athlete: Athlete) -> None:
    first = walk(athlete, 5, pain_next_morning=None)
    second = walk(athlete, 3)
    assert second.changed_variables == []

    page = html_of(pt.get(f"/athletes/{athlete.pk}/sessions/{first.pk}/edit/"))
    assert 'name="duration_min" value="30"' in page
    response = pt.post(
        f"/athletes/{athlete.pk}/sessions/{first.pk}/edit/",
        session_data(
            date=days_ago(5).isoformat(), duration_min="20", pain_next_morning="1", version="1"
        ),
        follow=True,
    )

    assert "Session corrected." in html_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.duration_min, first.pain_next_morning) == (20, 1)
    assert second.changed_variables == ["duration"]  # 20 → 30 min now


def test_an_invalid_correction_changes_nothing(pt: Client, athlete: Athlete) -> None:
    session = walk(athlete, 5)
    before = SessionLog.objects.filter(pk=session.pk).values().get()

    response = pt.post(
        f"/athletes/{athlete.pk}/sessions/{session.pk}/edit/",
        session_data(date=days_ago(5).isoformat(), pain_next_morning="12", version="1"),
    )

    assert "Must be between 0 and 10." in field_error(html_of(response), "pain_next_morning")
    assert SessionLog.objects.filter(pk=session.pk).values().get() == before


def test_another_athletes_session_cannot_be_corrected_through_this_one(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    session = walk(other, 2)

    url = f"/athletes/{athlete.pk}/sessions/{session.pk}/edit/"
    assert pt.get(url).status_code == 404
    assert pt.post(url, session_data(duration_min="5")).status_code == 404
    session.refresh_from_db()
    assert session.duration_min == 30
