"""Bearer tokens of API clients on every ``/api/v1/`` endpoint (SPEC §10).

A client-credentials token acts for no person: its request user is a
:class:`ClientPrincipal`, the client seen as a member of its clinic. It has the
``clinic_id`` and ``clinic`` the access helpers (``athletes.selectors``) scope by, so every
query a therapist's request makes is scoped the same way for a client, with no second
code path; it is never a ``User`` row, so it appears in no team, no therapist list, no
reminder, and cannot log in. What only a person may do checks ``is_api_client`` (the
api-clients endpoints, the audit log: ``itbrehab.api_permissions``).

One query authenticates a request: the token by its checksum, with its application, the
``ApiClient`` and its clinic joined (:class:`ApiClientValidator`). A revoked client has no
application and so no tokens: its next request answers 401.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from itbrehab.api_clients.models import SCOPES, ApiClient
from itbrehab.audit.context import name_api_client

if TYPE_CHECKING:
    from rest_framework.request import Request

    from itbrehab.accounts.models import Clinic

# What authenticating one request with a bearer token costs: the token with its
# application, client and clinic, joined.
BEARER_AUTH_QUERIES = 1


@dataclass(frozen=True, eq=False)
class ClientPrincipal:
    """An API client acting in its clinic: what ``request.user`` is for a bearer token."""

    api_client: ApiClient
    scopes: frozenset[str]

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_api_client = True
    is_clinic_admin = False
    is_staff = False
    is_superuser = False
    # Never a user's id: nothing may mistake a client for a therapist.
    pk = None
    id = None

    @property
    def clinic_id(self) -> int:
        return self.api_client.clinic_id

    @property
    def clinic(self) -> Clinic:
        return self.api_client.clinic

    @property
    def actor(self) -> str:
        """How the audit log names the client: ``api client <id>``."""
        return self.api_client.actor

    def __str__(self) -> str:
        return f"API client {self.api_client.name}"

    def get_username(self) -> str:
        return self.actor


class ApiClientValidator(OAuth2Validator):
    """DOT's validator, loading the token's client and clinic in the same query."""

    def _load_access_token(self, token: str) -> AccessToken | None:
        token_model = AccessToken.objects.select_related("application__api_client__clinic", "user")
        return token_model.filter(token_checksum=_checksum(token)).first()


def _checksum(token: str) -> str:
    # As DOT's own lookup: tokens are found by their SHA-256, never compared in clear.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiClientScopes(BaseScopes):
    """An application may be given only the scopes its ``ApiClient`` holds.

    A token request without ``scope`` gets all of them; one asking for more answers
    ``invalid_scope``. An application that is no client of ours gets none.
    """

    def get_all_scopes(self) -> dict[str, str]:
        return SCOPES

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = getattr(application, "api_client", None) if application is not None else None
        return client.scopes if client is not None and client.revoked_at is None else []

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request)


class BearerAuthentication(OAuth2Authentication):
    """``Authorization: Bearer …``: an API client's token, as a :class:`ClientPrincipal`.

    A token of an application that is no live API client of ours (one made in the Django
    admin, say) is refused like an unknown one: 401.
    """

    def authenticate(self, request: Request) -> tuple[ClientPrincipal, AccessToken] | None:
        # Only the header, never ``access_token`` in a query or a body (tokens stay out of
        # URLs and logs), and a request without it is left alone before its body is read.
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.split(" ", 1)[0].lower() != "bearer":
            return None
        authenticated = super().authenticate(request)
        if authenticated is None:
            return None
        _, token = authenticated
        application = token.application
        client = getattr(application, "api_client", None) if application is not None else None
        if client is None or client.revoked_at is not None or token.user_id is not None:
            request.oauth2_error = {"error": "invalid_token"}
            return None
        name_api_client(client.actor)
        return ClientPrincipal(api_client=client, scopes=frozenset(token.scopes)), token


class BearerScheme(OpenApiAuthenticationExtension):
    """Document it as OAuth 2.0 client credentials: ``POST /o/token/``, then ``Bearer``."""

    target_class = "itbrehab.api_clients.auth.BearerAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": (
                "An API client of the clinic (made by a clinic admin on the API clients page "
                "or at /api/v1/api-clients/) gets a token from POST /o/token/ with "
                "grant_type=client_credentials, then sends `Authorization: Bearer <token>`. "
                "`read` allows GET, `write` the rest; the token lasts one hour."
            ),
            "flows": {"clientCredentials": {"tokenUrl": "/o/token/", "scopes": SCOPES}},
        }

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        method = auto_schema.method.upper()
        return {self.name: ["read"] if method in ("GET", "HEAD", "OPTIONS") else ["write"]}
