"""Every page works in real Chromium under the strict Content-Security-Policy (SPEC §7).

The PT's pages (the charts drawn, htmx filtering, a new phone link selected on focus), the
API docs (Swagger UI draws the operations), the admin, and the phone pages (service
worker, manifest, metronome) run with no CSP violation: each context records every
``securitypolicyviolation`` event and every console error, and the tests assert none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.browser.phone import PHONE
from tests.factories import DEFAULT_PASSWORD, AthleteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every page before its own scripts; reports to Python through the exposed binding.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolationCount = (window.__cspViolationCount || 0) + 1;
  window.__cspViolation(
    `${location.pathname}: ${event.effectiveDirective} refused ` +
    `${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


class Watch:
    """What a browser context reported: CSP violations and console or page errors."""

    def __init__(self, context: BrowserContext) -> None:
        self.violations: list[str] = []
        self.errors: list[str] = []
        context.expose_function("__cspViolation", self._violation)
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(str(error.error)))

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    def _console(self, message: Any) -> None:
        # Chromium also logs each refusal ("… violates the following Content Security
        # Policy directive …"), at error level or, for report-only, as a warning.
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(f"{message.text} [{message.location.get('url', '')}]")

    def settle(self, page: Page) -> None:
        """Let reports already raised in the page reach Python."""
        page.evaluate("() => new Promise((done) => setTimeout(done, 50))")

    def assert_clean(self, page: Page, *, not_found: tuple[str, ...] = ()) -> None:
        """Assert nothing was refused and nothing failed, but the ``not_found`` paths'
        expected 404 (a refusal page, the admin's missing ``/favicon.ico``)."""
        self.settle(page)
        assert self.violations == []
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        expected = tuple(f"404 (Not Found) [{origin}{path}]" for path in not_found)
        assert [error for error in self.errors if not error.endswith(expected)] == []


@pytest.fixture
def watched(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> Callable[..., tuple[Page, Watch]]:
    """Open a fresh context on the live server (with ``options``) and its page, watched."""

    def open_page(**options: Any) -> tuple[Page, Watch]:
        context = new_context(base_url=live_server.url, **options)
        watch = Watch(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page, watch

    return open_page


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, with a week of walks: pain, minutes and cadence to chart."""
    athlete = AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")
    today = athlete.clinic.today()
    for days_ago, pain_after, cadence in ((6, 2, 168), (4, 1, 171), (2, 1, 174)):
        SessionLogFactory(
            athlete=athlete,
            date=today.fromordinal(today.toordinal() - days_ago),
            pain_during=1,
            pain_after=pain_after,
            pain_next_morning=1,
            cadence_spm=cadence,
        )
    return athlete


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.wait_for_load_state()


def test_the_pt_pages_and_the_api_docs_run_with_no_violation(
    watched: Callable[..., tuple[Page, Watch]], therapist: User, athlete: Athlete
) -> None:
    page, watch = watched()

    # The login page and the dashboard; htmx filters the table in place.
    _log_in(page, therapist.email)
    expect(page.get_by_role("row", name="Sam Okafor")).to_be_visible()
    page.get_by_label("Name").fill("zzz")
    expect(page.get_by_role("row", name="Sam Okafor")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=zzz"))
    page.get_by_label("Name").fill("")
    expect(page.get_by_role("row", name="Sam Okafor")).to_be_visible()
    # The browser keeps no copy of the caseload (htmx's history cache is off): Back asks
    # the server for the filtered page again.
    assert page.evaluate("() => sessionStorage.getItem('htmx-history-cache')") is None
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=zzz"))
    expect(page.get_by_role("row", name="Sam Okafor")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    page.go_forward()
    expect(page.get_by_role("row", name="Sam Okafor")).to_be_visible()
    watch.assert_clean(page)

    # The athlete page: Chart.js draws the three charts.
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page).to_have_url(re.compile(rf"/athletes/{athlete.pk}/$"))
    for canvas in ("pain-chart", "minutes-chart", "cadence-chart"):
        page.wait_for_function(
            f"() => !!window.Chart && !!Chart.getChart(document.getElementById('{canvas}'))"
        )
        box = page.locator(f"#{canvas}").bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
    watch.assert_clean(page)

    # A new phone link: shown with its QR code, selected whole on focus (a script file).
    page.get_by_role("button", name="Create a phone link").click()
    link = page.get_by_role("textbox", name="Phone link")
    expect(link).to_have_value(re.compile(r"/m/link/[^/]+/$"))
    expect(page.locator(".qr svg")).to_be_visible()
    link.focus()
    selected = link.evaluate("el => [el.selectionStart, el.selectionEnd, el.value.length]")
    assert selected[:2] == [0, selected[2]]
    watch.assert_clean(page)

    # The API docs: Swagger UI loads the schema and draws the operations.
    page.goto("/api/docs/")
    # Swagger UI's bundle is large: give a loaded machine time to parse it.
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/athletes/{id}/" in [path.replace("\u200b", "") for path in paths]
    page.locator(".opblock-get").first.locator(".opblock-summary").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    watch.assert_clean(page)


def test_the_admin_runs_with_no_violation(
    watched: Callable[..., tuple[Page, Watch]], athlete: Athlete
) -> None:
    User.objects.create_superuser(email="root@riverside.example", password=DEFAULT_PASSWORD)
    page, watch = watched()
    page.goto("/admin/login/")
    page.locator("#id_username").fill("root@riverside.example")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/admin/athletes/athlete/")
    expect(page.locator("#result_list")).to_contain_text("Okafor")
    page.goto(f"/admin/athletes/athlete/{athlete.pk}/change/")
    expect(page.locator("#athlete_form")).to_be_visible()
    watch.assert_clean(page, not_found=("/favicon.ico",))


def test_the_phone_pages_run_with_no_violation(
    watched: Callable[..., tuple[Page, Watch]], athlete: Athlete
) -> None:
    page, watch = watched(**PHONE)
    _link, token = services.device_link_create(athlete=athlete, created_by=athlete.therapist)

    # The link opens the home page, which installs the offline service worker.
    page.goto(f"/m/link/{token}/")
    expect(page.get_by_role("heading", name="Hi Sam")).to_be_visible()
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope.endswith("/m/")
    # The manifest loads (manifest-src): Chromium reads it as it would to install the app.
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert '"ITB Rehab"' in manifest["data"]
    watch.assert_clean(page)

    page.get_by_role("link", name="Log", exact=True).click()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    watch.assert_clean(page)

    # The metronome ticks (Web Audio) when started.
    page.get_by_role("link", name="Metronome").click()
    toggle = page.get_by_role("button", name="Start")
    toggle.tap()
    expect(page.locator("#toggle")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="One step a minute faster").tap()
    expect(page.locator("#spm")).to_have_text("180")
    page.wait_for_function("() => document.getElementById('beat').classList.contains('on')")
    page.locator("#toggle").tap()
    watch.assert_clean(page)

    # A link that does not open: the refusal page.
    page.goto("/m/link/not-a-real-token/")
    expect(page.get_by_role("heading", name="This link does not open")).to_be_visible()
    watch.assert_clean(page, not_found=("/m/link/not-a-real-token/",))


def test_the_watch_sees_a_refused_inline_script_and_style(
    watched: Callable[..., tuple[Page, Watch]],
) -> None:
    # The tests above can fail: code or style slipped inline is refused and reported.
    page, watch = watched()
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
            const style = document.createElement("style");
            style.textContent = "body { background: red }";
            document.head.append(style);
        }"""
    )
    page.wait_for_function("() => window.__cspViolationCount === 2")
    watch.settle(page)
    assert page.evaluate("() => window.__ran") is None
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != (
        "rgb(255, 0, 0)"
    )
    assert len(watch.violations) == 2
    assert {v.split(": ")[1].split()[0] for v in watch.violations} == {
        "script-src-elem",
        "style-src-elem",
    }
    with pytest.raises(AssertionError):
        watch.assert_clean(page)
