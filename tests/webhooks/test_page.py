"""The Webhooks page (under Team): the admin registers, reads the log, sends again, enables
and deletes; other therapists get 403, another clinic's endpoint 404, and a refused
request changes nothing and sends nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from itbrehab.accounts.models import User
from itbrehab.webhooks import tasks
from itbrehab.webhooks.addresses import URL_NOT_HTTPS
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from itbrehab.webhooks.services import (
    ENDPOINT_DISABLED,
    EVENT_NOT_SENT_HERE,
    EVENTS_REQUIRED,
    webhook_endpoint_create,
    webhook_endpoint_delete,
)
from tests.webhooks.conftest import Receiver, add_deliveries

pytestmark = pytest.mark.usefixtures("now")

Capture = Callable[..., Any]
EVENTS = ["session.created", "pain_score.created"]


@pytest.fixture
def admin_browser(admin: User) -> Client:
    browser = Client()
    browser.force_login(admin)
    return browser


@pytest.fixture
def endpoint(admin: User) -> WebhookEndpoint:
    return webhook_endpoint_create(admin=admin, url="https://example.com/hooks", events=EVENTS)


def disable(endpoint: WebhookEndpoint, *, days: int = 3) -> None:
    """As the delivery task does after 3 days of failures."""
    now = timezone.now()
    endpoint.failing_since = now - dt.timedelta(days=days)
    endpoint.disabled_at = now
    endpoint.save(update_fields=["failing_since", "disabled_at"])


def _event(endpoint: WebhookEndpoint, webhook_id: str) -> WebhookEvent:
    return WebhookEvent.objects.create(
        clinic_id=endpoint.clinic_id,
        type="session.created",
        payload={"type": "session.created", "data": {"clinic": endpoint.clinic_id}},
        webhook_id=webhook_id,
    )


def delivered(endpoint: WebhookEndpoint, webhook_id: str = "msg_sent") -> WebhookEvent:
    """An event of the endpoint's clinic, sent to it once (a real POST: to the receiver)."""
    event = _event(endpoint, webhook_id)
    tasks.deliver_to(event.pk, endpoint.pk, 1)
    return event


def logged(endpoint: WebhookEndpoint, webhook_id: str = "msg_sent") -> WebhookEvent:
    """An event with one attempt in the endpoint's log, nothing sent (no receiver there)."""
    event = _event(endpoint, webhook_id)
    WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, attempt=1, status_code=204, duration_ms=9
    )
    return event


def _row(page: str, element_id: str) -> str:
    match = re.search(rf'<tr id="{element_id}">(.*?)</tr>', page, re.S)
    assert match, element_id
    return match.group(1)


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Registering ------------------------------------------------------------------------


def test_the_admin_registers_a_webhook_and_sees_its_secret_once(admin_browser: Client) -> None:
    created = admin_browser.post(
        "/team/webhooks/new/", {"url": "https://example.com/hooks", "events": EVENTS}
    )

    assert created.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == EVENTS
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    page = admin_browser.get("/team/webhooks/").content.decode()
    assert "https://example.com/hooks" in _row(page, f"webhook-{endpoint.pk}")
    assert endpoint.secret not in page


def test_a_reload_of_the_answer_registers_nothing_more(admin_browser: Client) -> None:
    blank = admin_browser.get("/team/webhooks/").context["form"]
    sent = {"url": "https://example.com/hooks", "events": EVENTS, "once": blank["once"].value()}
    first = admin_browser.post("/team/webhooks/new/", sent)
    secret = WebhookEndpoint.objects.get().secret

    again = admin_browser.post("/team/webhooks/new/", sent, follow=True)  # the browser's reload

    assert WebhookEndpoint.objects.count() == 1
    assert secret in first.content.decode()
    assert secret not in again.content.decode()
    assert any("sent already" in message for message in _messages(again))
    # The form the answer shows is a new one: it registers the next webhook.
    fresh = first.context["form"]["once"].value()
    assert fresh != sent["once"]
    admin_browser.post("/team/webhooks/new/", {**sent, "once": fresh})
    assert WebhookEndpoint.objects.count() == 2


def test_each_event_type_is_offered_with_its_meaning(admin_browser: Client) -> None:
    page = admin_browser.get("/team/webhooks/").content.decode()

    assert 'value="progression.changed"' in page
    assert "review.decided: A weekly stage review was decided." in page


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "https://example.com/hooks"}, "events", EVENTS_REQUIRED),
        ({"url": "http://example.com/hooks", "events": EVENTS}, "url", URL_NOT_HTTPS),
        ({"url": "", "events": EVENTS}, "url", "This field is required."),
        ({"url": "https://x/h", "events": ["session.exploded"]}, "events", "not one of the"),
    ],
)
def test_a_form_error_is_shown_beside_its_field_and_nothing_stored(
    admin_browser: Client, settings: Any, body: dict[str, Any], field: str, message: str
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = admin_browser.post("/team/webhooks/new/", body)

    assert response.status_code == 400
    error = re.search(
        rf'<p class="error" id="id_{field}_error"[^>]*>(.*?)</p>', response.content.decode()
    )
    assert error, response.content.decode()
    assert message in error.group(1)
    assert not WebhookEndpoint.objects.exists()
    if body["url"]:
        assert f'value="{body["url"]}"' in response.content.decode()  # what was typed is kept


# --- The list ---------------------------------------------------------------------------


def test_the_list_says_whether_each_is_live_failing_or_disabled(
    admin_browser: Client, admin: User
) -> None:
    live = webhook_endpoint_create(admin=admin, url="https://example.com/live", events=EVENTS)
    failing = webhook_endpoint_create(admin=admin, url="https://example.com/failing", events=EVENTS)
    WebhookEndpoint.objects.filter(pk=failing.pk).update(
        failing_since=timezone.now() - dt.timedelta(hours=5)
    )
    disabled = webhook_endpoint_create(admin=admin, url="https://example.com/off", events=EVENTS)
    disable(disabled)
    deleted = webhook_endpoint_create(admin=admin, url="https://example.com/gone", events=EVENTS)
    webhook_endpoint_delete(admin=admin, endpoint=deleted)

    page = admin_browser.get("/team/webhooks/").content.decode()

    # The clinic is in Europe/London; the clock stands at noon UTC on 4 March 2026.
    assert "Live" in _row(page, f"webhook-{live.pk}")
    assert ">Enable<" not in _row(page, f"webhook-{live.pk}")
    assert "Live, failing</strong> since <time" in _row(page, f"webhook-{failing.pk}")
    off = re.sub(r"<[^>]+>", "", _row(page, f"webhook-{disabled.pk}"))
    assert "Disabled on 4 Mar 2026, 12:00 after failing since 1 Mar 2026, 12:00" in off
    assert ">Enable<" in _row(page, f"webhook-{disabled.pk}")
    assert "https://example.com/gone" not in page


def test_the_team_page_links_to_it(admin_browser: Client) -> None:
    assert 'href="/team/webhooks/"' in admin_browser.get("/team/").content.decode()


# --- Delete and enable ------------------------------------------------------------------


def test_the_admin_deletes_a_webhook_after_confirming(
    admin_browser: Client, endpoint: WebhookEndpoint
) -> None:
    asked = admin_browser.get(f"/team/webhooks/{endpoint.pk}/delete/")

    assert asked.status_code == 200
    assert "Delete this webhook?" in asked.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is None  # asking deletes nothing

    deleted = admin_browser.post(f"/team/webhooks/{endpoint.pk}/delete/", follow=True)

    assert deleted.redirect_chain == [("/team/webhooks/", 302)]
    assert _messages(deleted) == [
        "https://example.com/hooks is deleted: nothing more is sent to it."
    ]
    assert "https://example.com/hooks</th>" not in deleted.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert admin_browser.get(f"/team/webhooks/{endpoint.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("back", "lands_on"), [("", "/team/webhooks/"), ("log", "/team/webhooks/{pk}/")]
)
def test_the_admin_enables_a_disabled_webhook(
    admin_browser: Client, admin: User, endpoint: WebhookEndpoint, back: str, lands_on: str
) -> None:
    disable(endpoint)

    response = admin_browser.post(
        f"/team/webhooks/{endpoint.pk}/enable/", {"back": back}, follow=True
    )

    assert response.redirect_chain == [(lands_on.format(pk=endpoint.pk), 302)]
    assert _messages(response)[0].startswith("https://example.com/hooks is enabled again")
    endpoint.refresh_from_db()
    assert (endpoint.disabled_at, endpoint.failing_since) == (None, None)
    admin.clinic.refresh_from_db()
    assert admin.clinic.webhook_events == sorted(EVENTS)


# --- The delivery log -------------------------------------------------------------------


def test_the_log_shows_each_attempt_newest_first(
    admin_browser: Client, admin: User, endpoint: WebhookEndpoint
) -> None:
    event = WebhookEvent.objects.create(
        clinic=admin.clinic, type="pain_score.created", payload={}, webhook_id="msg_log"
    )
    failed = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        attempt=1,
        error="ConnectionError: could not connect",
        duration_ms=3,
        next_attempt_at=timezone.now() + dt.timedelta(hours=6),
    )
    again = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        attempt=2,
        status_code=204,
        duration_ms=41,
        sent_again_by=admin,
    )

    page = admin_browser.get(f"/team/webhooks/{endpoint.pk}/").content.decode()

    assert page.index(f'id="delivery-{again.pk}"') < page.index(f'id="delivery-{failed.pk}"')
    first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _row(page, f"delivery-{failed.pk}")))
    assert "pain_score.created msg_log 1 ConnectionError: could not connect 3 ms" in first
    assert "4 Mar 2026, 18:00" in first  # the next attempt, in the clinic's time (London)
    second = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _row(page, f"delivery-{again.pk}")))
    assert f"msg_log 2 sent again by {admin.email} 204 41 ms" in second
    assert second.count("Send again") == 1
    assert 'name="webhook_id" value="msg_log"' in _row(page, f"delivery-{again.pk}")


def test_the_log_shows_50_attempts_a_page(
    admin_browser: Client, admin: User, endpoint: WebhookEndpoint
) -> None:
    add_deliveries(endpoint, 51)

    first = admin_browser.get(f"/team/webhooks/{endpoint.pk}/").content.decode()
    second = admin_browser.get(f"/team/webhooks/{endpoint.pk}/?page=2").content.decode()

    assert first.count('<tr id="delivery-') == 50
    assert "Page 1 of 2" in first
    assert second.count('<tr id="delivery-') == 1
    assert (
        'id="delivery-{}"'.format(WebhookDelivery.objects.order_by("at", "id").first().pk) in second
    )


# --- Send again -------------------------------------------------------------------------


def test_send_again_sends_the_event_again_as_that_admin(
    admin_browser: Client,
    admin: User,
    receiver: Receiver,
    eager_celery: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=EVENTS)
    event = delivered(endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            f"/team/webhooks/{endpoint.pk}/send-again/", {"webhook_id": event.webhook_id}
        )
    log = admin_browser.get(response["Location"])

    assert response.status_code == 302
    assert _messages(log) == ["Sent again as attempt 2; refresh to see the answer."]
    assert [headers["webhook-id"] for headers, _ in receiver.received] == [event.webhook_id] * 2
    again = endpoint.deliveries.get(attempt=2)
    assert (again.status_code, again.sent_again_by) == (204, admin)
    assert admin.email in _row(log.content.decode(), f"delivery-{again.pk}")


def test_send_again_on_a_disabled_webhook_shows_why_and_sends_nothing(
    admin_browser: Client,
    admin: User,
    receiver: Receiver,
    eager_celery: None,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=EVENTS)
    event = delivered(endpoint)
    disable(endpoint)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_browser.post(
            f"/team/webhooks/{endpoint.pk}/send-again/",
            {"webhook_id": event.webhook_id},
            follow=True,
        )

    assert _messages(response) == [ENDPOINT_DISABLED]
    assert callbacks == []
    assert len(receiver.received) == 1
    assert endpoint.deliveries.count() == 1
    assert ">Send again<" not in response.content.decode()  # the page offers Enable instead
    assert ">Enable<" in response.content.decode()


@pytest.mark.parametrize("webhook_id", ["msg_unknown", "", "msg_theirs", "x" * 41])
def test_send_again_of_an_event_never_sent_here_shows_why_and_sends_nothing(
    admin_browser: Client,
    admin: User,
    outsider: User,
    receiver: Receiver,
    eager_celery: None,
    django_capture_on_commit_callbacks: Capture,
    webhook_id: str,
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=EVENTS)
    delivered(endpoint)
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    delivered(
        webhook_endpoint_create(admin=outsider, url=receiver.url, events=EVENTS), "msg_theirs"
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_browser.post(
            f"/team/webhooks/{endpoint.pk}/send-again/", {"webhook_id": webhook_id}, follow=True
        )

    assert _messages(response) == [EVENT_NOT_SENT_HERE]
    assert callbacks == []
    assert len(receiver.received) == 2
    assert WebhookDelivery.objects.count() == 2


# --- Who may --------------------------------------------------------------------------


def _every_request(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", "/team/webhooks/"),
        ("post", "/team/webhooks/new/"),
        ("get", f"/team/webhooks/{pk}/"),
        ("get", f"/team/webhooks/{pk}/delete/"),
        ("post", f"/team/webhooks/{pk}/delete/"),
        ("post", f"/team/webhooks/{pk}/enable/"),
        ("post", f"/team/webhooks/{pk}/send-again/"),
    ]


def test_a_therapist_who_is_no_admin_gets_403_and_changes_nothing(
    colleague: User,
    admin: User,
    endpoint: WebhookEndpoint,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    logged(endpoint)  # live: send-again would send
    off = webhook_endpoint_create(admin=admin, url="https://example.com/off", events=EVENTS)
    disable(off)  # disabled: enable would enable
    browser = Client()
    browser.force_login(colleague)
    body = {"url": "https://example.com/x", "events": EVENTS, "webhook_id": "msg_sent"}

    with django_capture_on_commit_callbacks() as callbacks:
        for one in (endpoint, off):
            for method, path in _every_request(one.pk):
                response = getattr(browser, method)(path, body if method == "post" else None)
                assert response.status_code == 403, path

    assert callbacks == []
    assert WebhookEndpoint.objects.count() == 2
    assert WebhookDelivery.objects.count() == 1
    assert not WebhookEndpoint.objects.filter(deleted_at__isnull=False).exists()
    off.refresh_from_db()
    assert off.disabled_at is not None


def test_anonymous_is_sent_to_the_login_page(endpoint: WebhookEndpoint) -> None:
    for method, path in _every_request(endpoint.pk):
        response = getattr(Client(), method)(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_clinics_webhook_answers_404_and_changes_nothing(
    admin_browser: Client, outsider: User, django_capture_on_commit_callbacks: Capture
) -> None:
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    theirs = webhook_endpoint_create(
        admin=outsider, url="https://example.com/theirs", events=EVENTS
    )
    logged(theirs)
    their_off = webhook_endpoint_create(
        admin=outsider, url="https://example.com/off", events=EVENTS
    )
    disable(their_off)

    with django_capture_on_commit_callbacks() as callbacks:
        for one in (theirs, their_off):
            for method, path in _every_request(one.pk)[2:]:
                response = getattr(admin_browser, method)(path, {"webhook_id": "msg_sent"})
                assert response.status_code == 404, path

    assert callbacks == []
    assert "https://example.com/theirs" not in admin_browser.get("/team/webhooks/").content.decode()
    assert not WebhookEndpoint.objects.filter(deleted_at__isnull=False).exists()
    their_off.refresh_from_db()
    assert their_off.disabled_at is not None
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/team/webhooks/new/"),
        ("get", "/team/webhooks/{pk}/enable/"),
        ("get", "/team/webhooks/{pk}/send-again/"),
        ("post", "/team/webhooks/"),
        ("post", "/team/webhooks/{pk}/"),
    ],
)
def test_the_wrong_method_is_405(
    admin_browser: Client, endpoint: WebhookEndpoint, method: str, path: str
) -> None:
    assert getattr(admin_browser, method)(path.format(pk=endpoint.pk)).status_code == 405


# --- Query budgets ----------------------------------------------------------------------

SIZES = (2, 30)
# The browser session, the user, the user's clinic (header, time zone), the endpoints.
LIST_PAGE_QUERIES = 4
# The same three, the endpoint through the access helper, the page's count and its rows
# with their events and the admins who sent them again, joined.
LOG_PAGE_QUERIES = 6


def _count(
    browser: Client, url: str, budget: int, assert_max: Capture, rows: str
) -> tuple[int, int]:
    with assert_max(budget) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode().count(f'<tr id="{rows}-')


def test_the_list_page_costs_the_same_for_2_and_30_webhooks(
    admin_browser: Client, admin: User, django_assert_max_num_queries: Capture
) -> None:
    counts = []
    for size in SIZES:
        while WebhookEndpoint.objects.count() < size:
            endpoint = webhook_endpoint_create(
                admin=admin, url="https://example.com/h", events=EVENTS
            )
            if endpoint.pk % 3 == 0:
                disable(endpoint)
        counts.append(
            _count(
                admin_browser,
                "/team/webhooks/",
                LIST_PAGE_QUERIES,
                django_assert_max_num_queries,
                "webhook",
            )
        )

    assert counts == [(counts[0][0], 2), (counts[0][0], 30)]


def test_the_log_page_costs_the_same_for_2_and_30_attempts(
    admin_browser: Client,
    admin: User,
    endpoint: WebhookEndpoint,
    django_assert_max_num_queries: Capture,
) -> None:
    url = f"/team/webhooks/{endpoint.pk}/"
    counts = []
    for size in SIZES:
        add_deliveries(endpoint, size - endpoint.deliveries.count(), sent_again_by=admin)
        counts.append(
            _count(admin_browser, url, LOG_PAGE_QUERIES, django_assert_max_num_queries, "delivery")
        )

    assert counts == [(counts[0][0], 2), (counts[0][0], 30)]
