"""REST API for RTM management time (SPEC §11): an athlete's entries, and one entry's change.

``GET|POST /athletes/{id}/rtm-time/`` lists and logs; ``GET|PATCH|DELETE /rtm-time/{id}/``
reads, changes and deletes one. A therapist's token logs the therapist's own time; an API
client (a clinic system relaying it) names the therapist in ``logged_by``, exactly as a
stage change names ``changed_by``. A clinic with RTM off answers 403 saying so.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from athletes import rtm_services
from athletes.models import Athlete, RtmTime
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_scope import AthleteRecordsViewSet, acting_therapist, listed_and_created
from itbrehab.audit.access import note_read


class RtmTimeSerializer(serializers.ModelSerializer):
    logged_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        help_text="The therapist who spent the time: the requester, or for an API client "
        "the id of the clinic's therapist it names in logged_by on POST (required then).",
    )
    live_call = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A live two-way call (interactive communication) with the athlete took "
        "place: what 98980 needs.",
    )

    class Meta:
        model = RtmTime
        fields = [
            "id", "athlete", "logged_by", "date", "minutes", "live_call", "note",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["athlete", "created_at", "updated_at"]


def refuse_when_off(athlete: Athlete) -> None:
    """Raise 403 with the reason when the athlete's clinic has RTM turned off."""
    if not athlete.clinic.rtm_enabled:
        raise PermissionDenied(rtm_services.RTM_OFF)


@extend_schema(tags=["remote monitoring"])
@listed_and_created(RtmTimeSerializer)
class AthleteRtmTimeViewSet(AthleteRecordsViewSet):
    """Management time spent on the athlete's remote monitoring, newest first; POST logs some."""

    serializer_class = RtmTimeSerializer
    queryset = RtmTime.objects.none()
    ordering = ("-date", "-id")

    def get_athlete(self) -> Athlete:
        athlete = super().get_athlete()
        refuse_when_off(athlete)
        return athlete

    def perform_create(self, serializer: RtmTimeSerializer) -> None:
        athlete = self.get_athlete()
        serializer.instance = rtm_services.rtm_time_create(
            athlete=athlete,
            logged_by=acting_therapist(self.request, "logged_by"),
            **serializer.validated_data,
        )


@extend_schema(tags=["remote monitoring"])
@extend_schema_view(
    retrieve=extend_schema(responses={200: RtmTimeSerializer, **READ_ERRORS}),
    partial_update=extend_schema(responses={200: RtmTimeSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, **READ_ERRORS}),
)
class RtmTimeViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One management-time entry: PATCH corrects it, DELETE removes it (both audited)."""

    serializer_class = RtmTimeSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[RtmTime]:
        user = self.request.user
        if not user.is_authenticated or user.clinic_id is None:
            return RtmTime.objects.none()
        return RtmTime.objects.filter(athlete__clinic_id=user.clinic_id).select_related(
            "athlete__clinic"
        )

    def get_object(self) -> RtmTime:
        entry: RtmTime = super().get_object()
        refuse_when_off(entry.athlete)
        note_read(entry.athlete_id)  # the audit's read of this athlete, if answered 2xx
        return entry

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = rtm_services.rtm_time_update(entry=entry, **serializer.validated_data)
        return Response(self.get_serializer(entry).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rtm_services.rtm_time_delete(entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
