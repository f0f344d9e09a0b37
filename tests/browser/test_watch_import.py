"""Importing a session from a watch file, in Chromium: the athlete's phone and the PT page.

The athlete picks a file on the phone's log page (390 × 844, touch), sees the form filled
in, adds the pains and saves; the PT then sees the session with its cadence, charted as
measured by the watch. Offline, the import says it needs a connection and sends nothing.
Dates follow the clinic's real today (the live server runs on the real clock).

Set ``SCREENSHOTS_DIR`` to keep the filled-in forms as PNG files (phone and PT page).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.browser.phone import open_link, outbox_emptied, pain_button
from tests.factories import AthleteFactory
from tests.support.watch_uploads import recent_run, sha256

pytestmark = pytest.mark.django_db(transaction=True)

NEEDS_CONNECTION = "Reading a watch file needs a connection."


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, target cadence 179: the watch says 170."""
    return AthleteFactory(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        preferred_cadence_spm=170,
        target_cadence_spm=179,
    )


@pytest.fixture
def js_errors(phone_page: Page) -> list[str]:
    errors: list[str] = []
    phone_page.on("pageerror", lambda exc: errors.append(str(exc)))
    phone_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.fixture
def yesterdays_run(athlete: Athlete, tmp_path: Path) -> Path:
    """A GPX file of yesterday's 30-minute run at 170 steps/min, as the watch's app exports it."""
    path = tmp_path / "Morning_Run.gpx"
    path.write_bytes(recent_run(yesterday(athlete), minutes=30, cadence_spm=170))
    return path


def yesterday(athlete: Athlete) -> dt.date:
    return athlete.clinic.today() - dt.timedelta(days=1)


def pt_context(
    new_context: Callable[..., BrowserContext], live_server: Any, therapist: User
) -> BrowserContext:
    """The PT's own browser, logged in."""
    browser = Client()
    browser.force_login(therapist)
    context = new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def shots(tmp_path: Path) -> Path:
    """Return where screenshots go: ``SCREENSHOTS_DIR`` when it is set, else ``tmp_path``."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, name: str, tmp_path: Path) -> None:
    """Take a full-page screenshot of ``page`` (see ``shots``)."""
    page.screenshot(path=shots(tmp_path) / name, full_page=True)


def chart_data(page: Page) -> dict[str, Any]:
    return json.loads(page.locator("#chart-data").text_content() or "{}")


def test_the_athlete_imports_a_run_adds_the_pains_and_the_pt_sees_it_measured(
    phone_page: Page,
    athlete: Athlete,
    therapist: User,
    yesterdays_run: Path,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    js_errors: list[str],
    tmp_path: Path,
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.get_by_role("link", name="Log", exact=True).tap()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()

    page.get_by_label("Import from watch").set_input_files(yesterdays_run)
    page.get_by_role("button", name="Read the file").tap()

    # The form to check: filled in from the file, with what the watch recorded in words.
    expect(page.get_by_role("heading", name="From your watch")).to_be_visible()
    summary = page.locator(".watch-summary")
    expect(summary).to_contain_text("You were moving for 30 minutes.")
    expect(summary).to_contain_text("Steps per minute: 170 on average.")
    expect(page.locator("input[name=activity][value=run]")).to_be_checked()
    expect(page.locator("input[name=terrain][value=flat]")).to_be_checked()
    expect(page.locator("#id_duration_min")).to_have_value("30")
    expect(page.locator("input[name=cadence_spm]")).to_be_visible()  # "More" is open
    expect(page.locator("input[name=cadence_spm]")).to_have_value("170")
    expect(page.locator("input[name=date]")).to_have_value(yesterday(athlete).isoformat())
    fits = "() => document.documentElement.scrollWidth <= innerWidth && innerWidth === 390"
    assert page.evaluate(fits)
    shoot(page, "phone-import-form.png", tmp_path)
    assert not SessionLog.objects.exists()

    pain_button(page, "pain_during", 2).tap()
    pain_button(page, "pain_after", 1).tap()
    page.get_by_role("button", name="Save session").tap()

    expect(page.get_by_role("status").filter(has_text="Session saved")).to_be_visible()
    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256) == ("file", sha256(yesterdays_run.read_bytes()))
    assert (session.date, session.activity, session.duration_min) == (
        yesterday(athlete),
        "run",
        30,
    )
    assert (session.cadence_spm, session.pain_during, session.pain_after) == (170, 2, 1)

    # The PT, on their own computer: the session with its cadence, charted as measured.
    pt = pt_context(new_context, live_server, therapist).new_page()
    pt.goto(f"/athletes/{athlete.pk}/")
    row = pt.locator(f"#session-{session.pk}")
    expect(row).to_contain_text("Run, flat")
    expect(row.locator("td.num").nth(1)).to_have_text("170 / 179")
    expect(row.locator(".watch")).to_have_text("watch")
    assert chart_data(pt)["cadence"] == [
        {"date": yesterday(athlete).isoformat(), "spm": 170, "measured": True}
    ]
    legend = pt.evaluate(
        "() => Chart.getChart('cadence-chart').data.datasets.map((set) => set.label)"
    )
    assert legend == ["Cadence", "Measured by the watch", "Target (179)"]
    pt.locator("#cadence-chart").screenshot(path=shots(tmp_path) / "pt-cadence-chart.png")
    assert js_errors == []


def test_offline_the_import_says_it_needs_a_connection_and_keeps_nothing(
    phone: BrowserContext,
    phone_page: Page,
    athlete: Athlete,
    yesterdays_run: Path,
    tmp_path: Path,
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.get_by_role("link", name="Log", exact=True).tap()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()

    phone.set_offline(True)
    page.get_by_label("Import from watch").set_input_files(yesterdays_run)
    page.get_by_role("button", name="Read the file").tap()

    expect(page.get_by_role("alert")).to_contain_text(NEEDS_CONNECTION)
    shoot(page, "phone-import-offline.png", tmp_path)
    expect(page).to_have_url(re.compile(r"/m/log/$"))
    expect(page.get_by_role("button", name="Save session")).to_be_enabled()  # log by hand
    assert page.evaluate("() => localStorage.getItem('itbrehab-outbox')") in (None, "[]")

    # Back online, the same tap reads the file.
    phone.set_offline(False)
    page.get_by_role("button", name="Read the file").tap()
    expect(page.get_by_role("heading", name="From your watch")).to_be_visible()
    expect(page.get_by_text(NEEDS_CONNECTION)).to_be_hidden()
    assert not SessionLog.objects.exists()


def test_when_the_server_cannot_be_reached_the_import_says_so(
    routed_phone_page: Page, athlete: Athlete, yesterdays_run: Path
) -> None:
    page = routed_phone_page
    open_link(page, athlete)
    page.goto("/m/log/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # "Online" by the phone's account, but nothing gets through (a dead spot, a captive portal).
    page.route("**/m/manifest.webmanifest", lambda route: route.abort("internetdisconnected"))

    page.get_by_label("Import from watch").set_input_files(yesterdays_run)
    page.get_by_role("button", name="Read the file").tap()

    expect(page.get_by_role("alert")).to_contain_text(NEEDS_CONNECTION)
    assert posts == []


def test_the_pt_imports_a_file_on_log_a_session_and_saves_it(
    athlete: Athlete,
    therapist: User,
    yesterdays_run: Path,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    tmp_path: Path,
) -> None:
    page = pt_context(new_context, live_server, therapist).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/athletes/{athlete.pk}/sessions/new/")

    page.get_by_label("Watch file (FIT, GPX or TCX)").set_input_files(yesterdays_run)
    page.get_by_role("button", name="Read the file").click()

    expect(page.get_by_role("heading", name="Read from the watch file")).to_be_visible()
    expect(page.locator(".watch-summary")).to_contain_text(
        "170 steps/min on average (10th–90th percentile 170–170); target 179"
    )
    expect(page.get_by_label("Cadence (steps/min)")).to_have_value("170")
    expect(page.get_by_label("Date")).to_have_value(yesterday(athlete).isoformat())
    shoot(page, "pt-import-form.png", tmp_path)

    page.get_by_label("Pain during").fill("1")
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_text("Session logged.")).to_be_visible()
    session = SessionLog.objects.get()
    assert (session.source, session.cadence_spm, session.pain_during) == ("file", 170, 1)


def test_an_imported_session_saved_offline_keeps_its_file_and_is_sent_later(
    phone: BrowserContext, phone_page: Page, athlete: Athlete, yesterdays_run: Path
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto("/m/log/")
    page.get_by_label("Import from watch").set_input_files(yesterdays_run)
    page.get_by_role("button", name="Read the file").tap()
    expect(page.get_by_role("heading", name="From your watch")).to_be_visible()

    # The signal goes while the athlete adds the pains: the save waits in the outbox.
    phone.set_offline(True)
    pain_button(page, "pain_during", 1).tap()
    page.get_by_role("button", name="Save session").tap()
    expect(page).to_have_url(re.compile(r"/m/\?saved=offline$"))
    waiting = json.loads(page.evaluate("() => localStorage.getItem('itbrehab-outbox')"))
    assert [item["fields"]["file_sha256"] for item in waiting] == [
        sha256(yesterdays_run.read_bytes())
    ]
    expect(page.locator("#outbox")).to_contain_text("waiting to send")
    assert not SessionLog.objects.exists()

    phone.set_offline(False)

    outbox_emptied(page)
    session = SessionLog.objects.get()
    assert (session.source, session.file_sha256) == ("file", sha256(yesterdays_run.read_bytes()))
    assert (session.cadence_spm, session.pain_during) == (170, 1)
