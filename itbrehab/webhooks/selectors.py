"""Reads of webhooks, scoped to the admin's own clinic."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from itbrehab.accounts.models import User
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def webhook_endpoints_for_admin(admin: User) -> QuerySet[WebhookEndpoint]:
    """Return the endpoints of the admin's clinic that were not deleted (live or disabled
    for failing), newest first."""
    return WebhookEndpoint.objects.filter(clinic_id=admin.clinic_id, deleted_at__isnull=True)


def webhook_endpoint_for_admin(admin: User, endpoint_id: int | str) -> WebhookEndpoint:
    """Return the endpoint if it belongs to the admin's clinic and was not deleted; raise
    Http404 otherwise."""
    try:
        return webhook_endpoints_for_admin(admin).get(pk=int(endpoint_id))
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError):
        raise Http404("No such webhook in your clinic.") from None


def webhook_event_for_admin(admin: User, webhook_id: str) -> WebhookEvent | None:
    """Return the admin's clinic's event with this ``webhook-id``, or None: an unknown id
    and another clinic's are alike (the caller answers "never sent to this webhook")."""
    return WebhookEvent.objects.filter(clinic_id=admin.clinic_id, webhook_id=webhook_id).first()


def webhook_deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Return the endpoint's attempts, newest first, each with its event and the admin who
    sent it again (one query a page, however many rows)."""
    return endpoint.deliveries.select_related("event", "sent_again_by")
