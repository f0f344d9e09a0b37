"""One JSON shape for every API error.

- 400: ``{"field": ["message", …], …}`` naming each field (``non_field_errors`` for the
  whole object), as Django REST framework does;
- 401/403/404/405/406/415/429: ``{"detail": "…", "code": "…"}``.

A ``django.core.exceptions.ValidationError`` raised by a service becomes a 400 keyed by
the service's field names, so the API and the dashboard report the same messages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """Return the DRF 400 for a model or service ``ValidationError``."""
    if hasattr(error, "error_dict"):
        detail: Any = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or isinstance(exc, exceptions.ValidationError):
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
