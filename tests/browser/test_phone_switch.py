"""One phone, one athlete (SPEC §7), in Chromium at 390×844 with touch.

Ana logs a session with no signal; before it is sent, Ben's link is opened on her phone.
The phone asks before switching, and Ana's session is never stored on Ben's record: the
phone shows it as not sent, readable, until Ana is back or it is discarded. A revoked
link turns waiting sessions into failures with a reason and leaves no page cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, Response, Route, expect

from athletes import services
from athletes.models import Athlete, DeviceLink, SessionLog
from tests.browser.phone import open_link, outbox_emptied, pain_button
from tests.factories import SessionLogFactory

pytestmark = pytest.mark.django_db(transaction=True)

OUTBOX = "localStorage.getItem('itbrehab-outbox')"


@pytest.fixture
def page(phone_page: Page) -> Page:
    """The phone's page (``tests/browser/conftest.py``), under the name these tests use."""
    return phone_page


def outbox(page: Page) -> list[dict[str, Any]]:
    return json.loads(page.evaluate(OUTBOX) or "[]")


def cached_pages(page: Page) -> list[str]:
    """Return the phone-page addresses held in Cache Storage (static files left out)."""
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const key of await caches.keys()) {
                for (const r of await (await caches.open(key)).keys()) urls.push(r.url);
            }
            return urls.filter(u => new URL(u).pathname.startsWith('/m/'));
        }"""
    )


def cached_athletes(page: Page) -> dict[str, str]:
    """Return each cached phone page's address with the athlete it was rendered for."""
    return page.evaluate(
        """async () => {
            const found = {};
            for (const key of await caches.keys()) {
                const cache = await caches.open(key);
                for (const request of await cache.keys()) {
                    const path = new URL(request.url).pathname;
                    if (!path.startsWith('/m/')) continue;
                    // The worker may be swapping this entry while we read: skip it.
                    const hit = await cache.match(request);
                    if (!hit) continue;
                    const html = await hit.text();
                    found[path] = (html.match(/data-athlete="(\\d+)"/) || [])[1];
                }
            }
            return found;
        }"""
    )


def log_offline(phone: BrowserContext, page: Page, pain: int = 1) -> None:
    """Open the log page, lose the signal, save the suggested session: it waits on the phone."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.get_by_role("link", name="Log", exact=True).tap()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    phone.set_offline(True)
    pain_button(page, "pain_during", pain).tap()
    page.get_by_role("button", name="Save session").tap()
    # Kept, then home (from the worker's cache): wait for that page, so nothing the log
    # page started is still running when the test changes the network.
    expect(page).to_have_url(re.compile(r"/m/\?saved=offline$"))
    page.wait_for_load_state()
    expect(page.locator("#outbox")).to_have_text(
        "1 session is saved on this phone, waiting to send."
    )


def no_send(route: Route) -> None:
    """A signal good enough for pages but not for the outbox's POST."""
    if route.request.method == "POST" and route.request.url.endswith("/m/log/"):
        route.abort("internetdisconnected")
    else:
        route.continue_()


def nothing_stored_since_the_revoke(link: DeviceLink) -> bool:
    """True when no session reached the link's athlete after it was revoked.

    Chromium's offline emulation does not always cut a send already inside the service
    worker: a save made "offline" may land just before the revoke, its answer lost. That row
    predates the revoke and is the athlete's own; what must never exist is a later one.
    """
    link.refresh_from_db()
    later = SessionLog.objects.filter(athlete=link.athlete, created_at__gte=link.revoked_at)
    return not later.exists()


def answer_to_next_post(page: Page, action: Callable[[], None]) -> Response:
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        action()
    return answer.value


def test_anas_session_is_not_sent_to_ben_after_the_phone_switches(
    phone: BrowserContext, page: Page, ana: Athlete, ben: Athlete
) -> None:
    earlier = SessionLogFactory(athlete=ana, notes="easy")
    open_link(page, ana)
    log_offline(phone, page)
    [kept] = outbox(page)
    assert kept["athlete"] == str(ana.pk)
    assert kept["athleteName"] == "Ana"
    assert "csrfmiddlewaretoken" not in kept["fields"]  # read afresh at each send

    # Back in reach of pages, but the outbox's send still fails.
    phone.route("**/*", no_send)
    phone.set_offline(False)
    _link, ben_token = services.device_link_create(athlete=ben, created_by=ben.therapist)
    page.goto(f"/m/link/{ben_token}/")

    # Asked first; "Cancel" keeps Ana.
    expect(page).to_have_url(re.compile(r"/m/switch/$"))
    question = page.get_by_role("heading", name="This phone is signed in for Ana. Switch to Ben?")
    expect(question).to_be_visible()
    page.get_by_role("button", name="Cancel: stay with Ana").tap()
    expect(page.get_by_role("heading", name="Hi Ana")).to_be_visible()
    page.goto(f"/m/link/{ben_token}/")
    page.get_by_role("button", name="Switch to Ben").tap()
    expect(page.get_by_role("heading", name="Hi Ben")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("waiting to send")

    # The signal is back: the phone sends Ana's session, the server refuses it for Ben.
    phone.unroute("**/*", no_send)
    answer = answer_to_next_post(page, lambda: page.evaluate("dispatchEvent(new Event('online'))"))

    assert answer.status == 409
    row = page.locator(".outbox-failed")
    expect(row).to_contain_text("Not sent — logged for Ana.")
    minutes = kept["fields"]["duration_min"]
    expect(row).to_contain_text(f"Walk, uphill, treadmill, {minutes} min, pain during 1")
    # Never into Ben's form, never again on its own.
    expect(row.get_by_role("link", name="Fix it")).to_have_count(0)
    expect(row.get_by_role("button", name="Send again")).to_have_count(0)
    expect(row.get_by_role("button", name="Discard")).to_be_visible()
    page.reload()
    expect(row).to_contain_text("Not sent — logged for Ana.")
    assert not SessionLog.objects.filter(athlete=ben).exists()
    # Ana's record holds at most her own session: Playwright's routing does not always see
    # a request that passed through the service worker, so the send made while the phone
    # was still Ana's may have reached the server, its answer cut off by the switch. That
    # is the right record; the point is that nothing reached Ben's.
    ana_sessions = SessionLog.objects.filter(athlete=ana).exclude(pk=earlier.pk)
    assert {str(s.client_id) for s in ana_sessions} <= {kept["fields"]["client_id"]}
    earlier.refresh_from_db()
    assert earlier.notes == "easy"

    # Ana takes her phone back: her session goes where it belongs, once.
    _link, ana_token = services.device_link_create(athlete=ana, created_by=ana.therapist)
    page.goto(f"/m/link/{ana_token}/")
    page.get_by_role("button", name="Switch to Ana").tap()
    expect(page.get_by_role("heading", name="Hi Ana")).to_be_visible()
    answer = answer_to_next_post(page, lambda: row.get_by_role("button", name="Send again").tap())

    assert answer.status in (200, 201)  # 200: the replay of a send that already landed
    outbox_emptied(page)
    expect(page.locator("#outbox")).to_be_hidden()
    assert SessionLog.objects.filter(athlete=ana).count() == 2  # exactly once
    assert not SessionLog.objects.filter(athlete=ben).exists()


def test_a_session_waiting_when_the_link_is_revoked_fails_with_the_reason(
    phone: BrowserContext, page: Page, ana: Athlete
) -> None:
    link = open_link(page, ana)
    log_offline(phone, page, pain=3)
    services.device_link_revoke(link=link)

    answer = answer_to_next_post(page, lambda: phone.set_offline(False))

    assert answer.status == 410
    row = page.locator(".outbox-failed")
    expect(row).to_contain_text(
        "Not sent: your link was revoked or has expired — ask your PT for a new one."
    )
    expect(row).to_contain_text("pain during 3")
    expect(page.get_by_text("waiting to send")).to_have_count(0)
    # The next page is the refusal; what Ana entered is still there, and still not sent.
    assert page.reload().status == 404
    expect(row).to_contain_text("your link was revoked")
    expect(row.get_by_role("button", name="Send again")).to_have_count(0)
    assert [item["status"] for item in outbox(page)] == [410]
    assert nothing_stored_since_the_revoke(link)

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Discard").tap()
    expect(page.locator("#outbox")).to_be_hidden()
    assert outbox(page) == []


def test_sessions_left_waiting_are_failed_by_the_refusal_page_itself(
    phone: BrowserContext, page: Page, ana: Athlete
) -> None:
    # Revoked while the phone was offline: the first page back is the refusal, before any
    # send. Its outbox must not say "waiting" about what can no longer be sent.
    link = open_link(page, ana)
    log_offline(phone, page)
    services.device_link_revoke(link=link)
    phone.route("**/*", no_send)
    phone.set_offline(False)  # the page still open tries at once, and fails
    # (Not awaited as a request: Playwright does not always see a request that passed
    # through the service worker, so wait for the network to settle instead.)
    page.wait_for_load_state("networkidle")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    assert page.goto("/m/").status == 410

    expect(page.locator(".outbox-failed")).to_contain_text("your link was revoked")
    expect(page.get_by_text("waiting to send")).to_have_count(0)
    assert posts == []  # a refusal page sends nothing (and marks, not retries)
    assert nothing_stored_since_the_revoke(link)


def test_after_a_revoke_no_cached_page_is_shown_offline(
    phone: BrowserContext, page: Page, ana: Athlete
) -> None:
    link = open_link(page, ana)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto("/m/log/")
    page.goto("/m/")
    # Offline, the service worker shows Ana's pages from its cache...
    phone.set_offline(True)
    page.goto("/m/")
    expect(page.get_by_role("heading", name="Hi Ana")).to_be_visible()
    phone.set_offline(False)
    assert "/m/" in {re.sub(r"^https?://[^/]+", "", u) for u in cached_pages(page)}

    services.device_link_revoke(link=link)
    refused = page.goto("/m/")

    # ...until the server refuses the link: "cache" in Clear-Site-Data leaves Cache
    # Storage alone in Chromium (and fetch() never sees that header), so the worker
    # forgets the pages itself when a phone page answers 404 or 410.
    assert refused.status == 410
    assert refused.from_service_worker
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert cached_pages(page) == []
    phone.set_offline(True)
    for path in ("/m/", "/m/log/", "/m/metronome/"):
        offline = page.goto(path)
        assert offline.status == 503, path
        expect(page.get_by_role("heading", name="No connection")).to_be_visible()
        expect(page.get_by_text("Ana")).to_have_count(0)


def test_after_a_switch_the_pages_kept_for_offline_are_bens(
    phone: BrowserContext, page: Page, ana: Athlete, ben: Athlete
) -> None:
    open_link(page, ana)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto("/m/log/")
    _link, token = services.device_link_create(athlete=ben, created_by=ben.therapist)
    page.goto(f"/m/link/{token}/")
    page.get_by_role("button", name="Switch to Ben").tap()
    expect(page.get_by_role("heading", name="Hi Ben")).to_be_visible()
    # The worker fetches Ben's pages, then swaps them in for Ana's.
    bens = {"/m/": str(ben.pk), "/m/log/": str(ben.pk), "/m/metronome/": str(ben.pk)}
    for _ in range(50):
        if cached_athletes(page) == bens:
            break
        page.wait_for_timeout(200)
    assert cached_athletes(page) == bens

    phone.set_offline(True)
    page.goto("/m/log/")
    assert page.evaluate("document.body.dataset.athlete") == str(ben.pk)
    page.goto("/m/")
    expect(page.get_by_role("heading", name="Hi Ben")).to_be_visible()
    expect(page.get_by_text("Ana")).to_have_count(0)


def test_a_new_sign_in_does_not_strand_a_session_queued_with_the_old_csrf_token(
    phone: BrowserContext, page: Page, ana: Athlete, live_server: Any
) -> None:
    open_link(page, ana)
    log_offline(phone, page)
    old = {c["name"]: c["value"] for c in phone.cookies()}[settings.CSRF_COOKIE_NAME]
    # Ana opens a new link from her PT before the session went out: a new CSRF secret.
    phone.route("**/*", no_send)
    phone.set_offline(False)
    open_link(page, ana)
    new = {c["name"]: c["value"] for c in phone.cookies()}[settings.CSRF_COOKIE_NAME]
    assert new != old
    phone.unroute("**/*", no_send)

    answer = answer_to_next_post(page, lambda: page.evaluate("dispatchEvent(new Event('online'))"))

    # Accepted with the new token: 201, or 200 (the same session again) when the reopened
    # page's own send got through first. Playwright's routes do not always see a request
    # the service worker forwards, and under load that send sometimes wins the race.
    assert answer.status in (200, 201)
    assert answer.request.header_value("x-csrftoken") == new
    outbox_emptied(page)
    assert SessionLog.objects.filter(athlete=ana).count() == 1


def test_a_csrf_refusal_fetches_a_fresh_token_and_tries_once_more(
    routed_phone_page: Page, ana: Athlete
) -> None:
    page = routed_phone_page
    open_link(page, ana)
    page.goto("/m/log/")
    # The first send is refused by CSRF protection (as for a cookie an older release set).
    # The refusal is made here rather than with a stale cookie: the service worker's own
    # page fetches may renew the cookie at any moment, which made that race-prone.
    posts: list[int] = []

    def refuse_once(route: Route) -> None:
        if route.request.method == "POST" and not posts:
            posts.append(403)
            route.fulfill(status=403, body="CSRF verification failed.")
        else:
            route.continue_()

    page.route("**/m/log/", refuse_once)
    page.on(
        "response",
        lambda r: posts.append(r.status) if r.request.method == "POST" and r.ok else None,
    )

    pain_button(page, "pain_during", 2).tap()
    page.get_by_role("button", name="Save session").tap()

    expect(page.get_by_text("Session saved. Thank you!")).to_be_visible()
    assert posts == [403, 201]
    assert SessionLog.objects.get(athlete=ana).pain_during == 2


def test_a_second_csrf_refusal_shows_the_session_failed_not_waiting(
    routed_phone_page: Page, ana: Athlete
) -> None:
    page = routed_phone_page
    open_link(page, ana)
    page.goto("/m/log/")
    posts: list[str] = []

    def refuse(route: Route) -> None:
        if route.request.method == "POST":
            posts.append(route.request.url)
            route.fulfill(status=403, body="CSRF verification failed.")
        else:
            route.continue_()

    page.route("**/m/log/", refuse)
    pain_button(page, "pain_during", 2).tap()
    page.get_by_role("button", name="Save session").tap()

    expect(page).to_have_url(re.compile(r"/m/$"))
    row = page.locator(".outbox-failed")
    expect(row).to_contain_text("Not sent: the server refused it (security check)")
    expect(row).to_contain_text("pain during 2")
    # Ana's own session on Ana's phone: she may send it again when she chooses.
    expect(row.get_by_role("button", name="Send again")).to_be_visible()
    assert len(posts) == 2  # once, then once more with a fresh token: no silent loop
    assert not SessionLog.objects.filter(athlete=ana).exists()


def test_the_switch_question_has_no_script_errors_and_fits_the_phone(
    page: Page, ana: Athlete, ben: Athlete
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    open_link(page, ana)
    _link, token = services.device_link_create(athlete=ben, created_by=ben.therapist)

    page.goto(f"/m/link/{token}/")

    expect(page.get_by_role("button", name="Switch to Ben")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert errors == []
    assert DeviceLink.objects.get(athlete=ben).last_opened_at is None
