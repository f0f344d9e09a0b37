"""``read`` allows the safe methods, ``write`` the rest; a wrong scope answers 403 and says so."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from itbrehab.api_permissions import CLIENT_NEEDS_READ, CLIENT_NEEDS_WRITE
from tests.api.oauth.conftest import Bearer, basic
from tests.api.sessions_api.calls import WALK

pytestmark = pytest.mark.usefixtures("now")


def test_a_read_token_cannot_write(bearer: Bearer, ana: Athlete) -> None:
    client, _ = bearer("read")

    response = client.post(f"/api/v1/athletes/{ana.pk}/sessions/", {**WALK, "date": "2026-03-03"})

    assert response.status_code == 403
    assert response.json()["detail"] == CLIENT_NEEDS_WRITE.format(method="POST")
    assert not ana.sessions.exists()


def test_a_write_only_token_cannot_read(bearer: Bearer, ana: Athlete) -> None:
    client, _ = bearer("write")

    response = client.get(f"/api/v1/athletes/{ana.pk}/")

    assert response.status_code == 403
    assert response.json()["detail"] == CLIENT_NEEDS_READ


def test_a_token_carries_only_the_scope_it_asked_for(bearer: Bearer, ana: Athlete) -> None:
    from rest_framework.test import APIClient

    from itbrehab.accounts.models import User
    from itbrehab.api_clients.services import api_client_create
    from tests.api.oauth.conftest import token_for

    admin = User.objects.get(is_clinic_admin=True)
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read", "write"])
    answer = token_for(api_client.client_id, secret, scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {answer['access_token']}")

    assert answer["scope"] == "read"
    assert client.post(f"/api/v1/athletes/{ana.pk}/pain-scores/", {}).status_code == 403


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(bearer: Bearer) -> None:
    from rest_framework.test import APIClient

    from itbrehab.accounts.models import User
    from itbrehab.api_clients.services import api_client_create

    admin = User.objects.get(is_clinic_admin=True)
    api_client, secret = api_client_create(admin=admin, name="Reader", scopes=["read"])

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read write"},
        format="multipart",
        HTTP_AUTHORIZATION=basic(api_client.client_id, secret),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_only_the_client_credentials_grant_is_served(bearer: Bearer) -> None:
    from rest_framework.test import APIClient

    from itbrehab.accounts.models import User
    from itbrehab.api_clients.services import api_client_create

    admin = User.objects.get(is_clinic_admin=True)
    admin.set_password("the right password 42")
    admin.save()
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read"])

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "password", "username": admin.email, "password": "the right password 42"},
        format="multipart",
        HTTP_AUTHORIZATION=basic(api_client.client_id, secret),
    )

    assert response.status_code in (400, 401)
    assert response.json()["error"] == "unauthorized_client"
    assert APIClient().get("/o/authorize/").status_code == 404
