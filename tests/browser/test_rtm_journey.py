"""Remote monitoring in real Chromium: log time on the athlete page, then read the month's
report and download its CSV.

Dates are relative to the clinic's real today (the live server runs on the real clock).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from athletes.models import PainSource
from tests.factories import (
    DEFAULT_PASSWORD,
    AthleteFactory,
    ClinicFactory,
    PainScoreFactory,
    SessionLogFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pt_logs_time_and_reads_the_report(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    clinic = ClinicFactory(name="Riverside Physio", time_zone="America/New_York")
    today = clinic.today()
    pt = TherapistFactory(clinic=clinic, email="hannah@riverside.example")
    athlete = AthleteFactory(therapist=pt, first_name="Rosa", last_name="Diaz")
    SessionLogFactory(athlete=athlete, date=today, source="phone")
    PainScoreFactory(athlete=athlete, date=today - dt.timedelta(days=1), source=PainSource.PHONE)
    AthleteFactory(therapist=TherapistFactory(), first_name="Otto", last_name="Elsewhere")
    base = live_server.url

    page.goto(f"{base}/accounts/login/?next=/athletes/{athlete.pk}/")
    page.get_by_label("Email").fill("hannah@riverside.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/athletes/{athlete.pk}/")

    section = page.locator("#rtm")
    expect(section).to_contain_text("2 data days so far (supports 98985)")
    section.get_by_label("Minutes (1–600)").fill("25")
    section.get_by_label("Included a live two-way call").check()
    section.get_by_role("button", name="Log time").click()
    expect(page.locator(".messages")).to_contain_text("Logged 25 min of remote monitoring.")
    expect(page.locator("#rtm")).to_contain_text("25 min, with a live call · supports 98980")

    page.get_by_role("link", name="RTM report").click()
    expect(page).to_have_url(f"{base}/reports/rtm/?month={today:%Y-%m}")
    row = page.locator(f"#rtm-athlete-{athlete.pk}")
    expect(row).to_contain_text("25")
    expect(row).to_contain_text("98980")
    expect(page.locator("table.rtm-report tbody tr")).to_have_count(1)  # not Otto's clinic
    expect(
        page.get_by_text("A clinician must confirm every code before billing.").first
    ).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"rtm-{today:%Y-%m}.csv"
    assert console_errors == []
