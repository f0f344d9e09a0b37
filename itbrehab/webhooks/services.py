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
from django.utils import timezone

from itbrehab.accounts.models import Clinic, User
from itbrehab.webhooks.addresses import AddressNotAllowed, check_url
from itbrehab.webhooks.models import EVENT_TYPES, WebhookEndpoint, WebhookEvent

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
    for events in WebhookEndpoint.objects.filter(
        clinic_id=clinic_id, disabled_at__isnull=True
    ).values_list("events", flat=True):
        wanted.update(events)
    Clinic.objects.filter(pk=clinic_id).update(webhook_events=sorted(wanted))


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
    """Stop sending to the endpoint; it and its delivery log stay (``disabled_at``)."""
    _check_admin(admin)
    if endpoint.disabled_at is None:
        endpoint.disabled_at = timezone.now()
        endpoint.save(update_fields=["disabled_at"])
    _clinic_events_refresh(endpoint.clinic_id)


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
