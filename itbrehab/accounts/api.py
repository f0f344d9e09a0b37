"""API tokens: log in with email and password, log out to revoke the token.

A user holds at most ``TOKEN_LIMIT_PER_USER`` (10) live tokens: the next login answers
403 ``token_limit_reached`` until one is revoked or expires, or the password changes
(which revokes them all).
"""

from __future__ import annotations

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itbrehab.accounts.models import User
from itbrehab.accounts.services import ApiTokenLimitReached, api_token_create
from itbrehab.api_errors import ErrorSerializer, errors
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


class TokenLimitReached(exceptions.PermissionDenied):
    default_code = "token_limit_reached"


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
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Missing or malformed email or password."
            ),
            401: OpenApiResponse(ErrorSerializer, description="Email or password is wrong."),
            403: OpenApiResponse(
                ErrorSerializer,
                description=(
                    f"`token_limit_reached`: the account already holds "
                    f"{knox_settings.TOKEN_LIMIT_PER_USER} live tokens, the most it may. "
                    "Revoke one (`DELETE` this URL with it), wait for one to expire, or "
                    "change the password (which revokes them all)."
                ),
            ),
            **errors(415),
            429: OpenApiResponse(ErrorSerializer, description="Too many attempts."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Lower-case, so "PT@x" and "pt@x" are one account to the lockout as to the login.
        # Passed under the user model's login field: django-axes reads the username from
        # that key (AXES_USERNAME_FORM_FIELD), so failures are counted per account.
        credentials = {
            User.USERNAME_FIELD: serializer.validated_data["email"].lower(),
            "password": serializer.validated_data["password"],
        }
        locked_out = False
        try:
            user = authenticate(request._request, **credentials)
        except AxesBackendPermissionDenied:
            user, locked_out = None, True
        if locked_out or getattr(request._request, "axes_locked_out", False):
            # Answer the API's own JSON 429; AxesMiddleware would replace it with text.
            request._request.axes_locked_out = False
            cool_off = get_cool_off(request._request)
            raise LockedOut(wait=cool_off.total_seconds() if cool_off else None)
        if user is None or not user.is_active or user.clinic_id is None:
            raise exceptions.AuthenticationFailed(LOGIN_FAILED)
        try:
            token, secret = api_token_create(user=user)
        except ApiTokenLimitReached as error:
            raise TokenLimitReached(str(error)) from error
        # As a browser login does: django-axes resets the failure count on success
        # (AXES_RESET_ON_SUCCESS) and Django records last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(
            TokenSerializer({"token": secret, "expiry": token.expiry}).data,
            status=status.HTTP_200_OK,
        )

    @extend_schema(tags=["auth"], request=None, responses={204: None, **errors(401, 429)})
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
