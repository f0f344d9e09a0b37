"""The athlete's phone as the tests hold it: a browser signed in by opening a link."""

from __future__ import annotations

from django.test import Client

from athletes import services
from athletes.models import Athlete


def signed_in_phone(token: str) -> Client:
    """Return a fresh browser that opened the link with ``token`` (and was signed in)."""
    phone = Client()
    assert phone.get(f"/m/link/{token}/").status_code == 302
    return phone


def phone_of(athlete: Athlete) -> Client:
    """Return ``athlete``'s phone, signed in with a fresh link from their therapist."""
    _link, token = services.device_link_create(athlete=athlete, created_by=athlete.therapist)
    return signed_in_phone(token)
