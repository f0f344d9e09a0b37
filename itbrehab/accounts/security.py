"""The Security page (SPEC §8): a therapist turns on, keeps and removes two-step login.

One page, ``/accounts/security/``, with each method beside the other:

- the authenticator app: without one, the QR code (SVG, segno) and the secret as text for
  the app, and its current code to turn it on; with one, since when, and "Remove the app"
  (after a current code);
- security keys and passkeys (``itbrehab.accounts.passkeys``): the therapist's keys (name,
  added, last used), each with Remove, and "Add a security key or passkey", which
  django-otp-webauthn's script shows only where the browser offers WebAuthn
  (``window.PublicKeyCredential``); the page says why when it cannot;
- the recovery codes once either is on: how many are left, and "Make new recovery codes".

The first app or key turns MFA on and makes the recovery codes, shown once, on the page
right after they were made, then forgotten: only django-otp's static tokens keep them.
Removing an app or a key asks for a fresh check (a current code or an unused recovery
code), so a session left open cannot weaken the login; removing the last one turns MFA
off. Each action is a POST to its own URL through ``mfa`` and ``passkeys``; a wrong code
comes back beside the field, nothing changed.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from itbrehab.accounts import mfa, passkeys
from itbrehab.accounts.forms import MfaCodeForm
from itbrehab.audit.access import record_mfa

NEW_CODES_KEY = "mfa_new_recovery_codes"
ENROLLED = "Two-step login is on: from now on you log in with your password and a code."
APP_ADDED = "The authenticator app is on: you can log in with its code or your security key."
CODES_MADE = "New recovery codes are made: the old ones no longer work."
REMOVED = "The authenticator app is removed: you log in with your password only."
APP_REMOVED_KEYS_LEFT = "The authenticator app is removed: you log in with your security key."
KEY_REMOVED = "{name} is removed: you log in with your password only."
KEY_REMOVED_MFA_LEFT = "{name} is removed."


def _security_page(
    request: HttpRequest,
    *,
    enrol_form: MfaCodeForm | None = None,
    remove_form: MfaCodeForm | None = None,
) -> HttpResponse:
    """Render the page in the state the user's devices are in.

    Costs the same however many keys or codes there are (a test holds the budget): the
    app, the keys (one query), the pending app while there is none, the codes left while
    MFA is on.
    """
    user = request.user
    device = mfa.authenticator(user)
    keys = list(passkeys.keys_for_user(user))
    enrolled = device is not None or bool(keys)
    context: dict[str, object] = {
        "device": device,
        "keys": keys,
        "enrolled": enrolled,
        "settings_require_mfa": settings.REQUIRE_MFA,
        "keys_available": passkeys.available(),
        "keys_usable_here": passkeys.usable_at(request),
        "rp_id": settings.OTP_WEBAUTHN_RP_ID,
        "key_limit_reached": len(keys) >= passkeys.KEY_LIMIT,
        "new_codes": request.session.pop(NEW_CODES_KEY, None),
    }
    if device is None:
        pending = mfa.enrolment_device(user=user)
        pending.user = user  # config_url names the account: no need to load it again
        context |= {
            "qr": segno.make(pending.config_url, error="m").svg_inline(scale=4),
            "secret": mfa.secret_for_typing(pending),
            "enrol_form": enrol_form or MfaCodeForm(recovery=False),
        }
    else:
        context["remove_form"] = remove_form or MfaCodeForm()
    if enrolled:
        context["codes_left"] = mfa.recovery_codes_left(user)
    return render(request, "accounts/security.html", context)


def _keep_verified(request: HttpRequest, device: Device | None) -> None:
    """After a removal: keep the session verified with ``device``, or note MFA is off."""
    if device is None:
        request.session[mfa.ENROLLED_KEY] = False
    else:
        otp_login(request, device)


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    """The Security page: the app, the keys and the recovery codes."""
    return _security_page(request)


@login_required
@require_POST
def security_enrol(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator on with its current code; show new recovery codes once."""
    form = MfaCodeForm(request.POST, recovery=False)
    if mfa.authenticator(request.user) is not None:
        return redirect("security")
    if form.is_valid():
        try:
            device, codes = mfa.enrolment_confirm(
                user=request.user,
                code=form.cleaned_data["code"],
                keep_session=request.session.session_key,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            otp_login(request, device)  # this session has just proved the code
            record_mfa(request.user, request, "authenticator app turned on")
            request.session[mfa.ENROLLED_KEY] = True
            if codes:
                request.session[NEW_CODES_KEY] = codes
            messages.success(request, ENROLLED if codes else APP_ADDED)
            return redirect("security")
    return _security_page(request, enrol_form=form)


@login_required
@require_POST
def security_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes (the old ones stop working) and show them once."""
    try:
        request.session[NEW_CODES_KEY] = mfa.recovery_codes_regenerate(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        record_mfa(request.user, request, "new recovery codes made")
        messages.success(request, CODES_MADE)
    return redirect("security")


@login_required
@require_POST
def security_remove(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator app, after a current code or a recovery code."""
    form = MfaCodeForm(request.POST)
    if mfa.authenticator(request.user) is None:
        return redirect("security")
    if form.is_valid():
        try:
            device = mfa.authenticator_remove(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _keep_verified(request, device)
            record_mfa(request.user, request, "authenticator app removed")
            messages.success(request, REMOVED if device is None else APP_REMOVED_KEYS_LEFT)
            return redirect("security")
    return _security_page(request, remove_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def security_key_remove(request: HttpRequest, key_id: int) -> HttpResponse:
    """Ask for a fresh check, then remove one of the therapist's keys (404 for another's)."""
    key = passkeys.key_for_user(request.user, key_id)
    has_app = mfa.authenticator(request.user) is not None
    form = MfaCodeForm(request.POST or None, app=has_app)
    if request.method == "POST" and form.is_valid():
        try:
            device = passkeys.key_remove(user=request.user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _keep_verified(request, device)
            record_mfa(request.user, request, f"{key.name} removed")
            message = KEY_REMOVED if device is None else KEY_REMOVED_MFA_LEFT
            messages.success(request, message.format(name=key.name))
            return redirect("security")
    return render(
        request,
        "accounts/security_key_remove.html",
        {
            "key": key,
            "form": form,
            "has_app": has_app,
            "last_method": not has_app and passkeys.keys_for_user(request.user).count() == 1,
            "settings_require_mfa": settings.REQUIRE_MFA,
        },
    )
