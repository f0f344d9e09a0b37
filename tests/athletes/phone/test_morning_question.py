"""The phone's questions: next-morning pain after a run, and the rest-day check-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from athletes import services
from athletes.models import Athlete, PainScore
from itbrehab.accounts.models import User
from tests.factories import SessionLogFactory
from tests.support.clock import TODAY, days_ago

pytestmark = pytest.mark.usefixtures("wednesday_morning")


# --- Next-morning question --------------------------------------------------------------


def test_the_morning_question_asks_about_yesterdays_run_and_stores_the_answer(
    phone: Client, athlete: Athlete
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)

    page = phone.get("/m/").content.decode()
    assert "How does your knee feel this morning?" in page
    assert f'name="session" value="{yesterday.pk}"' in page

    response = phone.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": "3"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/m/?saved=morning"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning == 3
    page = phone.get(response["Location"]).content.decode()
    assert "How does your knee feel this morning?" not in page
    assert "your PT will see it" in page


def test_the_morning_question_is_not_asked_when_already_answered(
    phone: Client, athlete: Athlete
) -> None:
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=1)

    page = phone.get("/m/").content.decode()

    assert "How does your knee feel this morning?" not in page


@pytest.mark.parametrize(
    ("date", "activity"),
    [(TODAY, "walk"), (days_ago(3), "walk"), (days_ago(1), "strength")],
    ids=["today", "three-days-ago", "not-running"],
)
def test_the_morning_question_is_only_for_recent_running_sessions(
    phone: Client, athlete: Athlete, date: dt.date, activity: str
) -> None:
    SessionLogFactory(athlete=athlete, date=date, activity=activity, pain_next_morning=None)

    assert "this morning?" not in phone.get("/m/").content.decode()


def test_a_morning_answer_never_overwrites_what_the_pt_recorded_meanwhile(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)
    assert "this morning?" in phone.get("/m/").content.decode()  # asked on the phone
    # …while the PT, on the phone with the athlete, records the answer first.
    services.session_log_update(
        session=yesterday, expected_version=yesterday.version, pain_next_morning=4
    )

    response = phone.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": "1"}
    )

    assert response["Location"] == "/m/?error=answered"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning == 4
    page = phone.get(response["Location"]).content.decode()
    assert "Your PT has already recorded this morning's pain" in page


def test_a_morning_answer_for_a_session_deleted_meanwhile_is_404(
    phone: Client, athlete: Athlete
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)
    asked_about = yesterday.pk
    services.session_log_delete(session=yesterday)

    response = phone.post(
        "/m/morning/", {"athlete": athlete.pk, "session": asked_about, "score": "1"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("score", ["11", "-1", "", "lots"])
def test_a_bad_morning_answer_changes_nothing(phone: Client, athlete: Athlete, score: str) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)

    response = phone.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": score}
    )

    assert response["Location"] == "/m/?error=morning"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning is None


# --- Rest-day check-in ------------------------------------------------------------------


def test_a_rest_day_check_in_stores_a_rest_pain_score(phone: Client, athlete: Athlete) -> None:
    assert "Rest day?" in phone.get("/m/").content.decode()

    response = phone.post("/m/check-in/", {"athlete": athlete.pk, "score": "2"})

    assert response["Location"] == "/m/?saved=checkin"
    score = PainScore.objects.get()
    assert (score.athlete, score.date, score.score, score.context) == (athlete, TODAY, 2, "rest")
    page = phone.get(response["Location"]).content.decode()
    assert "Check-in saved." in page
    assert "Rest day?" not in page


def test_no_rest_day_check_in_is_asked_once_todays_session_is_logged(
    phone: Client, athlete: Athlete
) -> None:
    SessionLogFactory(athlete=athlete, date=TODAY, pain_next_morning=None)
    assert "Rest day?" not in phone.get("/m/").content.decode()


def test_a_bad_check_in_stores_nothing(phone: Client, athlete: Athlete) -> None:
    response = phone.post("/m/check-in/", {"athlete": athlete.pk, "score": "12"})

    assert response["Location"] == "/m/?error=checkin"
    assert not PainScore.objects.exists()
