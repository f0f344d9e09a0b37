"""``/api/v1/webhooks/``: a clinic admin's webhook endpoints (SPEC §10). People only.

``GET`` lists the clinic's endpoints that were not deleted (live, or disabled for failing:
``disabled_at``), ``POST`` ``{"url","events"}`` registers one and answers its ``secret``,
the only time it is shown; ``GET /webhooks/{id}/`` reads one; ``DELETE /webhooks/{id}/``
stops it for good; ``POST /webhooks/{id}/enable/`` sends to a disabled one again;
``GET /webhooks/{id}/deliveries/`` lists each delivery attempt and
``POST /webhooks/{id}/deliveries/send-again/`` ``{"webhook_id"}`` makes the next attempt of
one of them now. Other therapists get 403; another clinic's endpoint answers 404 (its
event: 400, as an unknown one); an API client's token gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_permissions import IsClinicTherapist
from itbrehab.webhooks import services
from itbrehab.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint
from itbrehab.webhooks.selectors import (
    webhook_deliveries,
    webhook_endpoint_for_admin,
    webhook_endpoints_for_admin,
    webhook_event_for_admin,
)


class IsClinicAdmin(BasePermission):
    """Allow the clinic's admins only: every other therapist gets 403."""

    message = services.NOT_A_CLINIC_ADMIN

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_clinic_admin", False))


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField())
    disabled_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When it was disabled after failing for 3 days (null: live). Nothing is "
        "sent to it until `POST /webhooks/{id}/enable/`.",
    )
    failing_since = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Since when every attempt to it failed (null: the last one succeeded).",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "created_at", "disabled_at", "failing_since"]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="https, to a public address (SPEC §10).")
    events = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        max_length=len(EVENT_TYPES),
        help_text="Any of: " + ", ".join(EVENT_TYPES) + ".",
    )


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="`whsec_` + base64: the signing key, shown in this answer only."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="event.webhook_id")
    type = serializers.CharField(source="event.type")
    sent_again_by = serializers.EmailField(
        source="sent_again_by.email",
        read_only=True,
        allow_null=True,
        help_text="The admin who asked for this attempt with send-again (null: the app sent it).",
    )
    next_attempt_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the next attempt is due, for a retry scheduled far ahead (null otherwise).",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "type",
            "attempt",
            "status_code",
            "error",
            "duration_ms",
            "at",
            "sent_again_by",
            "next_attempt_at",
        ]
        read_only_fields = fields


class SendAgainSerializer(serializers.Serializer):
    webhook_id = serializers.CharField(
        max_length=40,
        help_text="The event's `webhook-id` (`msg_…`), as its deliveries list it.",
    )


class SentAgainSerializer(serializers.Serializer):
    webhook_id = serializers.CharField()
    attempt = serializers.IntegerField(
        help_text="The number of the attempt made now; its answer shows in the deliveries."
    )


@extend_schema(tags=["webhooks"])
@extend_schema_view(
    list=extend_schema(responses={200: WebhookEndpointSerializer, **READ_ERRORS}),
    retrieve=extend_schema(responses={200: WebhookEndpointSerializer, **READ_ERRORS}),
    destroy=extend_schema(responses={204: None, **WRITE_ERRORS}),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The clinic's webhook endpoints, for its admins only."""

    permission_classes = [IsClinicTherapist, IsClinicAdmin]
    client_access = "none"  # an API client never manages webhooks (as with api-clients)
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return webhook_endpoints_for_admin(self.request.user)

    def get_object(self) -> WebhookEndpoint:
        return webhook_endpoint_for_admin(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = services.webhook_endpoint_create(
                admin=request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        body = {**WebhookEndpointSerializer(endpoint).data, "secret": endpoint.secret}
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(admin=self.request.user, endpoint=instance)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request: Request, pk: str) -> Response:
        """Each delivery attempt to this endpoint, newest first."""
        endpoint = self.get_object()
        page = self.paginate_queryset(webhook_deliveries(endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        """Send to an endpoint disabled for failing again; its failures count afresh.

        Events of the time it was disabled are not sent: send any of them again from its
        deliveries. Enabling a live endpoint changes nothing.
        """
        endpoint = self.get_object()
        try:
            services.webhook_endpoint_enable(admin=request.user, endpoint=endpoint)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        request=SendAgainSerializer,
        responses={202: SentAgainSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="deliveries/send-again",
        url_name="send-again",
        serializer_class=SendAgainSerializer,
    )
    def send_again(self, request: Request, pk: str) -> Response:
        """Make the next attempt of an event already sent to this endpoint, now.

        Same `webhook-id`, signed anew; its answer shows in the deliveries (`sent_again_by`).
        400 naming `webhook_id` for an event never sent to this endpoint (unknown, or
        another clinic's), naming `endpoint` while it is disabled.
        """
        endpoint = self.get_object()
        serializer = SendAgainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook_id = serializer.validated_data["webhook_id"]
        event = webhook_event_for_admin(request.user, webhook_id)
        if event is None:
            raise ValidationError({"webhook_id": [services.EVENT_NOT_SENT_HERE]})
        try:
            attempt = services.webhook_send_again(
                admin=request.user, endpoint=endpoint, event=event
            )
        except DjangoValidationError as error:
            # The service names the event ``event``; the API calls it by its webhook_id.
            errors = error.message_dict
            if "event" in errors:
                errors["webhook_id"] = errors.pop("event")
            raise ValidationError(errors) from None
        return Response(
            {"webhook_id": webhook_id, "attempt": attempt}, status=status.HTTP_202_ACCEPTED
        )
