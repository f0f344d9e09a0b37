"""Preconditions on changing a session through the API (SPEC §7: no lost update).

A session's version is its strong ETag (``"3"``). A change says which version it is
based on, with ``If-Match`` or ``version`` in the body; these helpers judge the header
and shape the answers (412, 409, 428) and their schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from athletes.models import SessionLog
from itbrehab.api_errors import ErrorSerializer

# A change to a session must say which version it was based on (SPEC §7: no lost update):
# ``If-Match`` with the ETag from GET, or ``version`` in the body. Without either it is
# refused (428): "never silently overwrites" leaves no room for a blind write.
SESSION_PRECONDITION_REQUIRED = (
    "Say which version of the session this change is based on: send If-Match with the "
    'ETag of GET /api/v1/sessions/{id}/ (e.g. If-Match: "3"), or its version in the body.'
)
SESSION_IF_MATCH_FAILED = (
    "If-Match does not match: the session was changed since it was loaded and its ETag is "
    'now "{version}". Nothing was saved; GET it again and make the change on that version.'
)
SESSION_VERSION_CONFLICT = (
    "version: the session was changed since it was loaded and is now at version {version}. "
    "Nothing was saved; GET it again and make the change on that version."
)


def session_etag(session: SessionLog) -> str:
    """Return the session's strong entity tag: its version, quoted."""
    return f'"{session.version}"'


def if_match_passes(header: str, session: SessionLog) -> bool:
    """Return whether an ``If-Match`` value lets a change of ``session`` go ahead.

    ``*`` matches any stored session; otherwise one of the listed tags must equal the
    session's ETag by strong comparison (RFC 9110 §13.1.1): a weak ``W/"3"`` or a
    malformed value never matches.
    """
    tags = parse_etags(header)
    return "*" in tags or session_etag(session) in tags


class SessionChangedSerializer(ErrorSerializer):
    """409 and 412: the session changed since the client loaded it."""

    current_version = serializers.IntegerField(help_text="The session's version now.")
    field = serializers.CharField(
        required=False, help_text="409 only: the body field that did not match (version)."
    )


def session_changed(current: SessionLog, *, field: str | None) -> Response:
    """Answer a change based on an older version: 409 naming the body ``field``, else 412."""
    version = current.version
    if field is None:
        code = status.HTTP_412_PRECONDITION_FAILED
        body: dict[str, Any] = {
            "detail": SESSION_IF_MATCH_FAILED.format(version=version),
            "code": "precondition_failed",
        }
    else:
        code = status.HTTP_409_CONFLICT
        body = {
            "detail": SESSION_VERSION_CONFLICT.format(version=version),
            "code": "version_conflict",
            "field": field,
        }
    body["current_version"] = version
    return Response(body, status=code, headers={"ETag": session_etag(current)})


def precondition_required() -> Response:
    """Answer a change that names no version (428)."""
    body = {"detail": SESSION_PRECONDITION_REQUIRED, "code": "precondition_required"}
    return Response(body, status=status.HTTP_428_PRECONDITION_REQUIRED)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag from GET (e.g. `"3"`): the change is made only if the session is '
    "still at that version, else 412 and nothing is written.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description='The session\'s version as a strong entity tag, e.g. `"3"`: send it back '
    "in If-Match.",
)
SESSION_CHANGED_RESPONSES = {
    409: OpenApiResponse(
        SessionChangedSerializer,
        description="The body's `version` is not the session's current version: it was "
        "changed since it was loaded. Nothing was written.",
    ),
    412: OpenApiResponse(
        SessionChangedSerializer,
        description="If-Match does not match the session's current ETag. Nothing was written.",
    ),
}
PRECONDITION_REQUIRED_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="Neither If-Match nor `version` was sent: a change must say which version it "
    "is based on. Nothing was written.",
)
