"""Personas of the API-clients tests: ``therapist`` is the clinic's admin; clients get tokens.

``bearer`` gives an API client of the clinic with those scopes, holding a real token from
``POST /o/token/`` (client credentials, the id and secret by HTTP Basic).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.models import ApiClient
from itbrehab.api_clients.services import api_client_create

Bearer = Callable[..., tuple[APIClient, ApiClient]]


@pytest.fixture
def admin(therapist: User) -> User:
    """``therapist``, made the clinic's admin."""
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    return therapist


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_for(client_id: str, secret: str, **form: str) -> dict:
    """Ask ``/o/token/`` for a client-credentials token; return the JSON answer (asserts 200)."""
    response = APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials", **form},
        format="multipart",
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def bearer(admin: User) -> Bearer:
    def make(*scopes: str, name: str = "Front desk") -> tuple[APIClient, ApiClient]:
        api_client, secret = api_client_create(admin=admin, name=name, scopes=scopes)
        token = token_for(api_client.client_id, secret)["access_token"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client, api_client

    return make
