"""REST API for phone links: list and create an athlete's, revoke one.

A new link's URL is in the answer to its POST only; the database keeps its hash.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from athletes import services
from athletes.models import DeviceLink
from athletes.selectors import device_links_for_user
from athletes.services import link_url
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_scope import AthleteRecordsViewSet, acting_therapist


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
class AthleteDeviceLinkViewSet(AthleteRecordsViewSet):
    """Phone links of one athlete: POST creates one (its URL is shown only in that answer).

    An API client (a clinic system that texts the link) names the therapist the link is
    made for in ``created_by``; a therapist's own token records the therapist.
    """

    serializer_class = DeviceLinkSerializer
    queryset = DeviceLink.objects.none()
    ordering = ("-created_at", "-id")

    @extend_schema(
        request=DeviceLinkCreateSerializer,
        responses={201: DeviceLinkCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DeviceLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, token = services.device_link_create(
            athlete=self.get_athlete(),
            created_by=acting_therapist(request, "created_by"),
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
