"""REST API for athletes: list, read, create and change them (no delete: discharge).

The list and each answer carry the engine's recommendation, computed for the whole page
in a fixed number of queries; every queryset goes through the clinic-scoped selectors.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from athletes import services
from athletes.adherence import adherence_for, adherence_of, with_adherence
from athletes.models import Athlete
from athletes.selectors import athlete_for_user, athletes_for_user
from itbrehab.api_errors import FILTER_ERRORS, READ_ERRORS, WRITE_ERRORS, errors
from itbrehab.api_permissions import is_api_client
from itbrehab.api_scope import ClinicTherapistField
from progressions.rules.protocol import (
    TARGET_CADENCE_MAX,
    TARGET_CADENCE_MIN,
    Recommendation,
    StageCode,
)
from progressions.stored import stored_progressions

THERAPIST_REQUIRED_FOR_API_CLIENT = (
    "An API client must name the athlete's therapist (the id of a therapist of the clinic)."
)


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
        min_value=TARGET_CADENCE_MIN,
        max_value=TARGET_CADENCE_MAX,
        help_text="Set by hand to fix it; null to follow 1.05 × preferred again.",
    )
    recommendation = serializers.SerializerMethodField()
    adherence = serializers.SerializerMethodField(
        help_text="SPEC §11: the share (0–1) of the planned sessions of the last 4 weeks that "
        "were logged (over the days since the athlete began, if fewer than 28); null in the "
        "first week."
    )

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
            "planned_sessions_per_week",
            "rtm_start_on",
            "distance_unit",
            "status",
            "stage",
            "stage_started_on",
            "recommendation",
            "adherence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["clinic", "target_cadence_is_manual", "created_at", "updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Recommendation.choices()))
    def get_recommendation(self, athlete: Athlete) -> str:
        return str(self.context["progressions"][athlete.pk].recommendation)

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0, max_value=1))
    def get_adherence(self, athlete: Athlete) -> float | None:
        found = self.context["adherence"][athlete.pk]
        return None if found is None else found.share


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
        # The stored answers of the clinic's matching athletes (those past their day
        # evaluated in one batch: a fixed number of queries), then keep those that match.
        athletes = list(queryset.select_related("clinic", "stored_progression"))
        if not athletes:
            return queryset.none()
        progressions = stored_progressions(athletes, today=athletes[0].clinic.today())
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
        return (
            athletes_for_user(self.request.user)
            .select_related("stored_progression")
            .order_by("last_name", "first_name", "id")
        )

    def get_object(self) -> Athlete:
        # The access helper: a read of this one athlete, not of the clinic's list.
        athlete = athlete_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, athlete)
        return athlete

    def _progressions(self, athletes: list[Athlete]) -> dict[int, Any]:
        if not athletes:
            return {}
        return stored_progressions(athletes, today=self.request.user.clinic.today())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        today = request.user.clinic.today()
        athletes = with_adherence(self.filter_queryset(self.get_queryset()), today)
        page = self.paginate_queryset(athletes)
        context = {
            **self.get_serializer_context(),
            "progressions": self._progressions(page),
            "adherence": {athlete.pk: adherence_of(athlete, today) for athlete in page},
        }
        return self.get_paginated_response(AthleteSerializer(page, many=True, context=context).data)

    def _respond(self, athlete: Athlete, code: int = status.HTTP_200_OK) -> Response:
        context = {
            **self.get_serializer_context(),
            "progressions": self._progressions([athlete]),
            "adherence": {athlete.pk: adherence_for(athlete, athlete.clinic.today())},
        }
        return Response(AthleteSerializer(athlete, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @extend_schema(responses={201: AthleteSerializer, **errors(400, 401, 403, 415, 429)})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "therapist" not in data and is_api_client(request):
            # A client is no therapist: the athlete's therapist must be named.
            raise ValidationError({"therapist": [THERAPIST_REQUIRED_FOR_API_CLIENT]})
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
