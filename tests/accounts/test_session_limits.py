"""A therapist's browser session ends after 30 idle minutes and 12 hours in any case (SPEC §7).

Phone sessions (a link, no user) are not affected; the session-authenticated API answers
401 JSON instead of a redirect; the last-seen time is written at most once a minute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.models import Athlete
from athletes.services import device_link_create
from itbrehab.accounts.browser_sessions import (
    SEEN_KEY,
    SESSION_ENDED_CODE,
    SESSION_IDLE_ENDED,
    SESSION_TOO_OLD,
    STARTED_KEY,
)
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory

LOGGED_IN_AT = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)
IDLE_ENDED = SESSION_IDLE_ENDED.format(minutes=30)
TOO_OLD = SESSION_TOO_OLD.format(hours=12)


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Stop the clock at the moment of login; ``clock(minutes)`` moves to that many after."""
    time_machine.move_to(LOGGED_IN_AT, tick=False)

    def move(minutes: float) -> None:
        time_machine.move_to(LOGGED_IN_AT + dt.timedelta(minutes=minutes), tick=False)

    return move


@pytest.fixture
def pt_browser(therapist: User, clock: Any) -> Client:
    """A therapist's browser, logged in through the login page at ``LOGGED_IN_AT``."""
    browser = Client()
    response = browser.post(
        reverse("login"), {"username": therapist.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return browser


def _dashboard(browser: Client) -> Any:
    return browser.get(reverse("dashboard"))


def _ended_on_the_login_page(browser: Client, message: str) -> None:
    response = _dashboard(browser)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('dashboard')}"
    page = browser.get(response["Location"])
    assert page.status_code == 200
    assert message in page.content.decode()
    # Logged out for good: the next visit goes to the login page too, without the message.
    again = _dashboard(browser)
    assert again.status_code == 302
    assert message not in browser.get(again["Location"]).content.decode()


# --- Idle -------------------------------------------------------------------------------


def test_29_minutes_idle_keeps_the_therapist_logged_in(pt_browser: Client, clock: Any) -> None:
    clock(29)

    assert _dashboard(pt_browser).status_code == 200


def test_31_minutes_idle_logs_the_therapist_out_and_says_why(
    pt_browser: Client, clock: Any
) -> None:
    clock(31)

    _ended_on_the_login_page(pt_browser, IDLE_ENDED)


def test_the_idle_time_counts_from_the_last_request(pt_browser: Client, clock: Any) -> None:
    clock(25)
    assert _dashboard(pt_browser).status_code == 200
    clock(25 + 29)
    assert _dashboard(pt_browser).status_code == 200
    clock(25 + 29 + 31)

    _ended_on_the_login_page(pt_browser, IDLE_ENDED)


def test_logging_in_again_after_the_idle_end_returns_to_the_page(
    pt_browser: Client, therapist: User, clock: Any
) -> None:
    clock(45)
    login_url = _dashboard(pt_browser)["Location"]

    response = pt_browser.post(
        login_url,
        {"username": therapist.email, "password": DEFAULT_PASSWORD, "next": "/dashboard/"},
    )

    assert response["Location"] == reverse("dashboard")
    assert _dashboard(pt_browser).status_code == 200
    clock(45 + 29)  # the clocks started again at the new login
    assert _dashboard(pt_browser).status_code == 200


# --- Absolute ---------------------------------------------------------------------------


def test_a_session_active_every_10_minutes_still_ends_after_12_hours(
    pt_browser: Client, clock: Any
) -> None:
    for minutes in range(10, 12 * 60, 10):
        clock(minutes)
        assert _dashboard(pt_browser).status_code == 200, f"{minutes} min after login"
    clock(12 * 60)

    _ended_on_the_login_page(pt_browser, TOO_OLD)


def test_the_limits_come_from_settings(pt_browser: Client, clock: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=5)
    clock(6)

    _ended_on_the_login_page(pt_browser, SESSION_IDLE_ENDED.format(minutes=5))


# --- What it costs ----------------------------------------------------------------------


def _session_writes(browser: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _dashboard(browser).status_code == 200
    return sum(
        1
        for query in captured.captured_queries
        if "django_session" in query["sql"] and not query["sql"].lstrip().startswith("SELECT")
    )


def test_the_last_seen_time_is_written_at_most_once_a_minute(
    pt_browser: Client, clock: Any
) -> None:
    clock(0.25)
    assert _session_writes(pt_browser) == 0  # logging in wrote it
    clock(0.9)
    assert _session_writes(pt_browser) == 0
    clock(1)
    assert _session_writes(pt_browser) == 1
    clock(1.5)
    assert _session_writes(pt_browser) == 0


def test_the_session_expiry_follows_the_deadline(pt_browser: Client, clock: Any) -> None:
    # Row and cookie outlive the deadline by an hour, so a late request learns why it
    # ended; after that hour the session is gone altogether.
    clock(5)
    _dashboard(pt_browser)
    assert pt_browser.session.get_expiry_date() == LOGGED_IN_AT + dt.timedelta(minutes=95)
    clock(5 + 30 + 61)

    response = _dashboard(pt_browser)
    assert response.status_code == 302
    assert IDLE_ENDED not in pt_browser.get(response["Location"]).content.decode()


def test_a_session_from_before_the_limits_starts_its_clocks_at_its_next_request(
    therapist: User, clock: Any
) -> None:
    browser = Client()
    browser.force_login(therapist)
    session = browser.session
    # As a session logged in before this change: the login, no clocks, the default expiry.
    del session[STARTED_KEY], session[SEEN_KEY]
    session.set_expiry(None)
    session.save()
    clock(60)
    assert _dashboard(browser).status_code == 200
    clock(60 + 29)
    assert _dashboard(browser).status_code == 200
    clock(60 + 29 + 31)

    assert _dashboard(browser).status_code == 302


# --- Not affected -----------------------------------------------------------------------


@pytest.fixture
def phone(therapist: User, clock: Any) -> Client:
    """An athlete's phone, signed in with a 30-day link opened at ``LOGGED_IN_AT``."""
    athlete: Athlete = AthleteFactory(therapist=therapist)
    _link, token = device_link_create(athlete=athlete, created_by=therapist)
    phone = Client()
    assert phone.get(reverse("phone:open", kwargs={"token": token})).status_code == 302
    return phone


def test_a_phone_session_is_not_ended_by_idle_time_or_age(phone: Client, clock: Any) -> None:
    clock(31)
    assert phone.get(reverse("phone:home")).status_code == 200
    clock(13 * 60)
    assert phone.get(reverse("phone:home")).status_code == 200
    clock(13 * 60 + 10 * 24 * 60)
    assert phone.get(reverse("phone:home")).status_code == 200


def test_a_token_client_is_not_affected(api_client: APIClient, clock: Any) -> None:
    clock(13 * 60)

    assert api_client.get("/api/v1/athletes/").status_code == 200


# --- The API with a browser session -------------------------------------------------------


def test_the_session_api_answers_401_json_once_the_session_ended(
    pt_browser: Client, clock: Any
) -> None:
    clock(10)
    assert pt_browser.get("/api/v1/athletes/").status_code == 200
    clock(10 + 31)

    response = pt_browser.get("/api/v1/athletes/")

    assert response.status_code == 401
    assert response.json() == {"detail": IDLE_ENDED, "code": SESSION_ENDED_CODE}
    assert response["WWW-Authenticate"] == "Token"
    assert pt_browser.get("/api/v1/athletes/").status_code == 401  # logged out for good


def test_a_request_with_a_token_beside_an_ended_session_uses_the_token(
    pt_browser: Client, therapist: User, clock: Any
) -> None:
    from knox.models import AuthToken

    _token, secret = AuthToken.objects.create(therapist)
    clock(31)

    response = pt_browser.get("/api/v1/athletes/", HTTP_AUTHORIZATION=f"Token {secret}")

    assert response.status_code == 200
    assert _dashboard(pt_browser).status_code == 302  # the session itself has ended


def test_the_token_login_works_beside_an_ended_session(
    pt_browser: Client, therapist: User, clock: Any
) -> None:
    clock(31)

    response = pt_browser.post(
        "/api/v1/auth/token/",
        {"email": therapist.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token", "expiry"}
    assert _dashboard(pt_browser).status_code == 302  # the session itself has ended
