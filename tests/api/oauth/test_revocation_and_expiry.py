"""Revoking a client ends its tokens at once; a token ends an hour after it was issued."""

from __future__ import annotations

import datetime as dt

import pytest
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.api_clients.services import api_client_create, api_client_revoke
from tests.api.oauth.conftest import Bearer, basic


def test_revoking_a_client_refuses_its_token_on_the_next_request(
    bearer: Bearer, admin: User, ana: Athlete
) -> None:
    client, api_client = bearer("read")
    assert client.get("/api/v1/athletes/").status_code == 200

    api_client_revoke(admin=admin, api_client=api_client)

    assert client.get("/api/v1/athletes/").status_code == 401
    assert not AccessToken.objects.exists()
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None


def test_a_revoked_client_gets_no_new_token(admin: User) -> None:
    api_client, secret = api_client_create(admin=admin, name="Old sync", scopes=["read"])
    api_client_revoke(admin=admin, api_client=api_client)

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        format="multipart",
        HTTP_AUTHORIZATION=basic(api_client.client_id, secret),
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not Application.objects.exists()


def test_a_token_lasts_an_hour(bearer: Bearer, ana: Athlete, time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False)
    client, _ = bearer("read")

    time_machine.move_to(dt.datetime(2026, 3, 4, 12, 59, tzinfo=dt.UTC), tick=False)
    assert client.get("/api/v1/athletes/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 4, 13, 0, 1, tzinfo=dt.UTC), tick=False)
    assert client.get("/api/v1/athletes/").status_code == 401


@pytest.mark.usefixtures("now")
def test_the_token_answer_says_it_expires_in_an_hour(admin: User) -> None:
    from tests.api.oauth.conftest import token_for

    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read"])
    answer = token_for(api_client.client_id, secret)

    assert answer["expires_in"] == 3600
    assert answer["token_type"] == "Bearer"
    assert "refresh_token" not in answer


@pytest.mark.usefixtures("now")
def test_the_secret_may_come_in_the_form_instead(admin: User) -> None:
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read"])

    response = APIClient().post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": api_client.client_id,
            "client_secret": secret,
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content


@pytest.mark.usefixtures("now")
def test_a_wrong_secret_gets_no_token(admin: User) -> None:
    api_client, _ = api_client_create(admin=admin, name="Sync", scopes=["read"])

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        format="multipart",
        HTTP_AUTHORIZATION=basic(api_client.client_id, "not-the-secret"),
    )

    assert response.status_code == 401
    assert not AccessToken.objects.exists()


def test_delete_auth_token_with_a_clients_token_revokes_that_token(
    bearer: Bearer, ana: Athlete
) -> None:
    client, _ = bearer("read")
    other, _ = bearer("read")

    assert client.delete("/api/v1/auth/token/").status_code == 204

    assert client.get("/api/v1/athletes/").status_code == 401
    assert other.get("/api/v1/athletes/").status_code == 200  # only the token in use
