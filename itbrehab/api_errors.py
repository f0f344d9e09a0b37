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
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
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


NESTED_TOO_DEEPLY = "JSON parse error - the body is nested too deeply."


def _raised_by_a_parser(exc: BaseException) -> bool:
    """Return whether ``exc`` was raised while a request parser read the body."""
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_globals.get("__name__") == "rest_framework.parsers":
            return True
        frame = frame.tb_next
    return False


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RecursionError) and _raised_by_a_parser(exc):
        # json.loads gives up on deeply nested arrays with RecursionError, not ValueError,
        # which DRF's parser does not turn into a 400: a few KB of "[[[…" would be a 500.
        exc = exceptions.ParseError(NESTED_TOO_DEEPLY)
    elif isinstance(exc, DjangoValidationError):
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


@csrf_exempt  # it reads nothing and changes nothing: any method gets the same 404
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Answer an address under ``/api/`` that names nothing with the API's JSON 404.

    A path parameter the routes don't accept (``/api/v1/athletes/x/``) is an object that
    does not exist, not a page: the client gets ``{detail, code}`` as for any other 404.
    """
    detail = exceptions.NotFound()
    return JsonResponse({"detail": str(detail.detail), "code": detail.default_code}, status=404)


# --- The error answers, for the schema ------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error but a 400: ``{"detail", "code"}``."""

    detail = serializers.CharField()
    code = serializers.CharField()


ERROR_RESPONSES = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Invalid input: `{field: [message, …]}` (`non_field_errors` for the whole).",
    ),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not a clinic's therapist, or a browser session's write without CSRF token.",
    ),
    404: OpenApiResponse(
        ErrorSerializer, description="Not found, another clinic's, or no such page."
    ),
    415: OpenApiResponse(ErrorSerializer, description="The body is not JSON."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: try again later."),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Return the documented error answers with these status codes."""
    return {code: ERROR_RESPONSES[code] for code in codes}


# An authenticated read of one object or one page; a read with filters; a write.
READ_ERRORS = errors(401, 403, 404, 429)
FILTER_ERRORS = errors(400, 401, 403, 404, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 415, 429)
