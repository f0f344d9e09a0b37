"""Personas of the RTM tests: a clinic system (``bearer``) beside the usual PTs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.services import api_client_create
from tests.api.oauth.conftest import token_for

Bearer = Callable[..., APIClient]


@pytest.fixture
def bearer(therapist: User) -> Bearer:
    """Return a maker of the clinic's API clients with the given scopes (real tokens)."""
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])

    def make(*scopes: str) -> APIClient:
        api_client, secret = api_client_create(admin=therapist, name="Front desk", scopes=scopes)
        client = APIClient()
        token = token_for(api_client.client_id, secret)["access_token"]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make
