"""Who may use the API: an active therapist of a clinic, or an API client within its scopes.

Clinic isolation is in querysets (the access helpers): an API client is scoped by its
clinic exactly as a therapist is (``itbrehab.api_clients.auth.ClientPrincipal``).

An API client's token (SPEC §10) carries ``read`` (the safe methods) and/or ``write`` (the
rest). A view says what clients may do there with ``client_access``:

- ``"scoped"`` (the default): whatever the token's scopes allow (a write that records a
  therapist's decision names that therapist: ``api_scope.acting_therapist``);
- ``"none"``: people only (the api-clients endpoints, the audit log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

ClientAccess = Literal["scoped", "none"]

CLIENT_NEEDS_READ = "This API client's token lacks the read scope, which GET needs."
CLIENT_NEEDS_WRITE = (
    "This API client's token lacks the write scope, which {method} needs: "
    "a clinic admin can create a client with write."
)
CLIENT_NOT_ALLOWED = "This endpoint is for people only: API clients cannot use it."


def is_api_client(request: Request) -> bool:
    """Return whether the request came with an API client's bearer token."""
    return bool(getattr(request.user, "is_api_client", False))


class IsClinicTherapist(BasePermission):
    """Allow active users who belong to a clinic, and API clients within their scopes."""

    message = "Only a clinic's therapists can use this API."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.clinic_id):
            return False
        if is_api_client(request):
            return self._client_may(request, view)
        return True

    def _client_may(self, request: Request, view: APIView) -> bool:
        access: ClientAccess = getattr(view, "client_access", "scoped")
        safe = request.method in SAFE_METHODS
        if access == "none":
            self.message = CLIENT_NOT_ALLOWED
            return False
        scopes = request.user.scopes
        if safe and "read" not in scopes:
            self.message = CLIENT_NEEDS_READ
            return False
        if not safe and "write" not in scopes:
            self.message = CLIENT_NEEDS_WRITE.format(method=request.method)
            return False
        return True
