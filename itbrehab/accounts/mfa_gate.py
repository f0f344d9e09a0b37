"""Login's second step: a session with MFA reaches nothing but the code page until verified.

After the right password (Django's LoginView) a therapist with an authenticator app or a
security key is logged in but not verified (django-otp's ``OTPMiddleware``:
``user.is_verified()``); ``MfaGateMiddleware`` then sends every page to the code page (with
``?next=``) and lets only that page, its security-key endpoints and logout through. The
code page takes a code from the app or a recovery code, and offers "Use your security key
or passkey" to a therapist with a key (``itbrehab.accounts.passkey_views``). With
``REQUIRE_MFA``, a therapist without either is sent to the Security page's enrolment. The
session-authenticated API answers 403 JSON saying what to do; a request with its own
``Authorization`` header is the token's business (``itbrehab.accounts.api`` refuses tokens
without MFA).

A wrong code counts as a failed login toward django-axes' lockout of this account and
address, like a wrong password (``AxesMiddleware`` turns the 10th into the 429 page), on
top of the device's own exponential wait.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from itbrehab.accounts import mfa, passkeys
from itbrehab.accounts.forms import MfaCodeForm
from itbrehab.accounts.models import User
from itbrehab.audit.access import record_mfa

API_PREFIX = "/api/v1/"
SECURITY_PREFIX = "/accounts/security/"
CODE_NEEDED_API = (
    "Finish logging in on the code page first (a code from your authenticator app, your "
    "security key or a recovery code)."
)
ENROLMENT_NEEDED = (
    "Your clinic requires two-step login: turn on an authenticator app or add a security key "
    "or passkey to go on."
)
ENROLMENT_NEEDED_API = (
    "Turn on an authenticator app or add a security key on the Security page (/accounts/security/)."
)
# What a session between password and second step may still reach, besides the code page.
_OPEN_WHILE_UNVERIFIED = (
    "logout",
    "healthz",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
)
RECOVERY_CODE_USED = (
    "You used a recovery code: {left} left. Make new ones on the Security page if you lost "
    "your phone."
)


def _enrolled(request: HttpRequest) -> bool:
    """Return whether the session's user has two-step login (an app or a key).

    Read from the session (noted at login), so a page pays no query; asked of the database
    when the session does not know, and when REQUIRE_MFA is on and the session says no
    (it must be sure before sending someone to enrol).
    """
    enrolled = request.session.get(mfa.ENROLLED_KEY)
    if enrolled is None or (not enrolled and settings.REQUIRE_MFA):
        enrolled = mfa.has_mfa(request.user)
        request.session[mfa.ENROLLED_KEY] = enrolled
    return bool(enrolled)


class MfaGateMiddleware:
    """Send a logged-in, unverified browser session to the code page or to enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        path = request.path_info
        api = path.startswith(API_PREFIX)
        if (api and "authorization" in request.headers) or path in (
            reverse("mfa-code"),
            *(reverse(name) for name in _OPEN_WHILE_UNVERIFIED),
        ):
            return self.get_response(request)
        if _enrolled(request):
            if api:
                return _api_refusal(CODE_NEEDED_API, "mfa_code_required")
            return redirect(f"{reverse('mfa-code')}?{urlencode({'next': _next(request)})}")
        if settings.REQUIRE_MFA and not path.startswith(SECURITY_PREFIX):
            if api:
                return _api_refusal(ENROLMENT_NEEDED_API, "mfa_enrolment_required")
            messages.info(request, ENROLMENT_NEEDED)
            return redirect("security")
        return self.get_response(request)


def _next(request: HttpRequest) -> str:
    """Return where to go once verified: this page, or the dashboard after a form post."""
    return request.get_full_path() if request.method == "GET" else reverse("dashboard")


def _api_refusal(detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=403)


def safe_next(request: HttpRequest) -> str:
    """Return ``next`` (posted or in the query) if it stays on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse(settings.LOGIN_REDIRECT_URL)


def lockout_credentials(user: User) -> dict[str, str]:
    # Under the key django-axes reads (itbrehab.accounts.lockout): the same account as
    # the login form's, so wrong codes and wrong passwords add up.
    return {"username": user.email}


@require_http_methods(["GET", "POST"])
def mfa_code(request: HttpRequest) -> HttpResponse:
    """Login's second step: the code from the app or a recovery code (used up).

    A therapist with a key also gets the key's button here; it posts to the key endpoints
    and comes back to ``next`` itself.
    """
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_verified():
        return redirect(safe_next(request))
    if not mfa.has_mfa(request.user):
        # The app and keys were removed elsewhere since this session logged in.
        request.session[mfa.ENROLLED_KEY] = False
        return redirect(safe_next(request))
    has_app = mfa.authenticator(request.user) is not None
    has_keys = passkeys.available() and passkeys.keys_for_user(request.user).exists()
    form = MfaCodeForm(request.POST or None, app=has_app)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if AxesProxyHandler.is_locked(request, lockout_credentials(user)):
            # Locked out by wrong passwords or codes: start again from the login page,
            # which refuses this account from this address until the lockout ends.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            auth.logout(request)
            return redirect(settings.LOGIN_URL)
        try:
            device = mfa.device_for_code(user=user, code=form.cleaned_data["code"])
        except mfa.CodeRefused as refused:
            form.add_error("code", str(refused))
            user_login_failed.send(
                sender=User,
                credentials=lockout_credentials(user),
                request=request,
                second_factor=True,
            )
            if getattr(request, "axes_locked_out", False):
                auth.logout(request)  # AxesMiddleware answers the lockout page
        else:
            otp_login(request, device)
            request.session.cycle_key()
            if isinstance(device, StaticDevice):
                left = mfa.recovery_codes_left(user)
                record_mfa(user, request, f"recovery code used ({left} left)")
                messages.warning(request, RECOVERY_CODE_USED.format(left=left))
            else:
                record_mfa(user, request, "code accepted")
            return redirect(safe_next(request))
    return render(
        request,
        "registration/mfa_code.html",
        {
            "form": form,
            "next": safe_next(request),
            "has_app": has_app,
            "has_keys": has_keys,
            "keys_usable_here": has_keys and passkeys.usable_at(request),
            "rp_id": settings.OTP_WEBAUTHN_RP_ID,
        },
    )
