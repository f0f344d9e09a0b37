"""An athlete's phone journey in Chromium, in a phone viewport with touch.

Open the link from the PT, log today's session in three taps, answer the next-morning
question, keep logging with no connection, and never reach the PT's pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from athletes import services
from athletes.models import PAIN_DURING_REQUIRED, Athlete, DeviceLink, SessionLog
from athletes.phone.access import SESSION_KEY
from itbrehab.accounts.models import User
from tests.browser.phone import PHONE, open_link, outbox_emptied, pain_button
from tests.factories import AthleteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_BUDGET = 100 * 1024  # bytes a phone page may transfer (SPEC §4)


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, new to uphill walking: today's suggestion is the stage's entry session."""
    return AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")


@pytest.fixture
def requests_seen(phone: BrowserContext) -> list[str]:
    """Every URL the phone requests, its service worker's included."""
    seen: list[str] = []
    phone.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.fixture
def js_errors(phone_page: Page) -> list[str]:
    errors: list[str] = []
    phone_page.on("pageerror", lambda exc: errors.append(str(exc)))
    phone_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_an_athlete_logs_the_suggested_session_in_three_taps_and_the_pt_sees_it(
    phone_page: Page,
    athlete: Athlete,
    therapist: User,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    js_errors: list[str],
) -> None:
    page = phone_page
    open_link(page, athlete)
    today = page.locator(".today .big")
    expect(today).to_have_text("Today: 20 min uphill walk on the treadmill at 5%")
    expect(page.locator(".cadence")).to_contain_text("179 steps/min")

    taps = 0

    def tap(locator: Locator) -> None:
        nonlocal taps
        taps += 1
        locator.tap()

    tap(page.get_by_role("link", name="Log today's session"))
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    tap(pain_button(page, "pain_during", 2))
    tap(page.get_by_role("button", name="Save session"))

    expect(page.get_by_role("status").filter(has_text="Session saved")).to_be_visible()
    assert taps <= 3
    session = SessionLog.objects.get()
    assert (session.athlete_id, session.date, session.source) == (
        athlete.pk,
        athlete.clinic.today(),
        "phone",
    )
    assert (session.activity, session.terrain, session.surface) == ("walk", "uphill", "treadmill")
    assert (session.duration_min, session.incline_percent, session.pain_during) == (20, 5, 2)
    expect(page.locator(".recent")).to_contain_text("Walk, 20 min · pain 2")

    # The PT, signed in on their own computer, sees it on the athlete's page.
    pt_browser = Client()
    pt_browser.force_login(therapist)
    pt = new_context(base_url=live_server.url)
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
    pt_page.goto(f"/athletes/{athlete.pk}/")
    row = pt_page.locator(f"#session-{session.pk}")
    expect(row).to_contain_text("Walk, uphill, treadmill")
    expect(row.locator(".pains")).to_contain_text("2")
    assert js_errors == []


def test_a_forgotten_pain_score_is_asked_for_and_nothing_is_stored(
    phone_page: Page, athlete: Athlete
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.get_by_role("link", name="Log today's session").tap()
    page.locator("#id_duration_min + .step-up").tap()

    page.get_by_role("button", name="Save session").tap()

    expect(page.get_by_role("alert")).to_have_text(PAIN_DURING_REQUIRED)
    expect(page.locator("#id_duration_min")).to_have_value("25")
    assert not SessionLog.objects.exists()


def test_revoked_and_expired_links_are_refused_also_on_an_open_phone(
    phone_page: Page, athlete: Athlete
) -> None:
    page = phone_page
    link = open_link(page, athlete)
    # Let the service worker finish caching the pages first: its first refused fetch
    # would end the phone session, and the reload below would then answer 404, not 410.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")

    services.device_link_revoke(link=link)

    assert page.reload().status == 410
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert page.goto("/m/log/").status == 404

    # A link that expires while the phone is signed in ends that phone's access too.
    link = open_link(page, athlete)
    DeviceLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert page.goto("/m/log/").status == 410
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


def test_the_athlete_cannot_open_the_dashboard_or_another_athlete(
    phone_page: Page, athlete: Athlete, therapist: User
) -> None:
    page = phone_page
    other = AthleteFactory(therapist=therapist)
    open_link(page, athlete)

    for path in ("/dashboard/", f"/athletes/{athlete.pk}/", f"/athletes/{other.pk}/"):
        assert page.goto(path).status == 404, path
        expect(page.get_by_text(other.first_name)).to_have_count(0)
    assert page.goto("/m/").status == 200


def test_the_next_morning_question_is_answered_with_one_tap(
    phone_page: Page, athlete: Athlete
) -> None:
    page = phone_page
    yesterday = SessionLogFactory(
        athlete=athlete,
        date=athlete.clinic.today() - dt.timedelta(days=1),
        pain_next_morning=None,
    )
    open_link(page, athlete)
    question = page.get_by_role("heading", name="How does your knee feel this morning?")
    expect(question).to_be_visible()

    page.locator(".morning button[value='3']").tap()

    expect(page.get_by_role("status").filter(has_text="your PT will see it")).to_be_visible()
    expect(question).to_have_count(0)
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning == 3


def test_a_session_logged_offline_is_sent_exactly_once_when_back_online(
    phone: BrowserContext,
    phone_page: Page,
    athlete: Athlete,
    live_server: Any,
    requests_seen: list[str],
    js_errors: list[str],
) -> None:
    page = phone_page
    open_link(page, athlete)
    # The service worker has cached the phone pages and controls this one.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    # Yesterday's session went through at once ("Session saved" on the page after it).
    page.get_by_role("link", name="Log today's session").tap()
    page.locator("summary").tap()
    page.locator("input[name=date]").fill(
        (athlete.clinic.today() - dt.timedelta(days=1)).isoformat()
    )
    pain_button(page, "pain_during", 0).tap()
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_role("status").filter(has_text="Session saved")).to_be_visible()
    # Today: the athlete opens the app, then the log page, and loses the signal.
    page.get_by_role("link", name="Today", exact=True).tap()
    expect(page.get_by_role("heading", name="Hi Sam")).to_be_visible()
    page.get_by_role("link", name="Log", exact=True).tap()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()

    phone.set_offline(True)
    pain_button(page, "pain_during", 1).tap()
    page.get_by_role("button", name="Save session").tap()

    outbox = page.locator("#outbox")
    expect(outbox).to_have_text("1 session is saved on this phone, waiting to send.")
    expect(page).to_have_url(re.compile(r"/m/\?saved=offline$"))
    expect(page.get_by_text("Session saved. Thank you!")).to_have_count(0)
    assert SessionLog.objects.count() == 1
    waiting = page.evaluate("localStorage.getItem('itbrehab-outbox')")

    phone.set_offline(False)

    outbox_emptied(page)
    expect(outbox).to_be_hidden()
    # The answer was lost on the way back, say: the same item is sent again, and the
    # server recognises its client_id.
    with page.expect_response(lambda r: r.request.method == "POST") as replay:
        page.evaluate(
            "items => { localStorage.setItem('itbrehab-outbox', items);"
            " dispatchEvent(new Event('online')); }",
            waiting,
        )
    assert replay.value.status == 200  # "already stored", not 201
    outbox_emptied(page)
    page.reload()
    expect(outbox).to_be_hidden()
    assert SessionLog.objects.count() == 2
    session = SessionLog.objects.get(date=athlete.clinic.today())
    assert (session.pain_during, session.duration_min, session.source) == (1, 20, "phone")
    assert str(session.client_id) in waiting
    assert all(url.startswith(live_server.url) for url in requests_seen), requests_seen
    # The failed POST while offline is the only thing Chromium reports.
    assert all("ERR_INTERNET_DISCONNECTED" in e for e in js_errors), js_errors


def test_a_page_cached_yesterday_logs_offline_sessions_for_today(
    phone: BrowserContext, phone_page: Page, athlete: Athlete, time_machine: Any
) -> None:
    page = phone_page
    today = athlete.clinic.today()
    # Yesterday the phone opened its pages (and the service worker cached them).
    time_machine.move_to(timezone.now() - dt.timedelta(days=1), tick=True)
    open_link(page, athlete)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto("/m/log/")
    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=True)

    # Today, with no signal, the log page comes from yesterday's cache.
    phone.set_offline(True)
    page.reload()
    expect(page.locator("input[name=date]")).to_have_value(today.isoformat())
    pain_button(page, "pain_during", 0).tap()
    page.get_by_role("button", name="Save session").tap()
    expect(page.locator("#outbox")).to_contain_text("waiting to send")
    phone.set_offline(False)

    outbox_emptied(page)
    assert SessionLog.objects.get().date == today


def test_a_save_left_hanging_by_a_weak_signal_is_kept_and_sent_later(
    routed_phone_page: Page, athlete: Athlete
) -> None:
    page = routed_phone_page
    open_link(page, athlete)
    page.clock.install()  # the phone's timers, so its 15-second patience passes at once
    hanging: list[Any] = []

    def weak_signal(route: Any) -> None:
        if route.request.method == "POST" and not hanging:
            hanging.append(route)  # the first save never gets an answer
            return
        route.continue_()

    page.route("**/m/log/", weak_signal)
    page.goto("/m/log/")
    pain_button(page, "pain_during", 2).tap()
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_role("button", name="Save session")).to_be_disabled()

    page.clock.fast_forward(16_000)

    expect(page).to_have_url(re.compile(r"/m/\?saved=offline$"))
    outbox_emptied(page)  # back on the home page, the outbox sends it at once
    assert len(hanging) == 1
    session = SessionLog.objects.get()
    assert (session.pain_during, session.source) == (2, "phone")


def _signed_in_phone(context: BrowserContext, link: DeviceLink, live_server: Any) -> None:
    """Sign the context in as a phone without loading a page (so every byte is counted)."""
    store = SessionStore()
    store[SESSION_KEY] = link.pk
    store.create()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}]
    )


@pytest.mark.parametrize("path", ["/m/", "/m/log/"])
def test_a_phone_page_transfers_under_100_kb_all_from_the_app(
    new_context: Callable[..., BrowserContext],
    athlete: Athlete,
    live_server: Any,
    path: str,
) -> None:
    context = new_context(**{**PHONE, "service_workers": "block"}, base_url=live_server.url)
    link, _token = services.device_link_create(athlete=athlete, created_by=athlete.therapist)
    _signed_in_phone(context, link, live_server)
    SessionLogFactory(
        athlete=athlete, date=athlete.clinic.today() - dt.timedelta(days=1), pain_next_morning=None
    )
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))

    assert page.goto(path, wait_until="networkidle").status == 200

    urls = [r.url for r in responses]
    assert all(url.startswith(live_server.url) for url in urls), urls
    kinds = {r.request.resource_type for r in responses}
    assert {"document", "stylesheet", "script"} <= kinds
    total = sum(
        r.request.sizes()["responseBodySize"] + r.request.sizes()["responseHeadersSize"]
        for r in responses
    )
    assert 0 < total <= PAGE_BUDGET, f"{path} transferred {total} bytes"


def test_every_phone_page_fits_the_phone_width(
    phone_page: Page, athlete: Athlete, js_errors: list[str]
) -> None:
    page = phone_page
    open_link(page, athlete)
    fits = "document.documentElement.scrollWidth <= innerWidth && innerWidth === 390"

    assert page.evaluate(fits), "home"
    page.goto("/m/log/")
    page.locator("summary").tap()  # "More" holds the widest rows: intervals, incline…
    expect(page.locator("input[name=repeats]")).to_be_visible()
    assert page.evaluate(fits), "log"
    page.goto("/m/metronome/")
    expect(page.locator("#spm")).to_have_text("179")
    page.get_by_role("button", name="One step a minute faster").tap()
    expect(page.locator("#spm")).to_have_text("180")
    page.get_by_role("button", name="Start").tap()
    expect(page.get_by_role("button", name="Stop")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(fits), "metronome"
    assert js_errors == []


def test_a_session_refused_after_going_offline_can_be_fixed_and_saved(
    phone: BrowserContext, phone_page: Page, athlete: Athlete
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.get_by_role("link", name="Log today's session").tap()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()

    # Offline there is no check on the phone: the forgotten pain score is only refused
    # by the server once the phone is back online.
    phone.set_offline(True)
    page.locator("input[name=duration_min]").fill("35")
    page.get_by_role("button", name="Save session").tap()
    expect(page).to_have_url(re.compile(r"/m/\?saved=offline$"))
    phone.set_offline(False)
    page.reload()

    refused = page.locator(".outbox-failed")
    expect(refused).to_contain_text("Not saved")
    assert SessionLog.objects.count() == 0
    refused.get_by_role("link", name="Fix it").tap()

    # What the athlete entered comes back in the form, to be completed and saved.
    expect(page.get_by_role("alert")).to_contain_text("was not saved")
    expect(page.locator("input[name=duration_min]")).to_have_value("35")
    pain_button(page, "pain_during", 2).tap()
    page.get_by_role("button", name="Save session").tap()
    expect(page.get_by_text("Session saved. Thank you!")).to_be_visible()
    expect(page.locator("#outbox")).to_be_hidden()
    session = SessionLog.objects.get()
    assert (session.duration_min, session.pain_during) == (35, 2)


def test_switching_away_from_walk_run_clears_the_intervals(
    phone_page: Page, athlete: Athlete
) -> None:
    page = phone_page
    open_link(page, athlete)
    page.goto("/m/log/")
    page.locator("label.chip:has(input[value=walk_run])").tap()
    page.locator("summary").tap()
    page.locator("input[name=repeats]").fill("8")
    page.locator("label.chip:has(input[value=run])").tap()
    expect(page.locator("input[name=repeats]")).to_have_value("")
