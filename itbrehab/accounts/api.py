"""API tokens: log in with email and password, log out to revoke the token."""

from __future__ import annotations

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itbrehab.api_throttles import LoginRateThrottle

LOGIN_FAILED = "Email or password is wrong."
LOCKED_OUT = "Too many failed logins for this account from this address: try again later."


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class LockedOut(exceptions.Throttled):
    default_detail = LOCKED_OUT
    default_code = "locked_out"


class TokenView(APIView):
    """``POST`` email + password → a token; ``DELETE`` revokes the token in use."""

    authentication_classes = APIView.authentication_classes

    def get_permissions(self) -> list:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list:
        return [LoginRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(
        tags=["auth"],
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing or malformed email or password."),
            401: OpenApiResponse(description="Email or password is wrong."),
            429: OpenApiResponse(description="Too many attempts: `{detail, code}`."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            raise LockedOut() from None
        if getattr(request._request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active or user.clinic_id is None:
            raise exceptions.AuthenticationFailed(LOGIN_FAILED)
        token, secret = AuthToken.objects.create(user)
        return Response(
            TokenSerializer({"token": secret, "expiry": token.expiry}).data,
            status=status.HTTP_200_OK,
        )

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
