"""A PT logs in through the real login page in Chromium and lands on the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, AthleteFactory, ClinicFactory, TherapistFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_therapist_logs_in_and_sees_their_athletes(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    therapist = TherapistFactory(
        email="pt@riverside.example", clinic=ClinicFactory(name="Riverside Physio")
    )
    AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")

    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill("PT@Riverside.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Athletes")).to_be_visible()
    expect(page.get_by_role("row", name="Sam Okafor")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Riverside Physio")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    assert console_errors == []


def test_a_wrong_password_is_refused_with_a_message(page: Page, live_server: Any) -> None:
    TherapistFactory(email="pt@riverside.example")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("pt@riverside.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct email address and password")
    expect(page.get_by_label("Email")).to_have_value("pt@riverside.example")
