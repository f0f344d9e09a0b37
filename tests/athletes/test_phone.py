"""The athlete's phone pages, server side: link opening, scope, logging, morning question.

The clock is frozen on Wednesday 11 March 2026 at 08:00 in London (the clinic's zone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes import services
from athletes.models import (
    PAIN_DURING_REQUIRED,
    Athlete,
    AthleteStatus,
    DeviceLink,
    PainScore,
    SessionLog,
)
from athletes.phone.access import OPEN_RATE_LIMIT
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, SessionLogFactory

TODAY = dt.date(2026, 3, 11)  # a Wednesday
MORNING = dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)  # 08:00 in London (GMT in March)


@pytest.fixture(autouse=True)
def _wednesday_morning(time_machine: Any) -> None:
    time_machine.move_to(MORNING, tick=False)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days, usual step rate 170 (target 179)."""
    return AthleteFactory(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        stage_started_on=days_ago(20),
        preferred_cadence_spm=170,
        target_cadence_spm=179,
    )


@pytest.fixture
def link(athlete: Athlete, therapist: User) -> tuple[DeviceLink, str]:
    """Sam's phone link and its secret token (as texted to the phone)."""
    return services.device_link_create(athlete=athlete, created_by=therapist)


@pytest.fixture
def athlete_client(link: tuple[DeviceLink, str]) -> Client:
    """Sam's phone, signed in by opening the link."""
    client = Client()
    response = client.get(f"/m/link/{link[1]}/")
    assert response.status_code == 302
    return client


def running_session(athlete: Athlete, **fields: Any) -> dict[str, Any]:
    """A valid phone form post for a flat run today; ``fields`` override or drop (None)."""
    data: dict[str, Any] = {
        "athlete": str(athlete.pk),  # whose page it was posted from
        "date": TODAY.isoformat(),
        "activity": "run",
        "terrain": "flat",
        "surface": "road",
        "duration_min": "25",
        "intensity": "easy",
        "pain_during": "1",
        "pain_after": "1",
        "client_id": str(uuid.uuid4()),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- Opening a link -------------------------------------------------------------------


def test_opening_a_link_signs_the_phone_in_and_drops_the_token(
    link: tuple[DeviceLink, str],
) -> None:
    client = Client()
    _link, token = link

    response = client.get(f"/m/link/{token}/")

    assert response.status_code == 302
    assert response["Location"] == "/m/"
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Hi Sam" in home.content.decode()
    # The pages themselves hold no token; "no-referrer" there would make Chromium post
    # their forms with "Origin: null", which CSRF protection refuses.
    assert home["Referrer-Policy"] == "same-origin"
    _link.refresh_from_db()
    assert _link.last_opened_at == MORNING


def test_an_unknown_token_is_404(link: tuple[DeviceLink, str]) -> None:
    response = Client().get("/m/link/not-a-real-token/")

    assert response.status_code == 404
    assert response["Referrer-Policy"] == "no-referrer"
    assert "This link does not open" in response.content.decode()


def test_a_revoked_link_is_410(link: tuple[DeviceLink, str]) -> None:
    services.device_link_revoke(link=link[0])

    response = Client().get(f"/m/link/{link[1]}/")

    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()


def test_an_expired_link_is_410(athlete: Athlete, therapist: User, time_machine: Any) -> None:
    _link, token = services.device_link_create(athlete=athlete, created_by=therapist, days=1)
    time_machine.move_to(MORNING + dt.timedelta(days=1, seconds=1), tick=False)

    response = Client().get(f"/m/link/{token}/")

    assert response.status_code == 410


def test_a_phone_stays_signed_in_for_as_long_as_its_link_lasts(
    athlete_client: Client, link: tuple[DeviceLink, str], time_machine: Any
) -> None:
    # Installed on the home screen, the app opens at /m/: there is no link to tap again.
    time_machine.move_to(link[0].expires_at - dt.timedelta(hours=1), tick=False)

    assert athlete_client.get("/m/").status_code == 200


def test_a_discharged_athletes_link_is_refused(
    athlete: Athlete, link: tuple[DeviceLink, str]
) -> None:
    services.athlete_update(athlete=athlete, status=AthleteStatus.DISCHARGED)

    response = Client().get(f"/m/link/{link[1]}/")

    assert response.status_code == 410


def test_a_signed_in_phone_loses_access_when_the_link_is_revoked(
    athlete_client: Client, link: tuple[DeviceLink, str]
) -> None:
    assert athlete_client.get("/m/").status_code == 200
    services.device_link_revoke(link=link[0])

    assert athlete_client.get("/m/").status_code == 410
    # The phone session is ended too: the next page does not even know the link.
    assert athlete_client.get("/m/log/").status_code == 404
    assert athlete_client.post("/m/log/", running_session(link[0].athlete)).status_code == 404
    assert not SessionLog.objects.exists()


def test_a_signed_in_phone_loses_access_when_the_link_expires(
    athlete: Athlete, therapist: User, time_machine: Any
) -> None:
    _link, token = services.device_link_create(athlete=athlete, created_by=therapist, days=1)
    client = Client()
    client.get(f"/m/link/{token}/")
    assert client.get("/m/").status_code == 200

    time_machine.move_to(MORNING + dt.timedelta(days=1, seconds=1), tick=False)

    assert client.get("/m/").status_code == 410


def test_a_signed_in_phone_loses_access_when_the_athlete_is_discharged(
    athlete_client: Client, athlete: Athlete
) -> None:
    services.athlete_update(athlete=athlete, status=AthleteStatus.DISCHARGED)

    assert athlete_client.get("/m/log/").status_code == 410


def test_opening_is_rate_limited_per_address(link: tuple[DeviceLink, str]) -> None:
    client = Client()
    for _ in range(OPEN_RATE_LIMIT):
        assert client.get("/m/link/guessing/").status_code == 404

    too_many = client.get(f"/m/link/{link[1]}/")  # even the right token: slow down first

    assert OPEN_RATE_LIMIT == 20
    assert too_many.status_code == 429
    assert "Too many tries" in too_many.content.decode()
    # Another phone, at another address, is not held up.
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert other.get(f"/m/link/{link[1]}/").status_code == 302


def test_only_a_sha256_hash_of_the_token_is_stored(
    athlete_client: Client, link: tuple[DeviceLink, str]
) -> None:
    stored, token = link

    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # Nothing in the link table (nor the phone's session) holds the secret itself.
    with connection.cursor() as cursor:
        for table in (DeviceLink._meta.db_table, "django_session"):
            cursor.execute(f"SELECT * FROM {table}")  # two fixed table names
            rows = cursor.fetchall()
            assert rows
            assert all(token not in str(value) for row in rows for value in row)


# --- Scope: the phone session reaches only its own /m/ pages --------------------------


@pytest.mark.parametrize("path", ["/dashboard/", "/athletes/{id}/", "/api/v1/athletes/", "/"])
def test_a_phone_session_cannot_open_therapist_pages(
    athlete_client: Client, athlete: Athlete, path: str
) -> None:
    response = athlete_client.get(path.format(id=athlete.pk))

    assert response.status_code == 404


def test_a_phone_session_cannot_open_another_athletes_page(
    athlete_client: Client, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)

    assert athlete_client.get(f"/athletes/{other.pk}/").status_code == 404


def test_a_phone_cannot_answer_for_another_athletes_session(
    athlete_client: Client, athlete: Athlete, therapist: User
) -> None:
    theirs = SessionLogFactory(
        athlete=AthleteFactory(therapist=therapist), date=days_ago(1), pain_next_morning=None
    )

    response = athlete_client.post(
        "/m/morning/", {"athlete": athlete.pk, "session": theirs.pk, "score": "3"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.pain_next_morning is None


@pytest.mark.parametrize("path", ["/m/", "/m/log/", "/m/metronome/"])
def test_phone_pages_without_a_link_are_404(db: None, path: str) -> None:
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/m/"),
        ("get", "/m/morning/"),
        ("get", "/m/check-in/"),
        ("post", "/m/metronome/"),
        ("put", "/m/log/"),
    ],
)
def test_wrong_methods_are_405(athlete_client: Client, method: str, path: str) -> None:
    assert getattr(athlete_client, method)(path).status_code == 405


# --- Home -------------------------------------------------------------------------------


def test_home_greets_by_first_name_with_todays_session_and_cadence(
    athlete_client: Client,
) -> None:
    page = athlete_client.get("/m/").content.decode()

    assert "Hi Sam" in page
    assert "Today: 20 min uphill walk on the treadmill at 5%" in page
    assert "<strong>179</strong> steps/min" in page
    assert 'aria-current="step">Uphill walking' in page


# --- Logging a session ------------------------------------------------------------------


def test_the_log_form_is_prefilled_with_todays_suggestion(athlete_client: Client) -> None:
    page = athlete_client.get("/m/log/").content.decode()

    assert 'name="activity" value="walk" checked' in page
    assert 'name="terrain" value="uphill" checked' in page
    assert 'name="surface" value="treadmill" checked' in page
    assert 'name="duration_min" id="id_duration_min" min="1" max="300" value="20"' in page
    assert f'name="date" value="{TODAY.isoformat()}"' in page
    assert 'name="client_id"' in page


def test_a_posted_session_is_stored_from_the_phone(
    athlete_client: Client, athlete: Athlete
) -> None:
    data = running_session(athlete)

    response = athlete_client.post("/m/log/", data)

    assert response.status_code == 302
    assert response["Location"] == "/m/?saved=1"
    session = SessionLog.objects.get()
    assert session.athlete == athlete
    assert (session.activity, session.terrain, session.duration_min) == ("run", "flat", 25)
    assert (session.pain_during, session.pain_after) == (1, 1)
    assert session.source == "phone"
    assert str(session.client_id) == data["client_id"]
    assert "Session saved" in athlete_client.get(response["Location"]).content.decode()


def test_a_run_without_pain_during_is_refused_and_the_entries_kept(
    athlete_client: Client, athlete: Athlete
) -> None:
    response = athlete_client.post(
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


def test_an_error_in_the_more_section_opens_it(athlete_client: Client, athlete: Athlete) -> None:
    # A walk–run suggestion's intervals stay filled in when the athlete taps "Run":
    # the message must not hide in a closed section.
    response = athlete_client.post(
        "/m/log/",
        running_session(athlete, run_interval_sec="60", walk_interval_sec="90", repeats="10"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Run/walk intervals apply only to walk–run sessions." in page
    assert '<details class="more" open>' in page
    assert not SessionLog.objects.exists()


def test_a_valid_post_leaves_the_more_section_closed(athlete_client: Client) -> None:
    assert '<details class="more">' in athlete_client.get("/m/log/").content.decode()


def test_a_json_post_replaying_a_client_id_stores_one_session(
    athlete_client: Client, athlete: Athlete
) -> None:
    data = running_session(athlete)

    first = athlete_client.post("/m/log/", data, HTTP_ACCEPT="application/json")
    replay = athlete_client.post("/m/log/", data, HTTP_ACCEPT="application/json")

    assert first.status_code == 201
    assert replay.status_code == 200
    assert first.json() == {"id": replay.json()["id"], "created": True}
    assert replay.json()["created"] is False
    assert SessionLog.objects.count() == 1


def test_a_json_post_with_bad_input_answers_400_and_stores_nothing(
    athlete_client: Client, athlete: Athlete
) -> None:
    response = athlete_client.post(
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
    athlete_client: Client, athlete: Athlete, therapist: User
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

    response = athlete_client.post("/m/log/", data, HTTP_ACCEPT="application/json")

    assert response.status_code == 201
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


# --- Next-morning question --------------------------------------------------------------


def test_the_morning_question_asks_about_yesterdays_run_and_stores_the_answer(
    athlete_client: Client, athlete: Athlete
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)

    page = athlete_client.get("/m/").content.decode()
    assert "How does your knee feel this morning?" in page
    assert f'name="session" value="{yesterday.pk}"' in page

    response = athlete_client.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": "3"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/m/?saved=morning"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning == 3
    page = athlete_client.get(response["Location"]).content.decode()
    assert "How does your knee feel this morning?" not in page
    assert "your PT will see it" in page


def test_the_morning_question_is_not_asked_when_already_answered(
    athlete_client: Client, athlete: Athlete
) -> None:
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=1)

    page = athlete_client.get("/m/").content.decode()

    assert "How does your knee feel this morning?" not in page


@pytest.mark.parametrize(
    ("date", "activity"),
    [(TODAY, "walk"), (days_ago(3), "walk"), (days_ago(1), "strength")],
    ids=["today", "three-days-ago", "not-running"],
)
def test_the_morning_question_is_only_for_recent_running_sessions(
    athlete_client: Client, athlete: Athlete, date: dt.date, activity: str
) -> None:
    SessionLogFactory(athlete=athlete, date=date, activity=activity, pain_next_morning=None)

    assert "this morning?" not in athlete_client.get("/m/").content.decode()


def test_a_morning_answer_never_overwrites_what_the_pt_recorded_meanwhile(
    athlete_client: Client, athlete: Athlete, therapist: User
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)
    assert "this morning?" in athlete_client.get("/m/").content.decode()  # asked on the phone
    # …while the PT, on the phone with the athlete, records the answer first.
    services.session_log_update(
        session=yesterday, expected_version=yesterday.version, pain_next_morning=4
    )

    response = athlete_client.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": "1"}
    )

    assert response["Location"] == "/m/?error=answered"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning == 4
    page = athlete_client.get(response["Location"]).content.decode()
    assert "Your PT has already recorded this morning's pain" in page


def test_a_morning_answer_for_a_session_deleted_meanwhile_is_404(
    athlete_client: Client, athlete: Athlete
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)
    asked_about = yesterday.pk
    services.session_log_delete(session=yesterday)

    response = athlete_client.post(
        "/m/morning/", {"athlete": athlete.pk, "session": asked_about, "score": "1"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("score", ["11", "-1", "", "lots"])
def test_a_bad_morning_answer_changes_nothing(
    athlete_client: Client, athlete: Athlete, score: str
) -> None:
    yesterday = SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)

    response = athlete_client.post(
        "/m/morning/", {"athlete": athlete.pk, "session": yesterday.pk, "score": score}
    )

    assert response["Location"] == "/m/?error=morning"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning is None


# --- Rest-day check-in ------------------------------------------------------------------


def test_a_rest_day_check_in_stores_a_rest_pain_score(
    athlete_client: Client, athlete: Athlete
) -> None:
    assert "Rest day?" in athlete_client.get("/m/").content.decode()

    response = athlete_client.post("/m/check-in/", {"athlete": athlete.pk, "score": "2"})

    assert response["Location"] == "/m/?saved=checkin"
    score = PainScore.objects.get()
    assert (score.athlete, score.date, score.score, score.context) == (athlete, TODAY, 2, "rest")
    page = athlete_client.get(response["Location"]).content.decode()
    assert "Check-in saved." in page
    assert "Rest day?" not in page


def test_no_rest_day_check_in_is_asked_once_todays_session_is_logged(
    athlete_client: Client, athlete: Athlete
) -> None:
    SessionLogFactory(athlete=athlete, date=TODAY, pain_next_morning=None)
    assert "Rest day?" not in athlete_client.get("/m/").content.decode()


def test_a_bad_check_in_stores_nothing(athlete_client: Client, athlete: Athlete) -> None:
    response = athlete_client.post("/m/check-in/", {"athlete": athlete.pk, "score": "12"})

    assert response["Location"] == "/m/?error=checkin"
    assert not PainScore.objects.exists()


# --- Metronome and installable app -------------------------------------------------------


def test_the_metronome_shows_target_and_usual_cadence_and_why(athlete_client: Client) -> None:
    page = athlete_client.get("/m/metronome/").content.decode()

    assert 'data-target="179"' in page
    assert '<output id="spm" aria-live="polite">179</output>' in page
    assert "You usually run at <strong>170</strong>" in page
    assert "your target is <strong>179</strong>" in page
    assert "Why:" in page
    assert "Heiderscheit" in page


def test_the_manifest_is_valid_json_scoped_to_the_phone_pages(db: None) -> None:
    response = Client().get("/m/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["scope"] == "/m/"
    assert manifest["start_url"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"]
    assert all(icon["src"].startswith("/static/") for icon in manifest["icons"])


def test_the_service_worker_may_control_the_phone_pages(db: None) -> None:
    response = Client().get("/m/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/m/"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert body.startswith('const SHELL = ["/m/", "/m/log/", "/m/metronome/"')
    assert 'addEventListener("fetch"' in body


# --- Query budgets ----------------------------------------------------------------------


def _fill_history(athlete: Athlete, count: int) -> None:
    """Store ``count`` sessions spread over the stage so far (all of them count)."""
    SessionLog.objects.bulk_create(
        SessionLog(
            athlete=athlete,
            date=days_ago(i % 20),
            activity="walk",
            terrain="uphill",
            surface="treadmill",
            incline_percent=8,
            duration_min=30,
            intensity="easy",
            pain_during=1,
            pain_after=1,
            pain_next_morning=None if i % 20 == 1 else 1,
        )
        for i in range(count)
    )


# Both pages: the phone's session row; its link with athlete and clinic; the progression
# (sessions that count, the last running session before them, pain check-ins). The home
# page adds the morning question, the three recent sessions and today's check-in.
@pytest.mark.parametrize(("path", "budget"), [("/m/", 8), ("/m/log/", 5)])
def test_phone_pages_run_a_fixed_number_of_queries(
    athlete_client: Client,
    athlete: Athlete,
    path: str,
    budget: int,
    django_assert_max_num_queries: Any,
) -> None:
    def queries_for(history: int) -> int:
        SessionLog.objects.all().delete()
        _fill_history(athlete, history)
        with CaptureQueriesContext(connection) as captured:
            assert athlete_client.get(path).status_code == 200
        return len(captured)

    assert queries_for(10) == queries_for(2000)
    with django_assert_max_num_queries(budget):
        athlete_client.get(path)
