"""``/api/v1/api-clients/``: a clinic admin's API clients (SPEC §10). People only.

``GET`` lists the clinic's clients (revoked ones too, with when), ``POST`` ``{"name",
"scopes"}`` creates one and answers its ``client_secret``, the only time it is shown;
``DELETE /api-clients/{id}/`` revokes it, ending its tokens at once. Other therapists
get 403; another clinic's client answers 404; an API client's own token gets 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itbrehab.api_clients import services
from itbrehab.api_clients.models import SCOPES, ApiClient
from itbrehab.api_clients.selectors import api_client_for_admin, api_clients_for_admin
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_permissions import IsClinicTherapist


class IsClinicAdmin(BasePermission):
    """Allow the clinic's admins only: every other therapist gets 403."""

    message = services.NOT_A_CLINIC_ADMIN

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_clinic_admin", False))


class ApiClientSerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=list(SCOPES)))

    class Meta:
        model = ApiClient
        fields = ["id", "name", "scopes", "client_id", "created_at", "revoked_at"]
        read_only_fields = fields


class ApiClientCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCOPES)),
        allow_empty=False,
        max_length=len(SCOPES),
        help_text="`read` allows GET; `write` allows POST, PATCH and DELETE.",
    )


class ApiClientCreatedSerializer(ApiClientSerializer):
    client_secret = serializers.CharField(
        help_text="Shown in this answer only: it is stored hashed and cannot be read again."
    )

    class Meta(ApiClientSerializer.Meta):
        fields = [*ApiClientSerializer.Meta.fields, "client_secret"]
        read_only_fields = fields


@extend_schema(tags=["api clients"])
@extend_schema_view(
    list=extend_schema(responses={200: ApiClientSerializer, **READ_ERRORS}),
    destroy=extend_schema(responses={204: None, **WRITE_ERRORS}),
)
class ApiClientViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The clinic's API clients (OAuth 2.0 client credentials), for its admins only."""

    permission_classes = [IsClinicTherapist, IsClinicAdmin]
    client_access = "none"  # an API client never manages API clients
    serializer_class = ApiClientSerializer

    def get_queryset(self) -> QuerySet[ApiClient]:
        if getattr(self, "swagger_fake_view", False):  # the schema, with no admin behind it
            return ApiClient.objects.none()
        return api_clients_for_admin(self.request.user)

    def get_object(self) -> ApiClient:
        return api_client_for_admin(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=ApiClientCreateSerializer,
        responses={201: ApiClientCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApiClientCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client, secret = services.api_client_create(admin=request.user, **serializer.validated_data)
        body = {**ApiClientSerializer(client).data, "client_secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiClient) -> None:
        services.api_client_revoke(admin=self.request.user, api_client=instance)
