"""A user holds at most 10 API tokens (SPEC §7): the 11th login answers 403, clearly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.accounts.services import API_TOKEN_LIMIT_REACHED
from tests.factories import DEFAULT_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 10


def _log_in(user: User) -> Any:
    return APIClient().post(TOKEN_URL, {"email": user.email, "password": DEFAULT_PASSWORD})


def _token_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_eleventh_login_is_refused_with_a_clear_error(therapist: User) -> None:
    secrets = [_log_in(therapist).json()["token"] for _ in range(LIMIT)]

    response = _log_in(therapist)

    assert response.status_code == 403
    assert response.json() == {
        "detail": API_TOKEN_LIMIT_REACHED.format(limit=LIMIT),
        "code": "token_limit_reached",
    }
    assert AuthToken.objects.filter(user=therapist).count() == LIMIT
    # The ten keep working.
    assert all(_token_client(s).get("/api/v1/athletes/").status_code == 200 for s in secrets)


def test_revoking_one_makes_room_for_the_next(therapist: User) -> None:
    secrets = [_log_in(therapist).json()["token"] for _ in range(LIMIT)]
    assert _log_in(therapist).status_code == 403

    assert _token_client(secrets[0]).delete(TOKEN_URL).status_code == 204

    assert _log_in(therapist).status_code == 200
    assert _log_in(therapist).status_code == 403


def test_expired_tokens_do_not_count(therapist: User, time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    for _ in range(LIMIT):
        AuthToken.objects.create(therapist, expiry=dt.timedelta(days=1))
    live = [AuthToken.objects.create(therapist)[1] for _ in range(3)]
    time_machine.move_to(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)

    statuses = [_log_in(therapist).status_code for _ in range(LIMIT - 3 + 1)]

    assert statuses == [200] * (LIMIT - 3) + [403]
    # The expired ones were cleaned away; the live ones are untouched.
    assert AuthToken.objects.filter(user=therapist).count() == LIMIT
    assert all(_token_client(s).get("/api/v1/athletes/").status_code == 200 for s in live)


def test_the_limit_is_per_user(therapist: User, colleague: User) -> None:
    for _ in range(LIMIT):
        _log_in(therapist)

    assert _log_in(colleague).status_code == 200


def test_a_wrong_password_at_the_limit_still_answers_401(therapist: User) -> None:
    # The limit is only told to someone who proved the password.
    for _ in range(LIMIT):
        _log_in(therapist)

    response = APIClient().post(TOKEN_URL, {"email": therapist.email, "password": "wrong-one"})

    assert response.status_code == 401


def test_the_schema_documents_the_limit(db: None) -> None:
    schema = Client().get("/api/schema/?format=json").json()
    responses = schema["paths"][TOKEN_URL]["post"]["responses"]

    assert "403" in responses
    assert "token_limit_reached" in responses["403"]["description"]
    assert f"{LIMIT} live tokens" in responses["403"]["description"]


@pytest.mark.parametrize("limit", [1, 3])
def test_the_limit_is_knoxs_setting(therapist: User, settings: Any, limit: int) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": limit}

    statuses = [_log_in(therapist).status_code for _ in range(limit + 1)]

    assert statuses == [200] * limit + [403]
    assert _log_in(therapist).json()["detail"] == API_TOKEN_LIMIT_REACHED.format(limit=limit)
