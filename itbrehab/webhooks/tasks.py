"""Delivering webhook events (SPEC §10): signed POSTs, retried for more than 24 hours.

``deliver(event_id)`` runs after the change's commit and starts one delivery per live
endpoint of the clinic subscribed to the event; ``deliver_to`` makes one attempt, records
it (``WebhookDelivery``) and, on an error, a timeout or an answer other than 2xx, schedules
the next one after ``retry_delay(attempt)``: 30 s, doubling, at most 6 hours apart —
30 s, 1, 2, 4, 8, 16, 32 min, 1 h 4, 2 h 8, 4 h 16, then every 6 h: the 14th and last
attempt comes about 26.5 hours after the first (``RETRY_DELAYS``). Every attempt carries
the same ``webhook-id``; the timestamp and signature are made anew.

A retry up to ``QUEUE_DELAY_LIMIT`` ahead waits in the queue (a countdown); one further
ahead waits in the database (``WebhookDelivery.next_attempt_at``) and ``sweep_retries``
(beat, every minute) starts it when due: the broker gives an unacknowledged task back
after its visibility timeout (30 minutes), so a longer countdown would run twice.

An endpoint whose every attempt failed for ``DISABLE_AFTER`` (3 days) is disabled and
its clinic's admins are emailed (``services.webhook_endpoint_disable``).

``sweep_undelivered`` (beat, every 10 minutes) starts again the deliveries of recent events
that have no attempt at all: a worker that died between the commit and the first
attempt loses nothing.

Each POST goes through requests-hardened: the host is resolved when connecting, that
address must be public (unless ``WEBHOOK_ALLOW_PRIVATE``) and it is the one connected to,
so a name that points inside the network by then (DNS rebinding) is refused; no redirect
is followed, no proxy or credential of the environment is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import time

import requests
from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import InvalidIPAddress

from itbrehab.webhooks import services
from itbrehab.webhooks.addresses import AddressNotAllowed, check_url
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from itbrehab.webhooks.services import live_endpoints

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 6 * 60 * 60
MAX_ATTEMPTS = 14
# Retries at most this far ahead wait in the queue; further ones in the database.
QUEUE_DELAY_LIMIT = 10 * 60
# An endpoint whose every attempt failed for this long is disabled.
DISABLE_AFTER = dt.timedelta(days=services.DISABLE_AFTER_DAYS)
# Events this recent without any attempt are started again by the sweep (older ones were
# given up: their retries would have ended).
SWEEP_WINDOW = dt.timedelta(hours=24)
# … and only once they are this old: the on-commit delivery had its chance.
SWEEP_GRACE = dt.timedelta(minutes=5)

URL_REFUSED_AT_CONNECT = (
    "The webhook URL's host resolved to {address} when connecting: not a public address, "
    "so nothing was sent."
)


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


def _http(*, public_only: bool) -> requests.Session:
    """A session that never follows a redirect and, ``public_only``, connects only to the
    public address it resolved the host to (requests-hardened)."""
    session = Manager(
        Config(
            ip_filter_enable=public_only,
            ip_filter_allow_loopback_ips=False,
            never_redirect=True,
            default_timeout=(TIMEOUT_SECONDS, TIMEOUT_SECONDS),
            user_agent_override="ITB-Rehab-Webhooks/1",
        )
    ).get_session()
    # No proxy, .netrc or CA bundle from the environment: the checked host is the one
    # connected to, and no credentials of the server's ride along.
    session.trust_env = False
    return session


@shared_task
def deliver(event_id: int) -> None:
    """Start delivering the event to each live endpoint of its clinic that wants it."""
    event = WebhookEvent.objects.get(pk=event_id)
    for endpoint in live_endpoints().filter(clinic_id=event.clinic_id):
        if event.type in endpoint.events:
            deliver_to.delay(event_id, endpoint.pk, 1)


def attempt_delivery(
    event: WebhookEvent, endpoint: WebhookEndpoint, attempt: int, sent_again_by: int | None = None
) -> WebhookDelivery | None:
    """POST the event to the endpoint once and record the attempt; return it, or None when
    the same attempt was recorded meanwhile (a "send again" that met a retry)."""
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
        check_url(endpoint.url)  # resolved again now, for a clear refusal; and at connect:
        with _http(public_only=not settings.WEBHOOK_ALLOW_PRIVATE) as session:
            response = session.post(endpoint.url, data=body.encode(), headers=headers)
            status_code = response.status_code
            response.close()
        if not 200 <= status_code < 300:
            error = f"answered {status_code}"
    except AddressNotAllowed as refused:
        error = str(refused)
    except InvalidIPAddress as refused:
        error = URL_REFUSED_AT_CONNECT.format(address=refused)
    except requests.Timeout:
        error = f"no answer within {TIMEOUT_SECONDS} s"
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: could not connect"
    delivery = WebhookDelivery(
        endpoint=endpoint,
        event=event,
        attempt=attempt,
        status_code=status_code,
        error=error[:500],
        duration_ms=round((time.monotonic() - started) * 1000),
        sent_again_by_id=sent_again_by,
    )
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return None
    if error:
        logger.info(
            "webhook %s to endpoint %s attempt %s failed: %s",
            event.webhook_id,
            endpoint.pk,
            attempt,
            error,
        )
    return delivery


def _still_live_after(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> bool:
    """Keep the endpoint's run of failures; disable it after ``DISABLE_AFTER`` of them.
    Return whether it is still live."""
    failing = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if delivery.succeeded:
        if endpoint.failing_since is not None:
            failing.update(failing_since=None)
        return True
    if endpoint.failing_since is None:
        failing.filter(failing_since__isnull=True).update(failing_since=delivery.at)
        return True
    if delivery.at - endpoint.failing_since < DISABLE_AFTER:
        return True
    return not services.webhook_endpoint_disable(endpoint, last_error=delivery.error)


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
    delivery = attempt_delivery(event, endpoint, attempt, sent_again_by)
    if delivery is None or not _still_live_after(endpoint, delivery):
        return
    if delivery.succeeded or attempt >= MAX_ATTEMPTS:
        return
    delay = retry_delay(attempt)
    if delay <= QUEUE_DELAY_LIMIT:
        deliver_to.apply_async((event_id, endpoint_id, attempt + 1), countdown=delay)
    else:
        next_at = delivery.at + dt.timedelta(seconds=delay)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=next_at)


@shared_task
def sweep_retries() -> int:
    """Start the retries whose time has come (those too far ahead for the queue)."""
    due = WebhookDelivery.objects.filter(next_attempt_at__lte=timezone.now()).values_list(
        "pk", "event_id", "endpoint_id", "attempt"
    )
    count = 0
    for pk, event_id, endpoint_id, attempt in due:
        # Queued first, then marked started: a crash in between queues it twice, which
        # ``deliver_to`` runs once; the other order could lose it.
        deliver_to.delay(event_id, endpoint_id, attempt + 1)
        WebhookDelivery.objects.filter(pk=pk).update(next_attempt_at=None)
        count += 1
    return count


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


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=12,
    ignore_result=True,
)
def email_endpoint_disabled(endpoint_id: int, last_error: str) -> int:
    """Tell the clinic's admins that an endpoint was disabled; return how many were emailed."""
    return services.endpoint_disabled_email(
        WebhookEndpoint.objects.select_related("clinic").get(pk=endpoint_id), last_error
    )
