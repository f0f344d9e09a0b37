"""Opening a phone link: sign-in, refusals, rate limit, and the phone session's scope."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from athletes import services
from athletes.models import Athlete, AthleteStatus, DeviceLink, SessionLog
from athletes.phone.access import OPEN_RATE_LIMIT
from itbrehab.accounts.models import User
from tests.athletes.phone.forms import running_session
from tests.factories import AthleteFactory, SessionLogFactory
from tests.support.clock import MORNING, days_ago

pytestmark = pytest.mark.usefixtures("wednesday_morning")


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
    phone: Client, link: tuple[DeviceLink, str], time_machine: Any
) -> None:
    # Installed on the home screen, the app opens at /m/: there is no link to tap again.
    time_machine.move_to(link[0].expires_at - dt.timedelta(hours=1), tick=False)

    assert phone.get("/m/").status_code == 200


def test_a_discharged_athletes_link_is_refused(
    athlete: Athlete, link: tuple[DeviceLink, str]
) -> None:
    services.athlete_update(athlete=athlete, status=AthleteStatus.DISCHARGED)

    response = Client().get(f"/m/link/{link[1]}/")

    assert response.status_code == 410


def test_a_signed_in_phone_loses_access_when_the_link_is_revoked(
    phone: Client, link: tuple[DeviceLink, str]
) -> None:
    assert phone.get("/m/").status_code == 200
    services.device_link_revoke(link=link[0])

    assert phone.get("/m/").status_code == 410
    # The phone session is ended too: the next page does not even know the link.
    assert phone.get("/m/log/").status_code == 404
    assert phone.post("/m/log/", running_session(link[0].athlete)).status_code == 404
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
    phone: Client, athlete: Athlete
) -> None:
    services.athlete_update(athlete=athlete, status=AthleteStatus.DISCHARGED)

    assert phone.get("/m/log/").status_code == 410


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
    phone: Client, link: tuple[DeviceLink, str]
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
    phone: Client, athlete: Athlete, path: str
) -> None:
    response = phone.get(path.format(id=athlete.pk))

    assert response.status_code == 404


def test_a_phone_session_cannot_open_another_athletes_page(phone: Client, therapist: User) -> None:
    other = AthleteFactory(therapist=therapist)

    assert phone.get(f"/athletes/{other.pk}/").status_code == 404


def test_a_phone_cannot_answer_for_another_athletes_session(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    theirs = SessionLogFactory(
        athlete=AthleteFactory(therapist=therapist), date=days_ago(1), pain_next_morning=None
    )

    response = phone.post(
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
def test_wrong_methods_are_405(phone: Client, method: str, path: str) -> None:
    assert getattr(phone, method)(path).status_code == 405
