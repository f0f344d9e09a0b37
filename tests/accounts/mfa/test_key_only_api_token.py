"""The API cannot use a security key: a key-only therapist's token login needs a recovery code.

SPEC §8: ``POST /api/v1/auth/token/`` needs ``otp`` (a current TOTP code or an unused
recovery code) from every user with two-step login. A key counts as two-step login, so
its owner never gets a token on the password alone.
"""

from __future__ import annotations

from typing import Any

from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts import mfa, passkeys
from itbrehab.accounts.api import OTP_REQUIRED, OTP_REQUIRED_KEY_ONLY
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.mfa import add_key, enrol

TOKEN_URL = "/api/v1/auth/token/"


def _key_only(user: User) -> list[str]:
    _, codes = passkeys.key_register(user=user, complete=lambda: add_key(user), keep_session=None)
    return codes


def log_in(email: str, **extra: str) -> Any:
    body = {"email": email, "password": DEFAULT_PASSWORD, **extra}
    return APIClient().post(TOKEN_URL, body, REMOTE_ADDR="203.0.113.10")


def test_without_otp_a_key_only_therapist_is_told_to_send_a_recovery_code(
    therapist: User,
) -> None:
    _key_only(therapist)

    response = log_in(therapist.email)

    assert response.status_code == 400
    assert response.json() == {"otp": [OTP_REQUIRED_KEY_ONLY]}
    assert "recovery code" in OTP_REQUIRED_KEY_ONLY
    assert "authenticator app" in OTP_REQUIRED_KEY_ONLY
    assert not AuthToken.objects.exists()


def test_with_require_mfa_the_answer_is_the_same_400(therapist: User, settings: Any) -> None:
    settings.REQUIRE_MFA = True
    _key_only(therapist)

    response = log_in(therapist.email)

    assert (response.status_code, response.json()) == (400, {"otp": [OTP_REQUIRED_KEY_ONLY]})
    assert not AuthToken.objects.exists()


def test_a_six_digit_code_is_wrong_without_an_app(therapist: User) -> None:
    _key_only(therapist)

    response = log_in(therapist.email, otp="123456")

    assert response.status_code == 401
    assert response.json()["detail"] == mfa.CODE_WRONG
    assert not AuthToken.objects.exists()


def test_a_recovery_code_gives_a_key_only_therapist_a_token(therapist: User) -> None:
    codes = _key_only(therapist)

    response = log_in(therapist.email, otp=codes[0])

    assert response.status_code == 200, response.content
    assert AuthToken.objects.filter(user=therapist).count() == 1
    assert mfa.recovery_codes_left(therapist) == len(codes) - 1


def test_with_an_app_and_a_key_the_answer_asks_for_the_apps_code(therapist: User) -> None:
    enrol(therapist)
    add_key(therapist)

    response = log_in(therapist.email)

    assert (response.status_code, response.json()) == (400, {"otp": [OTP_REQUIRED]})
