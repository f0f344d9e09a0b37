"""Writes for API clients: a clinic admin creates one (its secret shown once) or revokes it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from itbrehab.accounts.models import User
from itbrehab.api_clients.models import READ, SCOPES, WRITE, ApiClient

API_CLIENT_NAME_REQUIRED = "Give the client a name (what the integration is)."
API_CLIENT_SCOPES_REQUIRED = "Choose at least one scope: read, write or both."
API_CLIENT_SCOPE_UNKNOWN = "Unknown scope {scope!r}: the scopes are read and write."
API_CLIENT_ALREADY_REVOKED = "This API client is already revoked."
NOT_A_CLINIC_ADMIN = "Only a clinic admin manages API clients."


def _checked_scopes(scopes: Iterable[str]) -> set[str]:
    chosen = set(scopes)
    for scope in sorted(chosen - set(SCOPES)):
        raise ValidationError({"scopes": API_CLIENT_SCOPE_UNKNOWN.format(scope=scope)})
    if not chosen:
        raise ValidationError({"scopes": API_CLIENT_SCOPES_REQUIRED})
    return chosen


@transaction.atomic
def api_client_create(*, admin: User, name: str, scopes: Iterable[str]) -> tuple[ApiClient, str]:
    """Create a client-credentials client for the admin's clinic; return it and its secret.

    The secret exists in clear only in this return value: DOT stores it hashed (as a
    password). The application gets no user: a token of it acts for the clinic, through
    the client, never as a person. Bad input raises ``ValidationError`` and writes nothing.
    """
    if not (admin.is_clinic_admin and admin.clinic_id):
        raise PermissionError(NOT_A_CLINIC_ADMIN)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": API_CLIENT_NAME_REQUIRED})
    chosen = _checked_scopes(scopes)
    secret = generate_client_secret()
    application = Application(
        name=name[:255],
        user=None,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        redirect_uris="",
    )
    client = ApiClient(
        clinic_id=admin.clinic_id,
        name=name,
        may_read=READ in chosen,
        may_write=WRITE in chosen,
        client_id=application.client_id,
        created_by=admin,
    )
    client.full_clean(exclude=["application"])
    application.full_clean()
    application.save()
    client.application = application
    client.save()
    return client, secret


@transaction.atomic
def api_client_revoke(*, admin: User, api_client: ApiClient) -> ApiClient:
    """Revoke the client now: its credentials and every token it holds are deleted.

    A request with one of its tokens answers 401 from this commit on; ``/o/token/`` no
    longer knows its client id. The row stays, marked revoked, for the audit log.
    """
    if not (admin.is_clinic_admin and admin.clinic_id == api_client.clinic_id):
        raise PermissionError(NOT_A_CLINIC_ADMIN)
    locked = ApiClient.objects.select_for_update().get(pk=api_client.pk)
    if locked.revoked_at is not None:
        raise ValidationError(API_CLIENT_ALREADY_REVOKED)
    application_id = locked.application_id
    locked.application = None
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["application", "revoked_at"])
    # Deleting the application deletes its tokens with it (DOT's foreign keys cascade).
    Application.objects.filter(pk=application_id).delete()
    return locked
