"""Two-step login in Chromium (SPEC §8): enrol from the secret shown, then log in with a code.

The codes are computed here from the secret the page shows, as an authenticator app
would compute them; nothing is read from the server's rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, ClinicFactory, TherapistFactory
from tests.support.mfa import away_from_a_window_edge, code_for

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "pt@riverside.example"


def _log_in_with_password(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _log_out(page: Page, url: str) -> None:
    page.get_by_role("button", name="Log out").first.click()
    expect(page).to_have_url(f"{url}/accounts/login/")


def test_a_therapist_enrols_then_logs_in_with_password_and_code(
    page: Page, live_server: Any, settings: Any, console_errors: list[str]
) -> None:
    settings.REQUIRE_MFA = True
    TherapistFactory(email=EMAIL, clinic=ClinicFactory(name="Riverside Physio"))
    url = live_server.url

    # Required and not enrolled: the first page after the password is the enrolment.
    _log_in_with_password(page, url)
    expect(page).to_have_url(f"{url}/accounts/security/")
    expect(page.get_by_role("heading", name="Turn on an authenticator app")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    away_from_a_window_edge()  # the code and its check in one window (see the helper)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Save these recovery codes now")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    _log_out(page, url)

    # Password, then the code page; nothing else opens in between.
    _log_in_with_password(page, url)
    expect(page).to_have_url(f"{url}/accounts/login/code/?next=%2Fdashboard%2F")
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(f"{url}/accounts/login/code/?next=%2Fdashboard%2F")
    # The enrolment used this 30-second window's code: the app's next one also counts.
    page.get_by_label("Code").fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Go on").click()
    expect(page).to_have_url(f"{url}/dashboard/")
    expect(page.get_by_role("heading", name="Athletes")).to_be_visible()
    _log_out(page, url)

    # A recovery code works once.
    _log_in_with_password(page, url)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Go on").click()
    expect(page).to_have_url(f"{url}/dashboard/")
    expect(page.get_by_role("status")).to_contain_text("You used a recovery code: 9 left")
    _log_out(page, url)
    _log_in_with_password(page, url)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Go on").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert console_errors == []
