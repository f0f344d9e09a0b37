"""The athlete's phone as the browser tests hold it: its size, and the steps every journey takes."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from athletes import services
from athletes.models import Athlete, DeviceLink

# A phone in the hand: 390 × 844 at 3×, touch, in the clinic's language and zone.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "service_workers": "allow",
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}


def open_link(page: Page, athlete: Athlete) -> DeviceLink:
    """Open a fresh phone link for the athlete as the text message would."""
    link, token = services.device_link_create(athlete=athlete, created_by=athlete.therapist)
    page.goto(f"/m/link/{token}/")
    expect(page).to_have_url(re.compile(r"/m/$"))
    expect(page.get_by_role("heading", name=f"Hi {athlete.first_name}")).to_be_visible()
    return link


def pain_button(page: Page, field: str, value: int) -> Locator:
    return page.locator(f"label.pain-button:has(input[name={field}][value='{value}'])")


def outbox_emptied(page: Page) -> None:
    """Wait until the phone has sent everything it kept (the server has answered)."""
    # A function, not a bare expression: Playwright polls an expression through eval(),
    # which the pages' Content-Security-Policy refuses (as it should).
    page.wait_for_function("() => localStorage.getItem('itbrehab-outbox') === '[]'")
