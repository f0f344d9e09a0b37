"""A request's token is found with its user in one query, and knox's checks all still hold.

The digest is compared (a token sharing another's 15-character key is refused), an
expired token is refused and deleted, ``AUTO_REFRESH`` moves the expiry as knox does,
and the cost is one query however many tokens the therapist holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_auth import TOKEN_AUTH_QUERIES

STAGES_URL = "/api/v1/stages/"  # the ladder is code: the request's only query is the token's


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("tokens", [1, 10], ids=["one-token", "ten-tokens"])
def test_a_token_is_checked_in_one_query_however_many_the_therapist_holds(
    therapist: User, django_assert_max_num_queries: Callable, tokens: int
) -> None:
    secret = AuthToken.objects.create(therapist)[1]
    for _ in range(tokens - 1):
        AuthToken.objects.create(therapist, expiry=dt.timedelta(seconds=-1))  # already expired

    with django_assert_max_num_queries(TOKEN_AUTH_QUERIES):
        response = client_with(secret).get(STAGES_URL)

    assert response.status_code == 200


def test_a_token_sharing_another_ones_key_is_refused(therapist: User) -> None:
    secret = AuthToken.objects.create(therapist)[1]
    forged = secret[:15] + ("0" if secret[15] != "0" else "1") + secret[16:]

    response = client_with(forged).get(STAGES_URL)

    assert response.status_code == 401
    assert client_with(secret).get(STAGES_URL).status_code == 200


def test_an_expired_token_is_refused_and_deleted(therapist: User, time_machine) -> None:
    token, secret = AuthToken.objects.create(therapist, expiry=dt.timedelta(days=30))
    client = client_with(secret)
    assert client.get(STAGES_URL).status_code == 200

    time_machine.move_to(token.expiry + dt.timedelta(seconds=1), tick=False)
    response = client.get(STAGES_URL)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_an_inactive_therapists_token_is_refused(therapist: User) -> None:
    secret = AuthToken.objects.create(therapist)[1]
    User.objects.filter(pk=therapist.pk).update(is_active=False)

    assert client_with(secret).get(STAGES_URL).status_code == 401


def test_with_auto_refresh_a_used_token_lives_on_from_its_last_use(
    therapist: User, settings, time_machine
) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH": True}
    token, secret = AuthToken.objects.create(therapist)
    ttl = settings.REST_KNOX["TOKEN_TTL"]

    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)
    assert client_with(secret).get(STAGES_URL).status_code == 200

    token.refresh_from_db()
    assert token.expiry == timezone.now() + ttl


def test_without_auto_refresh_a_token_expires_when_it_was_issued_to(
    therapist: User, time_machine
) -> None:
    token, secret = AuthToken.objects.create(therapist)
    issued_expiry = token.expiry

    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)
    assert client_with(secret).get(STAGES_URL).status_code == 200

    token.refresh_from_db()
    assert token.expiry == issued_expiry
