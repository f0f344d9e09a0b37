"""PT pages for remote therapeutic monitoring (SPEC §11): log and delete management time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from athletes import rtm_services
from athletes.models import RtmTime
from athletes.rtm_forms import RtmTimeForm
from athletes.selectors import athlete_for_user
from athletes.views import _athlete_page, _saved


@login_required
@require_POST
def rtm_time_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Log the requester's management time on the athlete; errors beside the fields."""
    athlete = athlete_for_user(request.user, athlete_id)
    if not athlete.clinic.rtm_enabled:
        raise Http404("Remote monitoring is off.")
    form = RtmTimeForm(request.POST)

    def save(data: dict[str, Any]) -> tuple[int, str]:
        entry = rtm_services.rtm_time_create(athlete=athlete, logged_by=request.user, **data)
        return athlete.pk, f"Logged {entry.minutes} min of remote monitoring."

    return _saved(request, form, save) or _athlete_page(request, athlete, rtm_form=form)


@login_required
@require_POST
def rtm_time_delete(request: HttpRequest, athlete_id: int, entry_id: int) -> HttpResponse:
    """Delete one management-time entry of the athlete (the audit keeps it)."""
    athlete = athlete_for_user(request.user, athlete_id)
    if not athlete.clinic.rtm_enabled:
        raise Http404("Remote monitoring is off.")
    entry = get_object_or_404(RtmTime, pk=entry_id, athlete=athlete)
    entry.athlete = athlete  # loaded with its clinic
    rtm_services.rtm_time_delete(entry=entry)
    messages.success(request, f"Deleted {entry.minutes} min of {entry.date.day} {entry.date:%b}.")
    return redirect("athlete", athlete_id=athlete.pk)
