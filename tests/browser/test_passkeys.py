"""A passkey in Chromium (SPEC §8): add one on the Security page, then log in with it.

Chromium's virtual authenticator (DevTools' WebAuthn domain) plays the therapist's device:
a platform passkey (CTAP2, built in, discoverable, with user verification) that says yes
at once. The browser, django-otp-webauthn's script and the server do the rest for real:
the options, the signature, its check, under the strict Content-Security-Policy.

WebAuthn needs a secure context and a relying party id that is a domain, so the live
server is opened as ``localhost`` (pytest-django's default address), never ``127.0.0.1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page, expect

from tests.factories import DEFAULT_PASSWORD, ClinicFactory, TherapistFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "pt@riverside.example"


@pytest.fixture
def keys_here(live_server: Any, settings: Any) -> str:
    """Let keys work on the live server: its host is the relying party, its URL the origin."""
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def authenticator(page: Page) -> Iterator[tuple[CDPSession, str]]:
    """A passkey built into this browser's device, which approves every request at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield cdp, added["authenticatorId"]
    cdp.send("WebAuthn.disable")


def _log_in_with_password(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_therapist_adds_a_passkey_then_logs_in_with_password_and_the_key(
    page: Page,
    keys_here: str,
    authenticator: tuple[CDPSession, str],
    settings: Any,
    console_errors: list[str],
) -> None:
    settings.REQUIRE_MFA = True
    TherapistFactory(email=EMAIL, clinic=ClinicFactory(name="Riverside Physio"))
    url = keys_here
    cdp, authenticator_id = authenticator

    # Required and not enrolled: the enrolment offers the app and the key side by side.
    _log_in_with_password(page, url)
    expect(page).to_have_url(f"{url}/accounts/security/")
    expect(page.get_by_role("heading", name="Turn on an authenticator app")).to_be_visible()
    add = page.get_by_role("button", name="Add a security key or passkey")
    expect(add).to_be_visible()
    add.click()

    # The first key turns two-step login on and shows the recovery codes once.
    expect(page.get_by_role("heading", name="Save these recovery codes now")).to_be_visible()
    assert len(page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()) == 10
    expect(page.get_by_role("status").first).to_contain_text("Two-step login is on")
    keys = page.get_by_test_id("security-keys")
    expect(keys.get_by_role("rowheader")).to_have_text(["Passkey"])
    expect(keys).to_contain_text("not yet")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1
    page.get_by_role("button", name="Log out").first.click()
    expect(page).to_have_url(f"{url}/accounts/login/")

    # Password, then the key on the code page: the page asked for opens.
    page.goto(f"{url}/athletes/new/")
    expect(page).to_have_url(f"{url}/accounts/login/?next=/athletes/new/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{url}/accounts/login/code/?next=%2Fathletes%2Fnew%2F")
    page.goto(f"{url}/dashboard/")  # nothing opens before the second step
    expect(page).to_have_url(f"{url}/accounts/login/code/?next=%2Fdashboard%2F")
    page.get_by_role("button", name="Use your security key or passkey").click()
    expect(page).to_have_url(f"{url}/dashboard/")
    expect(page.get_by_role("heading", name="Athletes")).to_be_visible()

    # The key's signature was counted: the Security page shows when it was last used.
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_test_id("security-keys")).not_to_contain_text("not yet")
    assert console_errors == []


def test_a_browser_without_webauthn_is_told_why_there_is_no_button(
    page: Page, keys_here: str, console_errors: list[str]
) -> None:
    TherapistFactory(email=EMAIL, clinic=ClinicFactory(name="Riverside Physio"))
    # As in a browser with no WebAuthn at all: the API is gone before any script runs.
    page.add_init_script("delete window.PublicKeyCredential")

    _log_in_with_password(page, keys_here)
    page.goto(f"{keys_here}/accounts/security/")

    expect(page.get_by_test_id("keys-unavailable")).to_contain_text(
        "This browser does not offer security keys or passkeys"
    )
    expect(page.get_by_role("button", name="Add a security key or passkey")).to_have_count(0)
    assert console_errors == []
