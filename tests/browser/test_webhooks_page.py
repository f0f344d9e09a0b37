"""A clinic admin registers a webhook in Chromium, reads its delivery log and sends an event
again; a real receiver on loopback gets the same ``webhook-id`` twice, signed both times."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks import Webhook

from athletes.services import pain_score_create
from tests.factories import DEFAULT_PASSWORD, AthleteFactory, ClinicFactory, TherapistFactory
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]

receiver = webhook_fixtures.receiver  # the loopback HTTP receiver, as the webhook tests use
SCREENSHOT = os.environ.get("WEBHOOKS_PAGE_SCREENSHOT")  # e.g. /tmp/webhooks-page.png


def test_an_admin_registers_a_webhook_and_sends_an_event_again(
    page: Page, live_server: Any, settings: Any, receiver: Receiver, console_errors: list[str]
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on loopback, over http
    admin = TherapistFactory(
        email="hannah@riverside.example",
        clinic=ClinicFactory(name="Riverside Physio", time_zone="Europe/London"),
        is_clinic_admin=True,
    )
    athlete = AthleteFactory(therapist=admin, first_name="Ana", last_name="Quintero")
    base = live_server.url

    page.goto(f"{base}/accounts/login/?next=/team/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()

    page.get_by_label("URL", exact=True).fill(receiver.url)
    page.get_by_label("pain_score.created: A pain score was recorded.").check()
    page.get_by_role("button", name="Register webhook").click()
    expect(page.get_by_role("heading", name="The webhook is registered")).to_be_visible()
    secret = page.locator("#new-webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    row = page.get_by_role("row", name=receiver.url)
    expect(row).to_contain_text("Live")

    # An event happens (eager Celery: delivered once the change commits).
    athlete.clinic.refresh_from_db()
    pain_score_create(athlete=athlete, date=athlete.clinic.today(), score=3)
    assert len(receiver.received) == 1
    webhook_id = receiver.received[0][0]["webhook-id"]

    # (A reload would post the form again and register a second one: browsers ask first.)
    page.goto(f"{base}/team/webhooks/")
    expect(page.get_by_text(secret)).to_have_count(0)  # shown that once only
    expect(page.get_by_role("row", name=receiver.url)).to_have_count(1)
    page.get_by_role("row", name=receiver.url).get_by_role("link", name="Delivery log").click()
    expect(page.get_by_role("heading", name="Delivery log")).to_be_visible()
    first = page.get_by_role("row", name=webhook_id)
    expect(first).to_have_count(1)
    expect(first).to_contain_text("pain_score.created")
    expect(first.locator(".answer-ok")).to_have_text("204")

    first.get_by_role("button", name="Send again").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Sent again as attempt 2; refresh to see the answer."
    )
    rows = page.get_by_role("row", name=webhook_id)
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(admin.email)  # the new attempt, on top
    assert [headers["webhook-id"] for headers, _ in receiver.received] == [webhook_id] * 2
    for headers, body in receiver.received:
        assert Webhook(secret).verify(body, headers)["type"] == "pain_score.created"
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    assert console_errors == []
