"""``/api/v1/api-clients/``: clinic admins create, list and revoke; everyone else is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.models import ApiClient
from itbrehab.api_clients.services import NOT_A_CLINIC_ADMIN, api_client_create
from itbrehab.api_permissions import CLIENT_NOT_ALLOWED
from tests.api.oauth.conftest import Bearer
from tests.support.api import token_client

URL = "/api/v1/api-clients/"
pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def admin_api(admin: User) -> APIClient:
    return token_client(admin)


def test_the_secret_is_shown_once_and_stored_hashed(admin_api: APIClient) -> None:
    created = admin_api.post(URL, {"name": "Front desk", "scopes": ["read", "write"]})

    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) >= {"id", "name", "scopes", "client_id", "client_secret"}
    assert body["scopes"] == ["read", "write"]
    stored = Application.objects.get(client_id=body["client_id"])
    assert stored.client_secret != body["client_secret"]
    # Hashed as a password is (the tests' fast hasher here; PBKDF2 in production).
    assert check_password(body["client_secret"], stored.client_secret)
    listed = admin_api.get(URL)
    assert listed.status_code == 200
    assert body["client_secret"] not in listed.content.decode()
    assert "client_secret" not in listed.json()["results"][0]


def test_bad_input_is_400_naming_the_field_and_stores_nothing(admin_api: APIClient) -> None:
    for bad, field in (
        ({"name": "", "scopes": ["read"]}, "name"),
        ({"name": "Sync", "scopes": []}, "scopes"),
        ({"name": "Sync", "scopes": ["admin"]}, "scopes"),
        ({"scopes": ["read"]}, "name"),
    ):
        response = admin_api.post(URL, bad)
        assert response.status_code == 400, bad
        assert field in response.json(), response.json()
    assert not ApiClient.objects.exists()
    assert not Application.objects.exists()


def test_delete_revokes(admin_api: APIClient, admin: User) -> None:
    api_client, _ = api_client_create(admin=admin, name="Sync", scopes=["read"])

    response = admin_api.delete(f"{URL}{api_client.pk}/")
    again = admin_api.delete(f"{URL}{api_client.pk}/")

    assert response.status_code == 204
    assert again.status_code == 400
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None
    assert api_client.application is None


def test_a_therapist_who_is_no_admin_gets_403(colleague: User, admin: User) -> None:
    api_client, _ = api_client_create(admin=admin, name="Sync", scopes=["read"])
    api = token_client(colleague)

    for response in (
        api.get(URL),
        api.post(URL, {"name": "Mine", "scopes": ["read"]}),
        api.delete(f"{URL}{api_client.pk}/"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == NOT_A_CLINIC_ADMIN
    assert ApiClient.objects.count() == 1
    api_client.refresh_from_db()
    assert api_client.revoked_at is None


def test_another_clinics_client_answers_404(admin_api: APIClient, outsider: User) -> None:
    outsider.is_clinic_admin = True
    outsider.save()
    theirs, _ = api_client_create(admin=outsider, name="Theirs", scopes=["read"])

    assert admin_api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert admin_api.get(URL).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_anonymous_gets_401(db: None) -> None:
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("path", [URL, "/api/v1/audit-events/"])
def test_a_clients_token_is_refused_on_endpoints_for_people(bearer: Bearer, path: str) -> None:
    client, _ = bearer("read", "write")

    response = client.get(path)
    created = client.post(URL, {"name": "Another", "scopes": ["write"]})

    assert response.status_code == 403
    assert response.json()["detail"] == CLIENT_NOT_ALLOWED
    assert created.status_code == 403
    assert ApiClient.objects.count() == 1
