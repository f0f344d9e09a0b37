"""Logging a session on the phone: the prefilled form, posts, and JSON replays by client_id."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from athletes import services
from athletes.models import PAIN_DURING_REQUIRED, Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.athletes.phone.forms import running_session
from tests.factories import AthleteFactory
from tests.support.clock import TODAY, days_ago

pytestmark = pytest.mark.usefixtures("wednesday_morning")


def test_the_log_form_is_prefilled_with_todays_suggestion(phone: Client) -> None:
    page = phone.get("/m/log/").content.decode()

    assert 'name="activity" value="walk" checked' in page
    assert 'name="terrain" value="uphill" checked' in page
    assert 'name="surface" value="treadmill" checked' in page
    assert 'name="duration_min" id="id_duration_min" min="1" max="300" value="20"' in page
    assert f'name="date" value="{TODAY.isoformat()}"' in page
    assert 'name="client_id"' in page


def test_a_posted_session_is_stored_from_the_phone(phone: Client, athlete: Athlete) -> None:
    data = running_session(athlete)

    response = phone.post("/m/log/", data)

    assert response.status_code == 302
    assert response["Location"] == "/m/?saved=1"
    session = SessionLog.objects.get()
    assert session.athlete == athlete
    assert (session.activity, session.terrain, session.duration_min) == ("run", "flat", 25)
    assert (session.pain_during, session.pain_after) == (1, 1)
    assert session.source == "phone"
    assert str(session.client_id) == data["client_id"]
    assert "Session saved" in phone.get(response["Location"]).content.decode()


def test_a_run_without_pain_during_is_refused_and_the_entries_kept(
    phone: Client, athlete: Athlete
) -> None:
    response = phone.post(
        "/m/log/", running_session(athlete, pain_during=None, duration_min="35", notes="windy")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert PAIN_DURING_REQUIRED in page
    assert 'name="activity" value="run" checked' in page
    assert 'name="terrain" value="flat" checked' in page
    assert 'value="35"' in page
    assert ">windy</textarea>" in page
    assert 'name="pain_after" value="1" checked' in page
    assert not SessionLog.objects.exists()


def test_an_error_in_the_more_section_opens_it(phone: Client, athlete: Athlete) -> None:
    # A walk–run suggestion's intervals stay filled in when the athlete taps "Run":
    # the message must not hide in a closed section.
    response = phone.post(
        "/m/log/",
        running_session(athlete, run_interval_sec="60", walk_interval_sec="90", repeats="10"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Run/walk intervals apply only to walk–run sessions." in page
    assert '<details class="more" open>' in page
    assert not SessionLog.objects.exists()


def test_a_valid_post_leaves_the_more_section_closed(phone: Client) -> None:
    assert '<details class="more">' in phone.get("/m/log/").content.decode()


def test_a_json_post_replaying_a_client_id_stores_one_session(
    phone: Client, athlete: Athlete
) -> None:
    data = running_session(athlete)

    first = phone.post("/m/log/", data, HTTP_ACCEPT="application/json")
    replay = phone.post("/m/log/", data, HTTP_ACCEPT="application/json")

    assert first.status_code == 201
    assert replay.status_code == 200
    assert first.json() == {"id": replay.json()["id"], "created": True}
    assert replay.json()["created"] is False
    assert SessionLog.objects.count() == 1


def test_a_json_post_with_bad_input_answers_400_and_stores_nothing(
    phone: Client, athlete: Athlete
) -> None:
    response = phone.post(
        "/m/log/",
        running_session(athlete, pain_during=None, date=days_ago(-1).isoformat()),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["pain_during"][0]["message"] == PAIN_DURING_REQUIRED
    assert "date" in errors
    assert not SessionLog.objects.exists()


def test_the_same_client_id_from_another_athlete_is_a_separate_session(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    data = running_session(athlete)
    other = AthleteFactory(therapist=therapist)
    services.session_log_create_once(
        athlete=other,
        client_id=uuid.UUID(data["client_id"]),
        date=TODAY,
        activity="walk",
        terrain="uphill",
        duration_min=30,
        pain_during=0,
    )

    response = phone.post("/m/log/", data, HTTP_ACCEPT="application/json")

    assert response.status_code == 201
    assert SessionLog.objects.filter(athlete=athlete).count() == 1
