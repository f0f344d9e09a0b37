"""Reads for the API-clients page and endpoints, scoped to the admin's own clinic."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404

from itbrehab.accounts.models import User
from itbrehab.api_clients.models import ApiClient


def api_clients_for_admin(admin: User) -> QuerySet[ApiClient]:
    """Return the clients of the admin's clinic, live ones first, newest first (one query)."""
    return (
        ApiClient.objects.filter(clinic_id=admin.clinic_id)
        .select_related("created_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")
    )


def api_client_for_admin(admin: User, client_id: int | str) -> ApiClient:
    """Return the client if it belongs to the admin's clinic; raise Http404 otherwise."""
    try:
        return ApiClient.objects.get(pk=int(client_id), clinic_id=admin.clinic_id)
    except (ApiClient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such API client in your clinic.") from None
