"""API throttles: per token for integrations, per client address for logins and anonymous calls.

Every throttle names the client by ``itbrehab.client_ip.client_ip`` (``TRUSTED_PROXY_COUNT``),
never by DRF's own reading of ``X-Forwarded-For``, which trusts whatever a client sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from itbrehab.client_ip import client_ip

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class CurrentRatesMixin:
    """Read the rate from the current settings, not from a copy taken at import time.

    DRF's ``SimpleRateThrottle.THROTTLE_RATES`` is bound when the module is imported, so
    a changed ``REST_FRAMEWORK`` setting (an override, a test's ``settings``) never applies.
    """

    scope: str | None

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            message = f"No default throttle rate set for {self.scope!r}."
            raise ImproperlyConfigured(message) from None


class ClientAddressMixin:
    """Identify an anonymous client by the one trusted client address."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AddressRateThrottle(ClientAddressMixin, CurrentRatesMixin, AnonRateThrottle):
    """Count unauthenticated requests per client address."""


class TokenRateThrottle(ClientAddressMixin, CurrentRatesMixin, UserRateThrottle):
    """Count requests per API token or API client (each its own budget), else per user."""

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = getattr(request, "auth", None)
        token_key = getattr(token, "token_key", None)
        if token_key:
            return self.cache_format % {"scope": self.scope, "ident": f"token-{token_key}"}
        if getattr(request.user, "is_api_client", False):  # an API client: its own budget
            client_id = request.user.api_client.pk
            return self.cache_format % {"scope": self.scope, "ident": f"api-client-{client_id}"}
        return super().get_cache_key(request, view)


class LoginRateThrottle(ClientAddressMixin, CurrentRatesMixin, SimpleRateThrottle):
    """Count login attempts per client address (successful or not)."""

    scope = "login"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
