"""REST API for athletes, their sessions, pain check-ins and phone links (SPEC §3).

Serializers shape and validate input; services do the writes; every queryset goes
through the clinic-scoped selectors, so another clinic's object answers 404.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from athletes import services
from athletes.api_preconditions import (
    ETAG,
    IF_MATCH,
    PRECONDITION_REQUIRED_RESPONSE,
    SESSION_CHANGED_RESPONSES,
    if_match_passes,
    precondition_required,
    session_changed,
    session_etag,
)
from athletes.models import (
    SESSION_INPUT_FIELDS,
    Athlete,
    DeviceLink,
    PainScore,
    SessionLog,
    SessionSource,
)
from athletes.selectors import (
    athlete_for_user,
    athletes_for_user,
    device_links_for_user,
    sessions_for_user,
)
from athletes.services import link_url
from itbrehab.accounts.models import User
from itbrehab.api_errors import FILTER_ERRORS, READ_ERRORS, WRITE_ERRORS, errors
from progressions.rules.protocol import Recommendation, StageCode
from progressions.selectors import progressions_for_athletes


class AthleteScopedMixin:
    """Resolve ``athlete_pk`` through the clinic-scoped access helper (404 if not yours)."""

    kwargs: dict[str, Any]
    request: Request

    def get_athlete(self) -> Athlete:
        if not hasattr(self, "_athlete"):
            self._athlete = athlete_for_user(self.request.user, self.kwargs["athlete_pk"])
        return self._athlete


# --- Athletes -------------------------------------------------------------------------


class ClinicTherapistField(serializers.PrimaryKeyRelatedField):
    """A therapist id, accepted only from the requester's own clinic."""

    def get_queryset(self) -> QuerySet[User]:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return User.objects.none()
        return User.objects.filter(clinic_id=request.user.clinic_id, is_active=True)

    def to_internal_value(self, data: Any) -> User:
        # A whole number only: the database would read 1.5 or true as therapist 1.
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class AthleteSerializer(serializers.ModelSerializer):
    therapist = ClinicTherapistField(
        required=False, help_text="Therapist id (same clinic). Defaults to the requester."
    )
    stage = serializers.ChoiceField(
        choices=StageCode.choices(),
        required=False,
        help_text="Set on create for an athlete arriving mid-protocol (default uphill_walk); "
        "afterwards it changes only through stage changes.",
    )
    stage_started_on = serializers.DateField(
        required=False, help_text="Day the current stage began (default: today, clinic time)."
    )
    target_cadence_spm = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=120,
        max_value=240,
        help_text="Set by hand to fix it; null to follow 1.05 × preferred again.",
    )
    recommendation = serializers.SerializerMethodField()

    class Meta:
        model = Athlete
        fields = [
            "id",
            "clinic",
            "therapist",
            "first_name",
            "last_name",
            "email",
            "phone",
            "affected_side",
            "preferred_cadence_spm",
            "target_cadence_spm",
            "target_cadence_is_manual",
            "walk_gate_minutes",
            "gate_pain_max",
            "distance_unit",
            "status",
            "stage",
            "stage_started_on",
            "recommendation",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["clinic", "target_cadence_is_manual", "created_at", "updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Recommendation.choices()))
    def get_recommendation(self, athlete: Athlete) -> str:
        return str(self.context["progressions"][athlete.pk].recommendation)


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number the database can hold (anything else is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class AthleteFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(choices=StageCode.choices())
    status = django_filters.ChoiceFilter(choices=Athlete._meta.get_field("status").choices)
    therapist = extend_schema_field(OpenApiTypes.INT)(IdFilter(field_name="therapist_id"))
    search = django_filters.CharFilter(method="filter_search", label="Name contains")
    recommendation = django_filters.ChoiceFilter(
        choices=Recommendation.choices(), method="filter_recommendation"
    )

    class Meta:
        model = Athlete
        fields = ["stage", "status", "therapist"]

    def filter_search(self, queryset: QuerySet[Athlete], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset

    def filter_recommendation(self, queryset: QuerySet[Athlete], name: str, value: str):
        # The recommendation is computed, not stored: evaluate the clinic's matching
        # athletes in one batch (a fixed number of queries) and keep those that match.
        athletes = list(queryset.select_related("clinic"))
        if not athletes:
            return queryset.none()
        progressions = progressions_for_athletes(athletes, today=athletes[0].clinic.today())
        return queryset.filter(
            pk__in=[pk for pk, p in progressions.items() if p.recommendation == value]
        )


@extend_schema(tags=["athletes"])
@extend_schema_view(
    list=extend_schema(responses={200: AthleteSerializer, **FILTER_ERRORS}),
    retrieve=extend_schema(responses={200: AthleteSerializer, **READ_ERRORS}),
    partial_update=extend_schema(responses={200: AthleteSerializer, **WRITE_ERRORS}),
)
class AthleteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Athletes of the requester's clinic. No DELETE: discharge with ``status``."""

    serializer_class = AthleteSerializer
    filterset_class = AthleteFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Athlete]:
        return athletes_for_user(self.request.user).order_by("last_name", "first_name", "id")

    def _progressions(self, athletes: list[Athlete]) -> dict[int, Any]:
        if not athletes:
            return {}
        return progressions_for_athletes(athletes, today=self.request.user.clinic.today())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "progressions": self._progressions(page)}
        return self.get_paginated_response(AthleteSerializer(page, many=True, context=context).data)

    def _respond(self, athlete: Athlete, code: int = status.HTTP_200_OK) -> Response:
        context = {**self.get_serializer_context(), "progressions": self._progressions([athlete])}
        return Response(AthleteSerializer(athlete, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @extend_schema(responses={201: AthleteSerializer, **errors(400, 401, 403, 415, 429)})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        therapist = data.pop("therapist", request.user)
        athlete = services.athlete_create(therapist=therapist, **data)
        return self._respond(athlete, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_object()
        serializer = self.get_serializer(athlete, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.athlete_update(athlete=athlete, **serializer.validated_data)
        return self._respond(athlete)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request)
        return super().update(request, *args, **kwargs)


# --- Sessions -------------------------------------------------------------------------


SOURCE_SET_BY_SERVER = (
    'source is set by the server: sessions sent through the API are stored as "api".'
)


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

    class Meta:
        model = SessionLog
        fields = [
            "id",
            "athlete",
            *SESSION_INPUT_FIELDS,
            "source",
            "client_id",
            "changed_variables",
            "warnings",
            "version",
            "created_at",
            "updated_at",
        ]
        # The server says where a session came from (SPEC §3): always "api" here.
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
        # instead, so a client that means to say "phone" learns it cannot.
        own = self.instance.source if self.instance is not None else SessionSource.API
        if "source" in self.initial_data and self.initial_data["source"] != own:
            raise serializers.ValidationError({"source": SOURCE_SET_BY_SERVER})
        if self.instance is None:
            attrs.pop("version", None)  # a new session starts at 1, whatever is sent
        if self.instance is not None and "client_id" in attrs:
            if attrs["client_id"] != self.instance.client_id:
                raise serializers.ValidationError({"client_id": "client_id cannot change."})
            del attrs["client_id"]
        return attrs


class SessionFilter(django_filters.FilterSet):
    activity = django_filters.ChoiceFilter(choices=SessionLog._meta.get_field("activity").choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = SessionLog
        fields = ["activity", "date_after", "date_before"]


@extend_schema(tags=["sessions"])
@extend_schema_view(list=extend_schema(responses={200: SessionLogSerializer, **FILTER_ERRORS}))
class AthleteSessionViewSet(
    AthleteScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """An athlete's sessions, newest first; POST logs one (``client_id`` makes it safe to retry)."""

    serializer_class = SessionLogSerializer
    filterset_class = SessionFilter
    queryset = SessionLog.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[SessionLog]:
        return SessionLog.objects.filter(athlete=self.get_athlete()).order_by("-date", "-id")

    @extend_schema(
        responses={
            201: SessionLogSerializer,
            200: OpenApiResponse(SessionLogSerializer, description="Replayed client_id."),
            **WRITE_ERRORS,
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_athlete()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session, created = services.session_log_create_once(
            athlete=athlete,
            client_id=data.pop("client_id", None),
            source=SessionSource.API,
            **data,
        )
        return Response(
            self.get_serializer(session).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
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


# --- Pain check-ins -------------------------------------------------------------------


class PainScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = PainScore
        fields = ["id", "athlete", "date", "score", "context", "created_at"]
        read_only_fields = ["athlete", "created_at"]


@extend_schema(tags=["pain scores"])
@extend_schema_view(
    list=extend_schema(responses={200: PainScoreSerializer, **READ_ERRORS}),
    create=extend_schema(responses={201: PainScoreSerializer, **WRITE_ERRORS}),
)
class PainScoreViewSet(
    AthleteScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Daily pain check-ins outside sessions (they count toward the weekly pain trend)."""

    serializer_class = PainScoreSerializer
    queryset = PainScore.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[PainScore]:
        return PainScore.objects.filter(athlete=self.get_athlete()).order_by("-date", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_athlete()  # another clinic's athlete answers 404 before the body is judged
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: PainScoreSerializer) -> None:
        serializer.instance = services.pain_score_create(
            athlete=self.get_athlete(), **serializer.validated_data
        )


# --- Device links ---------------------------------------------------------------------


class DeviceLinkCreateSerializer(serializers.Serializer):
    expires_in_days = serializers.IntegerField(
        required=False, min_value=1, max_value=365, default=60,
        help_text="How long the link opens (1–365 days, default 60).",
    )  # fmt: skip


class DeviceLinkCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The phone link; shown once, only its hash is kept.")
    expires_at = serializers.DateTimeField()


class DeviceLinkSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = DeviceLink
        fields = [
            "id", "athlete", "created_by", "created_at", "expires_at", "revoked_at",
            "last_opened_at", "status",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["active", "expired", "revoked"]))
    def get_status(self, link: DeviceLink) -> str:
        if link.revoked_at is not None:
            return "revoked"
        return "active" if link.is_usable(timezone.now()) else "expired"


@extend_schema(tags=["device links"])
@extend_schema_view(list=extend_schema(responses={200: DeviceLinkSerializer, **READ_ERRORS}))
class AthleteDeviceLinkViewSet(
    AthleteScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Phone links of one athlete: POST creates one (its URL is shown only in that answer)."""

    serializer_class = DeviceLinkSerializer
    queryset = DeviceLink.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[DeviceLink]:
        return DeviceLink.objects.filter(athlete=self.get_athlete())

    @extend_schema(
        request=DeviceLinkCreateSerializer,
        responses={201: DeviceLinkCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DeviceLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, token = services.device_link_create(
            athlete=self.get_athlete(),
            created_by=request.user,
            days=serializer.validated_data["expires_in_days"],
        )
        body = {
            "id": link.pk,
            "url": link_url(request, token),
            "expires_at": link.expires_at,
        }
        return Response(DeviceLinkCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["device links"])
@extend_schema_view(destroy=extend_schema(responses={204: None, **READ_ERRORS}))
class DeviceLinkViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """DELETE revokes a phone link at once; phones signed in with it lose access."""

    serializer_class = DeviceLinkSerializer

    def get_queryset(self) -> QuerySet[DeviceLink]:
        return device_links_for_user(self.request.user)

    def perform_destroy(self, instance: DeviceLink) -> None:
        services.device_link_revoke(link=instance)
