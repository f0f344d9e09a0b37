"""The ``world`` the header tests fetch every kind of response from (see ``pages``)."""

from __future__ import annotations

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes import services
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, SessionLogFactory
from tests.headers.pages import World


@pytest.fixture
def world(therapist: User) -> World:
    """Sam (with one session and a phone link), and a client for each of their users."""
    athlete = AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")
    SessionLogFactory(athlete=athlete, pain_during=2, pain_after=3)
    _link, token = services.device_link_create(athlete=athlete, created_by=therapist)
    pt = Client()
    pt.force_login(therapist)
    phone = Client()
    assert phone.get(f"/m/link/{token}/").status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(therapist)[1]}")
    return World(therapist, athlete, token, pt, phone, api, Client())
