"""The Security page (SPEC §8): a therapist turns on, keeps and removes two-step login.

One page, ``/accounts/security/``: without an authenticator app it shows the QR code (SVG,
segno) and the secret as text for the app, and asks for the app's current code to turn it
on; with one, it says so, counts the recovery codes left, makes new ones, and removes the
app (after a current code). New recovery codes are shown once, on the page right after
they were made, then forgotten: only django-otp's static tokens keep them.
Each action is a POST to its own URL through ``itbrehab.accounts.mfa``; a wrong code comes
back beside the field, nothing changed.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from itbrehab.accounts import mfa
from itbrehab.accounts.forms import MfaCodeForm
from itbrehab.audit.access import record_mfa

NEW_CODES_KEY = "mfa_new_recovery_codes"
ENROLLED = "Two-step login is on: from now on you log in with your password and a code."
CODES_MADE = "New recovery codes are made: the old ones no longer work."
REMOVED = "The authenticator app is removed: you log in with your password only."


def _security_page(
    request: HttpRequest,
    *,
    enrol_form: MfaCodeForm | None = None,
    remove_form: MfaCodeForm | None = None,
) -> HttpResponse:
    """Render the page in the state the user's devices are in (4 queries at most)."""
    user = request.user
    device = mfa.authenticator(user)
    context: dict[str, object] = {
        "device": device,
        "settings_require_mfa": settings.REQUIRE_MFA,
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
        context |= {
            "codes_left": mfa.recovery_codes_left(user),
            "new_codes": request.session.pop(NEW_CODES_KEY, None),
            "remove_form": remove_form or MfaCodeForm(),
        }
    return render(request, "accounts/security.html", context)


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    """The Security page: enrolment, or the app that is on and its recovery codes."""
    return _security_page(request)


@login_required
@require_POST
def security_enrol(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator on with its current code; show the recovery codes once."""
    form = MfaCodeForm(request.POST, recovery=False)
    if mfa.has_mfa(request.user):
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
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, ENROLLED)
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
    """Remove the authenticator app and the recovery codes, after a current code."""
    form = MfaCodeForm(request.POST)
    if not mfa.has_mfa(request.user):
        return redirect("security")
    if form.is_valid():
        try:
            mfa.authenticator_remove(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[mfa.ENROLLED_KEY] = False
            record_mfa(request.user, request, "authenticator app removed")
            messages.success(request, REMOVED)
            return redirect("security")
    return _security_page(request, remove_form=form)
