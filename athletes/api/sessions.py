"""REST API for sessions: an athlete's list and log, and one session's read, change and delete.

A replayed ``client_id`` returns the stored session, and so does a watch file stored again
(``file_sha256``, SPEC §9); a change names the version it is based on (``If-Match`` or
``version``), so no change is lost (``preconditions``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from athletes import services
from athletes.api.preconditions import (
    ETAG,
    IF_MATCH,
    PRECONDITION_REQUIRED_RESPONSE,
    SESSION_CHANGED_RESPONSES,
    if_match_passes,
    precondition_required,
    session_changed,
    session_etag,
)
from athletes.models import SESSION_INPUT_FIELDS, SessionLog, SessionSource
from athletes.models.common import SHA256_HEX
from athletes.selectors import sessions_for_user
from itbrehab.api_errors import FILTER_ERRORS, READ_ERRORS, WRITE_ERRORS
from itbrehab.api_scope import AthleteRecordsViewSet
from itbrehab.audit.access import note_read

SOURCE_SET_BY_SERVER = (
    'source is set by the server: sessions sent through the API are stored as "api" '
    '(as "file" with the file_sha256 of the watch file they were read from).'
)
FILE_SHA256_FIXED = "file_sha256 is the watch file the session was read from: it cannot change."


class SessionLogSerializer(serializers.ModelSerializer):
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A UUID chosen by the client: replaying it returns the stored session.",
    )
    changed_variables = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="Variables changed since the previous running-type session.",
    )  # fmt: skip
    warnings = serializers.ListField(child=serializers.DictField(), read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Counts the changes to the session (also its ETag). On PATCH, the version "
        "the change is based on: if the session has changed since, 409 and nothing is saved. "
        "Ignored on POST (a new session is version 1).",
    )
    file_sha256 = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The SHA-256 of the watch file the session was read from (SPEC §9); "
        "null for a session that was not.",
    )

    class Meta:
        model = SessionLog
        fields = [
            "id",
            "athlete",
            *SESSION_INPUT_FIELDS,
            "source",
            "client_id",
            "file_sha256",
            "changed_variables",
            "warnings",
            "version",
            "created_at",
            "updated_at",
        ]
        # The server says where a session came from (SPEC §3): "api" here, or "file"
        # for a session read from a watch file (given on POST with its file_sha256).
        read_only_fields = ["athlete", "source", "created_at", "updated_at"]
        # An optional choice not given is null, never "": "" is refused beside its field
        # (the database's CHECK would only report it for the whole row).
        extra_kwargs = {
            "terrain": {"allow_blank": False},
            "surface": {"allow_blank": False},
            "intensity": {"allow_blank": False},
        }
        validators: list[Any] = []  # the client_id constraint is handled as a replay

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A read-only field is usually ignored; claiming another source is refused
        # instead, so a client that means to say "phone" learns it cannot. A session read
        # from a watch file is "file" whatever it says (SPEC §9).
        own = self.instance.source if self.instance is not None else SessionSource.API
        from_file = attrs.get("file_sha256") is not None
        if "source" in self.initial_data and self.initial_data["source"] != own and not from_file:
            raise serializers.ValidationError({"source": SOURCE_SET_BY_SERVER})
        # Echoing file_sha256 back, as a client round-tripping a GET would, is fine.
        if (
            self.instance is not None
            and "file_sha256" in self.initial_data
            and self.initial_data["file_sha256"] != self.instance.file_sha256
        ):
            raise serializers.ValidationError({"file_sha256": FILE_SHA256_FIXED})
        if self.instance is None:
            attrs.pop("version", None)  # a new session starts at 1, whatever is sent
        if self.instance is not None and "client_id" in attrs:
            if attrs["client_id"] != self.instance.client_id:
                raise serializers.ValidationError({"client_id": "client_id cannot change."})
            del attrs["client_id"]
        return attrs


# The POST body keeps the name clients know (``SessionLogRequest``): it is the session's,
# plus the one field a new session may set and no change may: file_sha256.
@extend_schema_serializer(component_name="SessionLog")
class SessionLogCreateSerializer(SessionLogSerializer):
    file_sha256 = serializers.CharField(
        required=False,
        allow_null=True,
        trim_whitespace=False,  # a digest is exact: " abc…" is not one
        validators=[SHA256_HEX],
        help_text="For a session read from a watch file: the file_sha256 that "
        'POST …/session-files/ answered. The session is stored with source "file", and '
        "the same file stored again for the athlete answers 200 with the stored session.",
    )


class SessionFilter(django_filters.FilterSet):
    activity = django_filters.ChoiceFilter(choices=SessionLog._meta.get_field("activity").choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = SessionLog
        fields = ["activity", "date_after", "date_before"]


@extend_schema(tags=["sessions"])
@extend_schema_view(list=extend_schema(responses={200: SessionLogSerializer, **FILTER_ERRORS}))
class AthleteSessionViewSet(AthleteRecordsViewSet):
    """An athlete's sessions, newest first; POST logs one (``client_id`` makes it safe to retry)."""

    serializer_class = SessionLogSerializer
    filterset_class = SessionFilter
    queryset = SessionLog.objects.none()
    ordering = ("-date", "-id")

    @extend_schema(
        request=SessionLogCreateSerializer,
        responses={
            201: SessionLogSerializer,
            200: OpenApiResponse(
                SessionLogSerializer,
                description="Replayed client_id, or a watch file (file_sha256) already stored.",
            ),
            **WRITE_ERRORS,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_athlete()
        serializer = SessionLogCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        from_file = data.get("file_sha256") is not None
        session, created = services.session_log_create_once(
            athlete=athlete,
            client_id=data.pop("client_id", None),
            source=SessionSource.FILE if from_file else SessionSource.API,
            **data,
        )
        # The answer is the stored session, shown by the serializer already built (its
        # fields are the session's; building a second one was a tenth of the POST).
        serializer.instance = session
        return Response(
            serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(tags=["sessions"])
@extend_schema_view(
    retrieve=extend_schema(parameters=[ETAG], responses={200: SessionLogSerializer, **READ_ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH, ETAG],
        responses={
            200: SessionLogSerializer,
            **WRITE_ERRORS,
            **SESSION_CHANGED_RESPONSES,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    ),
    destroy=extend_schema(
        parameters=[IF_MATCH],
        responses={204: None, **READ_ERRORS, 412: SESSION_CHANGED_RESPONSES[412]},
    ),
)
class SessionViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One session: PATCH is how ``pain_next_morning`` arrives the next day.

    Every answer with the session carries its ``ETag``; PATCH needs ``If-Match`` or the
    ``version`` it is based on (428 without), DELETE takes ``If-Match`` if sent.
    """

    serializer_class = SessionLogSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[SessionLog]:
        return sessions_for_user(self.request.user)

    def get_object(self) -> SessionLog:
        session: SessionLog = super().get_object()
        note_read(session.athlete_id)  # the audit's read of this athlete, if answered 200
        return session

    def _respond(self, session: SessionLog) -> Response:
        return Response(self.get_serializer(session).data, headers={"ETag": session_etag(session)})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        if_match = request.headers.get("If-Match")
        # The header is judged before the body (RFC 9110 §13.2.2); "no precondition at all"
        # only once the body is known to carry no version.
        if if_match is not None and not if_match_passes(if_match, session):
            return session_changed(session, field=None)
        serializer = self.get_serializer(session, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if if_match is None and version is None:
            return precondition_required()
        try:
            session = services.session_log_update(
                session=session,
                expected_version=session.version if version is None else version,
                **data,
            )
        except services.SessionChangedError as changed:
            return session_changed(changed.current, field=None if version is None else "version")
        except SessionLog.DoesNotExist:
            raise NotFound() from None  # deleted between loading it and the write
        return self._respond(session)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        if_match = request.headers.get("If-Match")
        if if_match is not None and not if_match_passes(if_match, session):
            return session_changed(session, field=None)
        try:
            services.session_log_delete(
                session=session, expected_version=None if if_match is None else session.version
            )
        except services.SessionChangedError as changed:
            return session_changed(changed.current, field=None)
        except SessionLog.DoesNotExist:
            raise NotFound() from None  # deleted by another request meanwhile
        return Response(status=status.HTTP_204_NO_CONTENT)
