"""A clinic system as the tests hold it: an API client with a real token of one therapist."""

from __future__ import annotations

from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts.models import User


def token_client(user: User) -> APIClient:
    """Return an API client that sends a fresh knox token of ``user`` with every request."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client
