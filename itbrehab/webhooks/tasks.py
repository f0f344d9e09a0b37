"""Delivering webhook events (SPEC §10): signed POSTs, retried for more than 24 hours.

``deliver(event_id)`` runs after the change's commit and starts one delivery per live
endpoint of the clinic subscribed to the event; ``deliver_to`` makes one attempt, records
it (``WebhookDelivery``) and, on an error, a timeout or an answer other than 2xx, schedules
the next one after ``retry_delay(attempt)``: 30 s, doubling, at most 6 hours apart —
30 s, 1, 2, 4, 8, 16, 32 min, 1 h 4, 2 h 8, 4 h 16, then every 6 h: the 14th and last
attempt comes about 26.5 hours after the first (``RETRY_DELAYS``). Every attempt carries
the same ``webhook-id``; the timestamp and signature are made anew.

``sweep_undelivered`` (beat, every 10 minutes) starts again the deliveries of recent
events that have no attempt at all: a worker that died between the commit and the first
attempt loses nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time

import requests
from celery import shared_task
from django.utils import timezone

from itbrehab.webhooks.addresses import AddressNotAllowed, check_url
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from itbrehab.webhooks.services import live_endpoints

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 6 * 60 * 60
MAX_ATTEMPTS = 14
# Events this recent without any attempt are started again by the sweep (older ones were
# given up: their retries would have ended).
SWEEP_WINDOW = dt.timedelta(hours=24)
# … and only once they are this old: the on-commit delivery had its chance.
SWEEP_GRACE = dt.timedelta(minutes=5)


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt ``attempt`` (1-based) before the next one."""
    return min(FIRST_RETRY_SECONDS * 2 ** (attempt - 1), LONGEST_RETRY_SECONDS)


RETRY_DELAYS = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)]


def sign(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    """Return the ``webhook-signature`` header: ``v1,`` + base64 HMAC-SHA256 (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = f"{webhook_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def body_of(event: WebhookEvent) -> str:
    return json.dumps(event.payload, separators=(",", ":"), sort_keys=True)


@shared_task
def deliver(event_id: int) -> None:
    """Start delivering the event to each live endpoint of its clinic that wants it."""
    event = WebhookEvent.objects.get(pk=event_id)
    for endpoint in live_endpoints().filter(clinic_id=event.clinic_id):
        if event.type in endpoint.events:
            deliver_to.delay(event_id, endpoint.pk, 1)


def attempt_delivery(
    event: WebhookEvent, endpoint: WebhookEndpoint, attempt: int, sent_again_by: int | None = None
) -> bool:
    """POST the event to the endpoint once, record the attempt, return whether it succeeded."""
    body = body_of(event)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, event.webhook_id, timestamp, body),
    }
    status_code: int | None = None
    error = ""
    started = time.monotonic()
    try:
        check_url(endpoint.url)  # resolved again now: against DNS rebinding
        with requests.Session() as session:
            # No proxy, .netrc or CA bundle from the environment: the checked host is the
            # one connected to, and no credentials of the server's ride along.
            session.trust_env = False
            response = session.post(
                endpoint.url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            status_code = response.status_code
            response.close()
        if not 200 <= status_code < 300:
            error = f"answered {status_code}"
    except AddressNotAllowed as refused:
        error = str(refused)
    except requests.Timeout:
        error = f"no answer within {TIMEOUT_SECONDS} s"
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: could not connect"
    duration_ms = round((time.monotonic() - started) * 1000)
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        attempt=attempt,
        status_code=status_code,
        error=error[:500],
        duration_ms=duration_ms,
        sent_again_by_id=sent_again_by,
    )
    if error:
        logger.info(
            "webhook %s to endpoint %s attempt %s failed: %s",
            event.webhook_id,
            endpoint.pk,
            attempt,
            error,
        )
    return not error


@shared_task
def deliver_to(
    event_id: int, endpoint_id: int, attempt: int, sent_again_by: int | None = None
) -> None:
    """Make attempt ``attempt`` of the event to the endpoint; schedule the next on failure.

    ``sent_again_by``: the admin who asked for it ("send again").
    """
    event = WebhookEvent.objects.get(pk=event_id)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    if not endpoint.is_live:
        return
    if WebhookDelivery.objects.filter(endpoint=endpoint, event=event, attempt=attempt).exists():
        return  # this attempt ran already (a task given back after a crash, run twice)
    if attempt_delivery(event, endpoint, attempt, sent_again_by) or attempt >= MAX_ATTEMPTS:
        return
    deliver_to.apply_async((event_id, endpoint_id, attempt + 1), countdown=retry_delay(attempt))


@shared_task
def sweep_undelivered() -> int:
    """Start again the delivery of recent events that no attempt was made for; return how many."""
    now = timezone.now()
    events = WebhookEvent.objects.filter(
        created_at__gte=now - SWEEP_WINDOW,
        created_at__lte=now - SWEEP_GRACE,
        deliveries__isnull=True,
    ).values_list("pk", flat=True)
    count = 0
    for event_id in events:
        deliver.delay(event_id)
        count += 1
    return count
