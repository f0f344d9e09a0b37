"""The gate is met, and the PT decides (SPEC §1, §3), in real Chromium.

An athlete whose uphill-walk gate is met is told so on the phone, but is still given this
stage's walk: never the next stage's walk–run before the PT has recorded the advance.
The PT sees on the athlete page what advancing would start, records the advance through
the review form, and the phone then starts the next stage with that session.

Dates are relative to the clinic's real today (the live server runs on the real clock).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import Clinic, User
from tests.browser.phone import PHONE
from tests.factories import (
    DEFAULT_PASSWORD,
    AthleteFactory,
    ClinicFactory,
    SessionLogFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pt() -> User:
    clinic: Clinic = ClinicFactory(name="Riverside Physio", time_zone="Europe/London")
    return TherapistFactory(
        clinic=clinic, email="hannah@riverside.example", first_name="Hannah", last_name="Reid"
    )


@pytest.fixture
def athlete(pt: User) -> Athlete:
    """Vic: two tolerated 30-min uphill treadmill walks at 8%, on different days."""
    today = pt.clinic.today()
    vic = AthleteFactory(
        therapist=pt,
        first_name="Vic",
        last_name="Vance",
        stage_started_on=today - dt.timedelta(days=20),
    )
    for days in (4, 2):
        SessionLogFactory(athlete=vic, date=today - dt.timedelta(days=days), pain_next_morning=0)
    return vic


def open_phone(new_context: Callable[..., BrowserContext], base: str, athlete: Athlete) -> Page:
    """The athlete's phone, signed in with the link the PT texted."""
    _link, token = services.device_link_create(athlete=athlete, created_by=athlete.therapist)
    page = new_context(**PHONE, base_url=base).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/m/link/{token}/")
    expect(page).to_have_url(re.compile(r"/m/$"))
    return page


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill("hannah@riverside.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def test_the_phone_waits_for_the_pts_advance_before_the_next_stage(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    console_errors: list[str],
    athlete: Athlete,
) -> None:
    base = live_server.url

    # The phone: the gate is met, the PT decides; today is this stage's walk again.
    phone = open_phone(new_context, base, athlete)
    today = phone.locator("section.today")
    expect(today.locator(".gate-met")).to_contain_text("You have met the gate")
    expect(today.locator(".gate-met")).to_contain_text("Your PT will decide on the next stage")
    expect(today.locator(".big")).to_have_text("Today: 30 min uphill walk on the treadmill at 8%")
    expect(today).not_to_contain_text("walk–run")
    expect(today.get_by_role("link", name="metronome")).to_have_count(0)
    expect(phone.locator(".mini-ladder li[aria-current=step]")).to_have_text("Uphill walking")
    phone.get_by_role("link", name="Log today's session").tap()
    expect(phone.locator("input[name=activity][value=walk]")).to_be_checked()

    # The PT: what advancing would start, apart from this stage's session; then advance.
    log_in(page, base)
    page.goto(f"{base}/athletes/{athlete.pk}/")
    suggestion = page.locator("section[aria-labelledby=next-h]")
    expect(suggestion.locator(".facts")).to_contain_text("Walk, uphill, treadmill")
    if_advance = suggestion.locator(".if-advance")
    expect(if_advance).to_contain_text("Next stage: Uphill jogging (walk–run)")
    expect(if_advance).to_contain_text("If you advance: ")
    expect(if_advance).to_contain_text("uphill walk–run on the treadmill at 8%")
    offered = if_advance.locator("p").first.inner_text().removeprefix("If you advance: ")
    decision = page.locator("section[aria-labelledby=decision-h]")
    decision.get_by_label("Advance").check()
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Recorded: advance — now in Uphill jogging (walk–run)."
    )
    expect(page.locator(".if-advance")).to_have_count(0)

    # The phone again: the next stage's first session, the one the PT saw offered.
    phone.goto("/m/")
    expect(today.locator(".gate-met")).to_have_count(0)
    expect(today.locator(".big")).to_have_text(f"Today: {offered.removesuffix('.')}")
    expect(today.locator(".big")).to_contain_text("uphill walk–run on the treadmill at 8%")
    expect(today.get_by_role("link", name="metronome")).to_be_visible()
    expect(phone.locator(".mini-ladder li[aria-current=step]")).to_have_text(
        "Uphill jogging (walk–run)"
    )
    phone.get_by_role("link", name="Log today's session").tap()
    expect(phone.locator("input[name=activity][value=walk_run]")).to_be_checked()
    expect(phone.locator("input[name=terrain][value=uphill]")).to_be_checked()
    expect(phone.locator("input[name=surface][value=treadmill]")).to_be_checked()

    assert console_errors == []
