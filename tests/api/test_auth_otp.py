"""The token login of a user with two-step login needs ``otp`` (SPEC §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts import mfa
from itbrehab.accounts.api import LOCKED_OUT, OTP_REQUIRED
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support import clock
from tests.support.mfa import code_for, enrol

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def enrolled(therapist: User, time_machine: Any) -> tuple[str, list[str]]:
    """``therapist`` with an authenticator app; the clock moved to the next code window."""
    time_machine.move_to(clock.NOON, tick=False)
    secret_and_codes = enrol(therapist)
    time_machine.shift(dt.timedelta(seconds=30))
    return secret_and_codes


def log_in(email: str, **extra: str) -> Any:
    body = {"email": email, "password": DEFAULT_PASSWORD, **extra}
    return APIClient().post(TOKEN_URL, body, REMOTE_ADDR="203.0.113.10")


def test_without_otp_the_answer_is_400_naming_otp(therapist: User, enrolled: Any) -> None:
    response = log_in(therapist.email)

    assert response.status_code == 400
    assert response.json() == {"otp": [OTP_REQUIRED]}
    assert not AuthToken.objects.exists()


def test_a_wrong_otp_answers_401(therapist: User, enrolled: Any) -> None:
    response = log_in(therapist.email, otp="000000")

    assert response.status_code == 401
    assert response.json() == {"detail": mfa.CODE_WRONG, "code": "authentication_failed"}
    assert not AuthToken.objects.exists()


def test_the_current_code_gives_a_token(therapist: User, enrolled: tuple[str, list[str]]) -> None:
    response = log_in(therapist.email, otp=code_for(enrolled[0]))

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token", "expiry"}


def test_a_recovery_code_gives_a_token_once(
    therapist: User, enrolled: tuple[str, list[str]], time_machine: Any
) -> None:
    code = enrolled[1][0]

    assert log_in(therapist.email, otp=code).status_code == 200
    time_machine.shift(dt.timedelta(seconds=30))
    assert log_in(therapist.email, otp=code).status_code == 401


def test_wrong_codes_count_toward_the_lockout(
    therapist: User, enrolled: tuple[str, list[str]], time_machine: Any
) -> None:
    for _ in range(9):
        time_machine.shift(dt.timedelta(minutes=1))  # past the device's own wait
        assert log_in(therapist.email, otp="000000").status_code == 401

    tenth = log_in(therapist.email, otp="000000")

    assert tenth.status_code == 429
    assert tenth.json()["detail"].startswith(LOCKED_OUT)
    time_machine.shift(dt.timedelta(seconds=30))
    assert log_in(therapist.email, otp=code_for(enrolled[0])).status_code == 429


def test_the_schema_documents_otp(client: Any, db: None) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    otp = schema["components"]["schemas"]["LoginRequest"]["properties"]["otp"]
    assert "recovery code" in otp["description"]
    assert "otp" not in schema["components"]["schemas"]["LoginRequest"].get("required", [])
