"""The JSON endpoints django-otp-webauthn's JavaScript calls: add a key, log in with one.

Each is the library's view with the app's rules around it (``itbrehab.accounts.passkeys``
holds the writes). The browser first asks "begin" for the WebAuthn options (the server
keeps the challenge in the session), lets the key sign them, then posts the result to
"complete", which checks it; each challenge is used once.

- Adding a key (``/accounts/security/keys/add/…``) needs a logged-in session that has
  passed its second step if it has one (the library refuses otherwise), so it sits under
  the Security page, which a therapist without MFA reaches when ``REQUIRE_MFA`` sends them
  to enrol. The first key turns MFA on as the app does; the answer names the page to
  reload, which then shows the key and, once, the recovery codes.
- Logging in with a key (``/accounts/login/code/key/…``) is the code page's other way
  through: only for a session that entered the right password (never passwordless),
  with the user's own keys, refused while the account is locked out from this address.
  It marks the session verified as a right code does and answers where to go next (the
  same safe ``next`` rules as the code form).

Errors answer JSON ``{"detail", "code"}``, which the library's script shows beside its button.
"""

from __future__ import annotations

from logging import getLogger
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.settings import app_settings
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from itbrehab.accounts import mfa, mfa_gate, passkeys
from itbrehab.accounts.security import NEW_CODES_KEY
from itbrehab.audit.access import record_mfa

KEY_ADDED_MFA_ON = (
    "Two-step login is on: from now on you log in with your password and your security key "
    "or passkey."
)
KEY_ADDED = "{name} is added: you can log in with it from now on."
UNAVAILABLE = "Security keys and passkeys are not set up on this server."
LOCKED_OUT = "Too many failed logins for this account from this address: try again later."


class KeysUnavailable(exceptions.OTPWebAuthnApiError):
    status_code = 404
    default_detail = UNAVAILABLE
    default_code = "keys_unavailable"


class KeyLimitReached(exceptions.OTPWebAuthnApiError):
    status_code = 400
    default_detail = passkeys.KEY_LIMIT_REACHED
    default_code = "key_limit_reached"


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = LOCKED_OUT
    default_code = "locked_out"


def _logger() -> Any:
    # The library's own logger name: its checks' failures, for whoever debugs a key.
    return getLogger(app_settings.OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME)


def _require_keys() -> None:
    if not passkeys.available():
        raise KeysUnavailable()


class KeyAddBegin(BeginCredentialRegistrationView):
    """``POST``: the options for the browser to make a new key for the logged-in therapist."""

    def check_can_register(self) -> None:
        _require_keys()
        if passkeys.keys_for_user(self.request.user).count() >= passkeys.KEY_LIMIT:
            raise KeyLimitReached()


class KeyAddComplete(CompleteCredentialRegistrationView):
    """``POST``: check and save the key the browser made; turn MFA on if it was off."""

    def check_can_register(self) -> None:
        _require_keys()

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        request: HttpRequest = self.request
        user = self.get_user()
        state = self.get_state()
        helper = self.get_helper()
        try:
            with rewrite_exceptions(logger=_logger()):
                key, codes = passkeys.key_register(
                    user=user,
                    complete=lambda: helper.register_complete(
                        user=user, state=state, data=request.data
                    ),
                    keep_session=request.session.session_key,
                )
        except ValidationError as error:
            raise KeyLimitReached(" ".join(error.messages)) from error
        if not user.is_verified():
            # Proved by making the key, as the app's enrolment is by its first code.
            otp_login(request, key)
        record_mfa(user, request, f"{key.name} added")
        request.session[mfa.ENROLLED_KEY] = True
        if codes:
            request.session[NEW_CODES_KEY] = codes
        messages.success(request, KEY_ADDED_MFA_ON if codes else KEY_ADDED.format(name=key.name))
        return JsonResponse({"id": key.pk, "redirect_url": reverse("security")})


class KeyLoginBegin(BeginCredentialAuthenticationView):
    """``POST``: the options for the browser to sign with one of this user's keys."""

    def check_can_authenticate(self) -> None:
        _require_keys()
        if not self.request.user.is_authenticated:
            # After the password only: a key is a second step, never a login by itself.
            raise exceptions.NotAuthenticated()


class KeyLoginComplete(CompleteCredentialAuthenticationView):
    """``POST``: check the signature; the session is then verified, as by a right code."""

    def check_can_authenticate(self) -> None:
        _require_keys()
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if AxesProxyHandler.is_locked(
            self.request, mfa_gate.lockout_credentials(self.request.user)
        ):
            # As the code form does: locked out, the session ends and the login page
            # refuses this account from this address until the lockout ends.
            auth.logout(self.request)
            raise LockedOut()

    def complete_auth(self, device: WebAuthnCredential) -> None:
        otp_login(self.request, device)
        self.request.session.cycle_key()
        record_mfa(self.request.user, self.request, f"{device.name} used")

    def get_success_url(self) -> str:
        return mfa_gate.safe_next(self.request)
