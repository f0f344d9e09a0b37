"""Personas of the Team page: ``therapist`` is the clinic's admin, ``colleague`` a plain PT."""

from __future__ import annotations

import pytest
from django.test import Client

from itbrehab.accounts.models import User


@pytest.fixture
def admin(therapist: User) -> User:
    """``therapist``, made the clinic's admin."""
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    return therapist


@pytest.fixture
def admin_browser(admin: User) -> Client:
    """The admin, logged in to the PT pages."""
    browser = Client()
    browser.force_login(admin)
    return browser


@pytest.fixture
def colleague_browser(colleague: User) -> Client:
    """The colleague, logged in on a browser of their own."""
    browser = Client()
    browser.force_login(colleague)
    return browser
