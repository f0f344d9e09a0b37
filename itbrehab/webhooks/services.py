"""Writes of webhooks: endpoints (clinic admins) and events (the outbox, from the services).

``emit`` is called by the services that change what an event announces, inside their
transaction: it writes the event to the outbox (one INSERT) only when some live endpoint
of the clinic subscribes to that type (``Clinic.webhook_events``, already loaded with the
athlete: no query), and schedules its delivery for after the commit. ``emit_all`` writes
several in the same one INSERT: a write's own event and the ``progression.changed`` it
caused (``progressions.stored.progression_refresh``).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from itbrehab.accounts.models import Clinic, User
from itbrehab.webhooks.addresses import AddressNotAllowed, check_url
from itbrehab.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint, WebhookEvent

NOT_A_CLINIC_ADMIN = "Only a clinic admin manages webhooks."
EVENTS_REQUIRED = "Name at least one event."
EVENT_UNKNOWN = "Unknown event {event!r}: one of {known}."
# An endpoint whose every attempt failed for this many days is disabled (SPEC §10).
DISABLE_AFTER_DAYS = 3


def new_secret() -> str:
    """Return a signing secret as Standard Webhooks shows it: ``whsec_`` + base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _clinic_events_refresh(clinic_id: int) -> None:
    """Store on the clinic which event types its live endpoints want (locks the clinic)."""
    Clinic.objects.select_for_update().only("pk").get(pk=clinic_id)
    wanted = set()
    for events in live_endpoints().filter(clinic_id=clinic_id).values_list("events", flat=True):
        wanted.update(events)
    Clinic.objects.filter(pk=clinic_id).update(webhook_events=sorted(wanted))


def live_endpoints() -> QuerySet[WebhookEndpoint]:
    """Endpoints events are sent to: neither deleted nor disabled."""
    return WebhookEndpoint.objects.filter(deleted_at__isnull=True, disabled_at__isnull=True)


def _check_admin(admin: User) -> None:
    if not (admin.is_clinic_admin and admin.clinic_id):
        raise PermissionError(NOT_A_CLINIC_ADMIN)


@transaction.atomic
def webhook_endpoint_create(*, admin: User, url: str, events: list[str]) -> WebhookEndpoint:
    """Register an endpoint of the admin's clinic; its ``secret`` is readable here only.

    Raises ``ValidationError`` keyed ``url`` or ``events`` and writes nothing otherwise.
    """
    _check_admin(admin)
    if not events:
        raise ValidationError({"events": EVENTS_REQUIRED})
    for event in events:
        if event not in EVENT_TYPES:
            known = ", ".join(EVENT_TYPES)
            raise ValidationError({"events": EVENT_UNKNOWN.format(event=event, known=known)})
    try:
        check_url(url)
    except AddressNotAllowed as error:
        raise ValidationError({"url": str(error)}) from None
    endpoint = WebhookEndpoint(
        clinic_id=admin.clinic_id,
        url=url,
        events=list(dict.fromkeys(events)),
        secret=new_secret(),
        created_by=admin,
    )
    endpoint.full_clean(exclude=["clinic", "created_by"])
    endpoint.save()
    _clinic_events_refresh(admin.clinic_id)
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, admin: User, endpoint: WebhookEndpoint) -> None:
    """Stop sending to the endpoint for good; its row and delivery log stay (``deleted_at``)."""
    _check_admin(admin)
    if endpoint.deleted_at is None:
        endpoint.deleted_at = timezone.now()
        endpoint.save(update_fields=["deleted_at"])
    _clinic_events_refresh(endpoint.clinic_id)


ENDPOINT_DELETED = "This webhook was deleted."
ENDPOINT_DISABLED = "This webhook is disabled because it kept failing: enable it again first."
EVENT_NOT_SENT_HERE = "This event was never sent to this webhook."
ALREADY_SENDING = (
    "This event is being sent again already, as attempt {attempt}: refresh to see the answer."
)


@transaction.atomic
def webhook_endpoint_enable(*, admin: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to an endpoint again that was disabled for failing; its failures start afresh.

    Events of the time it was disabled are not sent (their retries ended with it); an
    admin can send any of them again from the delivery log.
    """
    _check_admin(admin)
    if endpoint.deleted_at is not None:
        raise ValidationError({"endpoint": ENDPOINT_DELETED})
    if endpoint.disabled_at is not None:
        endpoint.disabled_at = None
        endpoint.failing_since = None
        endpoint.save(update_fields=["disabled_at", "failing_since"])
        _clinic_events_refresh(endpoint.clinic_id)
    return endpoint


def webhook_send_again(*, admin: User, endpoint: WebhookEndpoint, event: WebhookEvent) -> int:
    """Make the next attempt of ``event`` to ``endpoint`` now, same ``webhook-id``; return
    its attempt number.

    It is an attempt like the others: if it fails, the retries go on from it (or it is
    the only one, when the event's retries had ended); a retry scheduled for the same
    number is then skipped. Asking again while that attempt is still on its way (a double
    click: it is recorded only once the receiver answered, up to 10 s) is refused with
    ``ALREADY_SENDING``, a claim in the shared cache for a minute. Only an event already
    sent to this endpoint (it is in its log), and only while the endpoint is live.
    """
    _check_admin(admin)
    if endpoint.deleted_at is not None:
        raise ValidationError({"endpoint": ENDPOINT_DELETED})
    if endpoint.disabled_at is not None:
        raise ValidationError({"endpoint": ENDPOINT_DISABLED})
    last = (
        WebhookDelivery.objects.filter(endpoint=endpoint, event=event)
        .order_by("-attempt")
        .values_list("attempt", flat=True)
        .first()
    )
    if last is None or event.clinic_id != endpoint.clinic_id:
        raise ValidationError({"event": EVENT_NOT_SENT_HERE})
    attempt = last + 1
    if not cache.add(f"webhook-send-again:{endpoint.pk}:{event.pk}:{attempt}", True, 60):
        raise ValidationError({"event": ALREADY_SENDING.format(attempt=attempt)})
    from itbrehab.webhooks.tasks import deliver_to  # the task module imports this one

    transaction.on_commit(
        lambda: deliver_to.delay(event.pk, endpoint.pk, attempt, sent_again_by=admin.pk)
    )
    return attempt


@transaction.atomic
def webhook_endpoint_disable(endpoint: WebhookEndpoint, *, last_error: str) -> bool:
    """Disable an endpoint that kept failing and email its clinic's admins; return whether
    this call disabled it.

    Only if it is still failing since the same moment (a success meanwhile cleared
    ``failing_since``) and live. The email goes after the commit, by a task of its own
    that retries while the mail server refuses.
    """
    now = timezone.now()
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk,
        failing_since=endpoint.failing_since,
        disabled_at__isnull=True,
        deleted_at__isnull=True,
    ).update(disabled_at=now)
    if not disabled:
        return False
    endpoint.disabled_at = now
    _clinic_events_refresh(endpoint.clinic_id)
    from itbrehab.webhooks.tasks import email_endpoint_disabled  # imports this module

    transaction.on_commit(lambda: email_endpoint_disabled.delay(endpoint.pk, last_error))
    return True


def endpoint_disabled_email(endpoint: WebhookEndpoint, last_error: str) -> int:
    """Email each active admin of the endpoint's clinic that it was disabled, and how to
    enable it again; return how many. No event's content is in it: ids only ever were."""
    admins = list(
        User.objects.filter(clinic_id=endpoint.clinic_id, is_clinic_admin=True, is_active=True)
    )
    zone = endpoint.clinic.zone
    context = {
        "endpoint": endpoint,
        "clinic": endpoint.clinic,
        "failing_since": timezone.localtime(endpoint.failing_since, zone),
        "disabled_at": timezone.localtime(endpoint.disabled_at, zone),
        "last_error": last_error,
        "url": settings.SITE_URL + reverse("webhook-detail", args=[endpoint.pk]),
        "days": DISABLE_AFTER_DAYS,
    }
    for admin in admins:
        send_mail(
            subject=f"ITB Rehab: webhooks to {urlsplit(endpoint.url).hostname} are disabled",
            message=render_to_string("emails/webhook_disabled.txt", {**context, "admin": admin}),
            from_email=None,
            recipient_list=[admin.email],
        )
    return len(admins)


# An event to announce: its clinic, type and ids (``athlete=``, ``session=``…).
Announcement = tuple[Clinic, str, dict[str, Any]]


def emit(clinic: Clinic, type: str, **ids: Any) -> WebhookEvent | None:
    """Write the event to the outbox if the clinic wants it; deliver it after the commit.

    ``ids`` are the event's data besides the clinic: ids only (``athlete=``, ``session=``…),
    never a name or a health value. Call inside the change's transaction.
    """
    events = emit_all([(clinic, type, ids)])
    return events[0] if events else None


def emit_all(announcements: Iterable[Announcement]) -> list[WebhookEvent]:
    """``emit`` several events in one INSERT (none when no clinic wants any of them)."""
    now = timezone.now()
    timestamp = now.isoformat().replace("+00:00", "Z")
    events = []
    for clinic, type, ids in announcements:
        assert type in EVENT_TYPES, type
        if type in clinic.webhook_events:
            payload = {"type": type, "timestamp": timestamp, "data": {"clinic": clinic.pk, **ids}}
            events.append(
                WebhookEvent(clinic=clinic, type=type, webhook_id=new_webhook_id(), payload=payload)
            )
    if not events:
        return []
    WebhookEvent.objects.bulk_create(events)
    from itbrehab.webhooks.tasks import deliver  # the task module imports this one

    def deliver_all() -> None:
        for event in events:
            deliver.delay(event.pk)

    transaction.on_commit(deliver_all)
    return events
