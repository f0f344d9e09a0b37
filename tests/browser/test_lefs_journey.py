"""The knee questionnaire in Chromium at phone size: twenty taps, the total, the PT's chart.

Sam completed a LEFS 30 days ago (total 40), so the phone offers the next one; Sam
answers all twenty items, going back once to change an answer, sees the total, and the
PT's athlete page charts both totals with the change marked as reaching the MCID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from athletes.models import Athlete, LefsResponse
from itbrehab.accounts.models import User
from tests.browser.phone import open_link
from tests.factories import AthleteFactory
from tests.support.lefs import completed_lefs

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = "/tmp/lefs-phone.png"


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    athlete = AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")
    completed_lefs(athlete, 40, timezone.now() - dt.timedelta(days=30))
    return athlete


def test_the_athlete_fills_the_lefs_on_the_phone_and_the_pt_sees_it_charted(
    phone_page: Page,
    athlete: Athlete,
    therapist: User,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
) -> None:
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    open_link(page, athlete)

    expect(page.get_by_role("heading", name="Knee questionnaire (2 minutes)")).to_be_visible()
    expect(page.locator(".nudges")).to_contain_text("Time for your knee questionnaire")
    page.screenshot(path="/tmp/lefs-phone-home.png")
    page.get_by_role("link", name="Start the questionnaire").tap()

    # Items 1–15: "No difficulty" (4); going back once from item 3 to change item 2.
    for item in range(1, 21):
        expect(page.locator("#lefs-progress")).to_have_text(f"{item} of 20")
        if item == 3:
            page.get_by_role("link", name="← Back").tap()
            expect(page.locator("#lefs-progress")).to_have_text("2 of 20")
            chosen = page.locator(".lefs-answer.chosen")
            expect(chosen).to_have_text("No difficulty")
            page.get_by_role("button", name="A little bit of difficulty").tap()
            expect(page.locator("#lefs-progress")).to_have_text("3 of 20")
        answer = "No difficulty" if item <= 15 else "Moderate difficulty"
        if item == 20:
            page.screenshot(path="/tmp/lefs-phone-item.png")
        page.get_by_role("button", name=answer, exact=True).tap()

    # 15 × 4, less 1 for item 2 changed to 3, plus 5 × 2.
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator(".lefs-total")).to_have_text("69")
    page.screenshot(path=SCREENSHOT, full_page=True)
    stored = LefsResponse.objects.get(athlete=athlete, total=69)
    assert stored.answers[:3] == [4, 3, 4]
    page.get_by_role("link", name="Back to today").tap()
    expect(page.get_by_role("heading", name="Knee questionnaire (2 minutes)")).to_have_count(0)
    assert errors == []

    # The PT, on their own computer, sees both totals charted, the change marked.
    pt_browser = Client()
    pt_browser.force_login(therapist)
    pt = new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    pt.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": pt_browser.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    pt_page = pt.new_page()
    pt_errors: list[str] = []
    pt_page.on("pageerror", lambda exc: pt_errors.append(str(exc)))
    pt_page.on("console", lambda msg: pt_errors.append(msg.text) if msg.type == "error" else None)
    pt_page.goto(f"/athletes/{athlete.pk}/")
    section = pt_page.locator("section[aria-labelledby=lefs-h]")
    expect(section.locator(".mcid")).to_have_text("+29 (MCID)")
    # Chart.js drew the chart: two datasets, the totals and the MCID mark.
    pt_page.wait_for_function(
        "() => { const c = window.Chart && Chart.getChart('lefs-chart');"
        " return c && c.data.datasets[0].data.join() === '40,69'"
        " && c.data.datasets[1].data[1] === 69; }"
    )
    section.screenshot(path="/tmp/lefs-pt.png")
    assert pt_errors == []
