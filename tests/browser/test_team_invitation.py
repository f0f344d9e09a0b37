"""A clinic admin invites a colleague in Chromium; the colleague sets a password from the email."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, ClinicFactory, TherapistFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Cadence-plus-five-percent"


def test_an_admin_invites_a_colleague_who_sets_a_password_and_lands_on_the_dashboard(
    page: Page, live_server: Any, settings: Any, console_errors: list[str]
) -> None:
    settings.SITE_URL = live_server.url  # the emailed link starts with SITE_URL
    TherapistFactory(
        email="hannah@riverside.example",
        clinic=ClinicFactory(name="Riverside Physio"),
        is_clinic_admin=True,
    )
    base = live_server.url

    page.goto(f"{base}/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill("hannah@riverside.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    page.get_by_label("Email").fill("nia@riverside.example")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to nia@riverside.example")
    expect(page.get_by_role("row", name=re.compile("Nia Okafor"))).to_contain_text("Invited")
    page.get_by_role("button", name="Log out").click()

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/invitation/\S+/", mail.outbox[0].body)
    assert link
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set your password").click()

    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Athletes")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Riverside Physio")
    expect(page.locator(".who")).to_contain_text("Nia Okafor")
    assert console_errors == []
