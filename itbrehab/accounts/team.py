"""The Team page: a clinic admin's view of the clinic's therapists, and their actions (SPEC §8).

Every URL answers 403 to anyone but a clinic admin (before any lookup, so a non-admin
learns nothing about ids), and 404 for a therapist of another clinic. Each action is a
POST through a service in ``itbrehab.accounts.services``; a refusal (oneself, the last
admin) is shown on the therapist's row, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from itbrehab.accounts import services
from itbrehab.accounts.forms import ClinicRtmForm, InviteForm
from itbrehab.accounts.invitations import invitation_hours
from itbrehab.accounts.models import User
from itbrehab.accounts.selectors import team_for_admin, team_member_for_admin

View = Callable[..., HttpResponse]


def clinic_admin_required(view: View) -> View:
    """Let in logged-in clinic admins; anonymous → login page, any other therapist → 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_clinic_admin and request.user.clinic_id):
            raise PermissionDenied("Only a clinic admin manages the team.")
        return view(request, *args, **kwargs)

    return wrapped


def _team_page(
    request: HttpRequest,
    *,
    invite_form: InviteForm | None = None,
    row_error: tuple[int, str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "accounts/team.html",
        {
            "team": team_for_admin(request.user),
            "invite_form": invite_form or InviteForm(),
            "row_error": row_error,
            "valid_hours": invitation_hours(),
            # The clinic is the header's, loaded already: no query.
            "rtm_form": ClinicRtmForm(initial={"rtm_enabled": request.user.clinic.rtm_enabled}),
        },
    )


@clinic_admin_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """The clinic's therapists: role, active or not, last login, caseload; the invite form."""
    return _team_page(request)


@clinic_admin_required
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    """Invite a therapist: a new account without a password, and the emailed link to set it."""
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.therapist_invite(admin=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invited.email}: the link works once, "
                f"within {invitation_hours()} hours.",
            )
            return redirect("team")
    return _team_page(request, invite_form=form)


@clinic_admin_required
@require_POST
def team_rtm(request: HttpRequest) -> HttpResponse:
    """Turn remote therapeutic monitoring (SPEC §11) on or off for the clinic."""
    form = ClinicRtmForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid (absent is off)
    clinic = services.clinic_rtm_set(admin=request.user, enabled=form.cleaned_data["rtm_enabled"])
    messages.success(
        request,
        "Remote therapeutic monitoring is on."
        if clinic.rtm_enabled
        else "Remote therapeutic monitoring is off: the athlete pages and the report no "
        "longer show it; what was recorded is kept.",
    )
    return redirect("team")


def _team_action(
    act: Callable[[User, User], str],
) -> View:
    """Build the view for one action on one therapist: helper → service → message or error."""

    @clinic_admin_required
    @require_POST
    def view(request: HttpRequest, therapist_id: int) -> HttpResponse:
        therapist = team_member_for_admin(request.user, therapist_id)
        try:
            done = act(request.user, therapist)
        except ValidationError as error:
            return _team_page(request, row_error=(therapist.pk, " ".join(error.messages)))
        messages.success(request, done)
        return redirect("team")

    view.__doc__ = act.__doc__
    return view


def _deactivate(admin: User, therapist: User) -> str:
    """Deactivate: their sessions and API tokens end now; their athletes stay."""
    services.therapist_deactivate(admin=admin, therapist=therapist)
    return (
        f"{therapist} is deactivated: logged out everywhere, API tokens revoked. "
        "Their athletes stay in the clinic: reassign them from each athlete's details."
    )


def _reactivate(admin: User, therapist: User) -> str:
    """Re-activate: they can log in again, as a therapist (not an admin)."""
    services.therapist_reactivate(admin=admin, therapist=therapist)
    return f"{therapist} is active again and can log in."


def _make_admin(admin: User, therapist: User) -> str:
    """Make the therapist a clinic admin."""
    services.therapist_set_admin(admin=admin, therapist=therapist, is_admin=True)
    return f"{therapist} is now a clinic admin."


def _remove_admin(admin: User, therapist: User) -> str:
    """Take the clinic-admin role away (never from the last admin)."""
    services.therapist_set_admin(admin=admin, therapist=therapist, is_admin=False)
    return f"{therapist} is no longer a clinic admin."


team_deactivate = _team_action(_deactivate)
team_reactivate = _team_action(_reactivate)
team_make_admin = _team_action(_make_admin)
team_remove_admin = _team_action(_remove_admin)
