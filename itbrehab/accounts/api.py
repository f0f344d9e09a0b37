"""API tokens: log in with email and password (and ``otp``), log out to revoke the token.

With MFA (SPEC §8): a user with two-step login also sends ``otp``, a current code from the
authenticator app or an unused recovery code (missing: 400 naming ``otp``; wrong: 401,
counted toward the lockout as a wrong password is). A security key cannot sign an API
login, so a user whose only method is a key sends a recovery code (missing: 400 saying
so); a key never stands in for ``otp``. With ``REQUIRE_MFA``, a user without MFA gets no
token (403 ``mfa_enrolment_required``) until they turn it on on the Security page.

A user holds at most ``TOKEN_LIMIT_PER_USER`` (10) live tokens: the next login answers
403 ``token_limit_reached`` until one is revoked or expires, or the password changes
(which revokes them all).
"""

from __future__ import annotations

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django_otp.plugins.otp_static.models import StaticDevice
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from oauth2_provider.models import AccessToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itbrehab.accounts import mfa
from itbrehab.accounts.models import User
from itbrehab.accounts.services import ApiTokenLimitReached, api_token_create
from itbrehab.api_errors import ErrorSerializer, errors
from itbrehab.api_throttles import LoginRateThrottle
from itbrehab.audit.access import record_mfa

LOGIN_FAILED = "Email or password is wrong."
LOCKED_OUT = "Too many failed logins for this account from this address: try again later."
OTP_REQUIRED = (
    "This account has two-step login: send otp, the code the authenticator app shows now "
    "(or an unused recovery code)."
)
OTP_REQUIRED_KEY_ONLY = (
    "This account's two-step login is a security key or passkey, which the API cannot use: "
    "send otp, one of your unused recovery codes, or turn on an authenticator app on the "
    "Security page (/accounts/security/) for API access."
)
MFA_ENROLMENT_REQUIRED = (
    "Two-step login is required: turn on an authenticator app on the Security page "
    "(/accounts/security/) before asking for an API token."
)
OTP_HELP = (
    "Required for a user with two-step login: the six-digit code their authenticator app "
    "shows now, or one of their unused recovery codes (which then stops working). A user "
    "whose only method is a security key sends a recovery code. Missing: 400; wrong: 401, "
    "counted as a failed login. Ignored otherwise."
)


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text=OTP_HELP)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class LockedOut(exceptions.Throttled):
    default_detail = LOCKED_OUT
    default_code = "locked_out"


class TokenLimitReached(exceptions.PermissionDenied):
    default_code = "token_limit_reached"


class MfaEnrolmentRequired(exceptions.PermissionDenied):
    default_detail = MFA_ENROLMENT_REQUIRED
    default_code = "mfa_enrolment_required"


class TokenView(APIView):
    """``POST`` email + password → a token; ``DELETE`` revokes the token in use (an API
    client's bearer token too)."""

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
                OpenApiTypes.OBJECT,
                description=(
                    "Missing or malformed email or password, or `otp` missing for a user "
                    "with two-step login (the body names the field; for a user whose only "
                    "method is a security key it says to send a recovery code)."
                ),
            ),
            401: OpenApiResponse(ErrorSerializer, description="Email, password or `otp` is wrong."),
            403: OpenApiResponse(
                ErrorSerializer,
                description=(
                    f"`token_limit_reached`: the account already holds "
                    f"{knox_settings.TOKEN_LIMIT_PER_USER} live tokens, the most it may. "
                    "Revoke one (`DELETE` this URL with it), wait for one to expire, or "
                    "change the password (which revokes them all). "
                    "`mfa_enrolment_required`: the server requires two-step login "
                    "(`REQUIRE_MFA`) and this user has not turned on an authenticator app "
                    "on the Security page yet."
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
        self._second_factor(request, user, serializer.validated_data.get("otp", ""))
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

    def _second_factor(self, request: Request, user: User, otp: str) -> None:
        """Check ``otp`` for a user with MFA; refuse a user without it when it is required.

        MFA counts keys too (``mfa.has_mfa``), so a key-only user never gets past here
        without a code: the API cannot do WebAuthn, and a recovery code is their ``otp``.

        A wrong code is a failed login to django-axes (per account and address), so the
        lockout counts wrong codes and wrong passwords together.
        """
        if not mfa.has_mfa(user):
            if settings.REQUIRE_MFA:
                raise MfaEnrolmentRequired()
            return
        if not otp.strip():
            key_only = mfa.authenticator(user) is None
            raise exceptions.ValidationError(
                {"otp": [OTP_REQUIRED_KEY_ONLY if key_only else OTP_REQUIRED]}
            )
        try:
            device = mfa.device_for_code(user=user, code=otp)
        except mfa.CodeRefused as refused:
            user_login_failed.send(
                sender=User,
                credentials={"email": user.email},
                request=request._request,
                second_factor=True,
            )
            if getattr(request._request, "axes_locked_out", False):
                request._request.axes_locked_out = False
                cool_off = get_cool_off(request._request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None) from refused
            raise exceptions.AuthenticationFailed(str(refused)) from refused
        used = "recovery code used" if isinstance(device, StaticDevice) else "code accepted"
        record_mfa(user, request._request, f"{used} for an API token")

    @extend_schema(tags=["auth"], request=None, responses={204: None, **errors(401, 429)})
    def delete(self, request: Request) -> Response:
        """Revoke the token in use: a therapist's, or an API client's bearer token."""
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        elif isinstance(request.auth, AccessToken):
            request.auth.revoke()
        return Response(status=status.HTTP_204_NO_CONTENT)
