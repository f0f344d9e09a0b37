"""A PT's week in real Chromium: triage the dashboard, review an athlete, decide, correct.

Dates are relative to the clinic's real today (the live server runs on the real clock).
The clinic reviews on Mondays, so the hold athlete is overdue on any other day; the
names are chosen so that the urgency order is not the alphabetical one either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from athletes.models import Athlete
from itbrehab.accounts.models import Clinic, User
from progressions.services import stage_review_decide
from tests.factories import (
    DEFAULT_PASSWORD,
    AthleteFactory,
    ClinicFactory,
    SessionLogFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

URGENCY_ORDER = ["Will Wright", "Vic Vance", "Uma Underwood", "Zed Zimmer"]


def _athlete(therapist: User, name: str, today: dt.date) -> Athlete:
    first, last = name.split()
    return AthleteFactory(
        therapist=therapist,
        first_name=first,
        last_name=last,
        stage_started_on=today - dt.timedelta(days=20),
    )


def _walk(athlete: Athlete, today: dt.date, days: int, **fields: Any) -> None:
    SessionLogFactory(athlete=athlete, date=today - dt.timedelta(days=days), **fields)


@pytest.fixture
def clinic_week() -> dict[str, Any]:
    """A clinic with one athlete per urgency level, two PTs, and another clinic's athlete."""
    clinic: Clinic = ClinicFactory(name="Riverside Physio", time_zone="Europe/London")
    today = clinic.today()
    pt = TherapistFactory(
        clinic=clinic, email="hannah@riverside.example", first_name="Hannah", last_name="Reid"
    )
    colleague = TherapistFactory(clinic=clinic, first_name="Tom", last_name="Baxter")

    back_off = _athlete(colleague, "Will Wright", today)  # pain 6/10 after yesterday's walk
    _walk(back_off, today, 1, pain_during=4, pain_after=6, pain_next_morning=2)
    advance = _athlete(pt, "Vic Vance", today)  # two tolerated 30-min uphill walks
    _walk(advance, today, 4, cadence_spm=172)
    _walk(advance, today, 2, cadence_spm=176)
    _walk(_athlete(pt, "Uma Underwood", today), today, 2)  # one walk: hold, not reviewed
    reviewed = _athlete(pt, "Zed Zimmer", today)  # hold, reviewed this week
    _walk(reviewed, today, 2)
    stage_review_decide(athlete=reviewed, decision="hold", reviewed_by=pt)

    _athlete(TherapistFactory(clinic=ClinicFactory(name="Hillside")), "Otto Elsewhere", today)
    return {"pt": pt, "advance": advance}


def _log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill("hannah@riverside.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")
    page.wait_for_load_state()  # htmx (a deferred script) is listening from here on


def _expect_names(page: Page, names: list[str]) -> None:
    """Wait until the table lists exactly ``names``, in this order."""
    expect(page.locator("#athlete-table tbody th[scope=row] > a")).to_have_text(names)


def test_a_pt_triages_reviews_and_decides(
    page: Page, live_server: Any, console_errors: list[str], clinic_week: dict[str, Any]
) -> None:
    base = live_server.url
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    athlete: Athlete = clinic_week["advance"]

    # Dashboard: the clinic's athletes, most urgent first.
    _log_in(page, base)
    _expect_names(page, URGENCY_ORDER)

    # Filters update the table in place (htmx) and the address; the page is not reloaded.
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Recommendation").select_option("back_off")
    _expect_names(page, ["Will Wright"])
    expect(page).to_have_url(f"{base}/dashboard/?sort=urgency&q=&stage=&recommendation=back_off")

    page.get_by_label("Recommendation").select_option("")
    page.get_by_label("Name").fill("vanc")
    _expect_names(page, ["Vic Vance"])
    expect(page).to_have_url(f"{base}/dashboard/?sort=urgency&q=vanc&stage=&recommendation=")
    assert page.evaluate("window.__sameDocument") is True

    # The athlete page: gate checklist met, and the three charts drawn.
    page.get_by_role("link", name="Vic Vance").click()
    expect(page).to_have_url(f"{base}/athletes/{athlete.pk}/")
    gate = page.locator("section[aria-labelledby=gate-h]")
    expect(gate).to_contain_text("2 most recent uphill walks of ≥ 30 min")
    expect(gate.locator(".checklist li.met")).to_have_count(2)
    for canvas in ("pain-chart", "minutes-chart", "cadence-chart"):
        box = page.locator(f"#{canvas}").bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
        page.wait_for_function(
            f"() => !!window.Chart && !!Chart.getChart(document.getElementById('{canvas}'))"
        )

    # Record the advance: the ladder moves and the history names who decided.
    decision = page.locator("section[aria-labelledby=decision-h]")
    decision.get_by_label("Advance").check()
    decision.get_by_label("Note").fill("Two easy 30-minute walks; start walk–run.")
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Recorded: advance — now in Uphill jogging (walk–run)."
    )
    expect(page.locator(".ladder li[aria-current=step]")).to_contain_text("Uphill jogging")
    history = page.locator("section[aria-labelledby=history-h] .history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("by Hannah Reid")
    expect(history.first).to_contain_text("Two easy 30-minute walks; start walk–run.")

    # Invalid settings: the error stands beside its field and nothing changes.
    settings = page.locator("section[aria-labelledby=settings-h]")
    settings.get_by_label("Uphill-walk gate").fill("50")
    settings.get_by_role("button", name="Save settings").click()
    field = page.locator(".field", has=page.locator("#id_walk_gate_minutes"))
    expect(field.locator(".error")).to_have_text("Must be between 30 and 45.")
    expect(page.locator("#id_walk_gate_minutes")).to_have_attribute("aria-invalid", "true")
    page.goto(f"{base}/athletes/{athlete.pk}/")
    expect(page.locator("#id_walk_gate_minutes")).to_have_value("30")

    # Log a session on the athlete's behalf, forgetting the pain during.
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Activity").select_option("run")
    page.get_by_label("Terrain").select_option("flat")
    page.get_by_label("Duration (min)").fill("25")
    page.get_by_label("Pain during").fill("")
    page.get_by_label("Notes").fill("Phoned in after the club run.")
    page.get_by_role("button", name="Save session").click()
    field = page.locator(".field", has=page.locator("#id_pain_during"))
    expect(field.locator(".error")).to_contain_text("Pain during is required")
    expect(page.get_by_label("Activity")).to_have_value("run")
    expect(page.get_by_label("Terrain")).to_have_value("flat")
    expect(page.get_by_label("Duration (min)")).to_have_value("25")
    expect(page.get_by_label("Notes")).to_have_value("Phoned in after the club run.")
    assert not athlete.sessions.filter(duration_min=25).exists()

    assert console_errors == []
    assert requests
    assert [url for url in requests if not url.startswith(f"{base}/")] == []


def test_the_dashboard_is_usable_on_a_tablet(
    page: Page, live_server: Any, console_errors: list[str], clinic_week: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    _log_in(page, live_server.url)
    _expect_names(page, URGENCY_ORDER)

    # Nothing sticks out of the viewport, except inside the table's scrollable wrapper.
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => !el.closest(".table-wrap"))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + "." + el.className)"""
    )
    assert too_wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    wrapper = page.locator(".table-wrap")
    assert wrapper.evaluate("el => getComputedStyle(el).overflowX") == "auto"

    # The recommendation badges read as words, not colours alone.
    badges = page.locator("#athlete-table .badge").all_inner_texts()
    assert [text.strip("▼▲■ ") for text in badges] == [
        "Back off",
        "Ready to advance",
        "Hold",
        "Hold",
    ]
    # The first column (who) stays on screen without scrolling.
    name = page.get_by_role("link", name="Will Wright").bounding_box()
    assert name is not None
    assert name["x"] >= 0
    assert name["x"] + name["width"] <= 768
    assert console_errors == []
