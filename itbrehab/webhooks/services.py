"""Writes of webhooks: endpoints (clinic admins) and events (the outbox, from the services).

``emit`` is called by the services that change what an event announces, inside their
transaction: it writes the event to the outbox (one INSERT) only when some live endpoint
of the clinic subscribes to that type (``Clinic.webhook_events``, already loaded with the
athlete: no query), and schedules its delivery for after the commit.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from itbrehab.accounts.models import Clinic, User
from itbrehab.webhooks.addresses import AddressNotAllowed, check_url
from itbrehab.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint, WebhookEvent

NOT_A_CLINIC_ADMIN = "Only a clinic admin manages webhooks."
EVENTS_REQUIRED = "Name at least one event."
EVENT_UNKNOWN = "Unknown event {event!r}: one of {known}."


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
    the only one, when the event's retries had ended). A retry already scheduled for the
    same number is then skipped, so asking twice never sends twice. Only an event already
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
    from itbrehab.webhooks.tasks import deliver_to  # the task module imports this one

    transaction.on_commit(
        lambda: deliver_to.delay(event.pk, endpoint.pk, attempt, sent_again_by=admin.pk)
    )
    return attempt


def emit(clinic: Clinic, type: str, **ids: Any) -> WebhookEvent | None:
    """Write the event to the outbox if the clinic wants it; deliver it after the commit.

    ``ids`` are the event's data besides the clinic: ids only (``athlete=``, ``session=``…),
    never a name or a health value. Call inside the change's transaction.
    """
    assert type in EVENT_TYPES, type
    if type not in clinic.webhook_events:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(
        clinic=clinic,
        type=type,
        webhook_id=new_webhook_id(),
        payload={
            "type": type,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": {"clinic": clinic.pk, **ids},
        },
    )
    from itbrehab.webhooks.tasks import deliver  # the task module imports this one

    transaction.on_commit(lambda: deliver.delay(event.pk))
    return event
