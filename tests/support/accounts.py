"""Helpers for tests about logins, passwords and tokens: as a browser and a clinic system act."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD


def logged_in_browser(
    user: User, password: str = DEFAULT_PASSWORD, address: str = "10.0.0.1"
) -> Client:
    """Return a browser logged in through the login page (a real session, as a PT has)."""
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302, "the login failed"
    return browser


def token_works(secret: str) -> bool:
    """Return whether an API token still opens the athlete list."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/athletes/").status_code == 200
