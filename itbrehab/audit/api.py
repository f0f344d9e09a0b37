"""``GET /api/v1/audit-events/``: the clinic's audit log, for its admins (SPEC §8)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from itbrehab.api_errors import errors
from itbrehab.api_permissions import IsClinicTherapist
from itbrehab.audit.selectors import ACTIONS, AuditEventList, audit_events_for_clinic


class IsClinicAdmin(BasePermission):
    """Allow the clinic's admins only: everyone else gets 403 (SPEC §8)."""

    message = "Only a clinic admin can read the clinic's audit log."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_clinic_admin", False))


class AuditFilterSerializer(serializers.Serializer):
    """The query parameters; a bad one answers 400 naming it, as every list does."""

    athlete = serializers.IntegerField(required=False, min_value=1)
    actor = serializers.CharField(required=False, max_length=100)
    action = serializers.ChoiceField(choices=ACTIONS, required=False)
    date_after = serializers.DateField(required=False)
    date_before = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("date_after"), attrs.get("date_before")
        if after and before and after > before:
            raise serializers.ValidationError({"date_before": "Must not be before date_after."})
        return attrs


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(
        help_text='"therapist <id>", "api client <id>", "phone link <id>", "anonymous" or "system".'
    )
    action = serializers.ChoiceField(choices=ACTIONS)
    object_type = serializers.CharField(
        help_text="A write's record: athlete, session, pain_score, device_link, stage_change, "
        "stage_review, rtm_time or lefs_response. A read's: athlete, or athlete_list when a "
        "page or response showed the clinic's athletes. A login, failed login, logout or MFA "
        "event's: therapist."
    )
    object_id = serializers.IntegerField(
        allow_null=True, help_text="The record's id; null for an athlete_list."
    )
    athlete = serializers.IntegerField(
        allow_null=True,
        help_text="The athlete whose data it is; null for an athlete_list and account events.",
    )
    changes = serializers.DictField(
        child=serializers.ListField(allow_null=True),
        help_text="{field: [before, after]}: before is null on create, after on delete; "
        "empty for the other actions.",
    )
    ip = serializers.CharField(allow_null=True)
    detail = serializers.CharField(
        help_text="Where: a read's page or endpoint (\"GET /api/v1/athletes/5/\"), a write's "
        'path; what, for an MFA event ("code accepted", "wrong code", '
        '"authenticator app turned on", "recovery code used (9 left)").'
    )


_FILTERS = [
    OpenApiParameter("athlete", OpenApiTypes.INT, description="One athlete's events."),
    OpenApiParameter("actor", OpenApiTypes.STR, description='As listed, e.g. "therapist 5".'),
    OpenApiParameter("action", OpenApiTypes.STR, enum=ACTIONS),
    OpenApiParameter("date_after", OpenApiTypes.DATE, description="From this day (clinic time)."),
    OpenApiParameter("date_before", OpenApiTypes.DATE, description="To this day, inclusive."),
]


@extend_schema(
    tags=["audit"],
    parameters=_FILTERS,
    responses={200: AuditEventSerializer(many=True), **errors(400, 401, 403, 429)},
)
class AuditEventListView(generics.ListAPIView):
    """The clinic's audit log, newest first: who read, created, changed or deleted what, when.

    Reads (one event per page or response that showed athletes' data), logins, failed
    logins, logouts and MFA events are in the same list as the writes.

    Clinic admins only (403 for other therapists). The log is append-only: there is no
    way to change or delete an event, here or anywhere else.
    """

    client_access = "none"  # people only, never an API client (api_permissions)
    serializer_class = AuditEventSerializer
    permission_classes = [IsClinicTherapist, IsClinicAdmin]
    filter_backends: list[type] = []  # the filters are validated and applied below

    def get_queryset(self) -> AuditEventList:  # type: ignore[override]
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return audit_events_for_clinic(self.request.user.clinic, **filters.validated_data)
