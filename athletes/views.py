"""PT pages for athletes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from athletes.models import AthleteStatus
from athletes.selectors import athletes_for_user
from progressions.rules.protocol import DEFAULT_LADDER, stage_definition


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """List the clinic's active athletes with their stage and days in it."""
    today = request.user.clinic.today() if request.user.clinic_id else None
    athletes = athletes_for_user(request.user).filter(status=AthleteStatus.ACTIVE)
    rows = [
        {
            "athlete": athlete,
            "stage": stage_definition(athlete.stage),
            "days_in_stage": (today - athlete.stage_started_on).days if today else None,
        }
        for athlete in athletes
    ]
    return render(
        request,
        "athletes/dashboard.html",
        {"rows": rows, "stage_count": len(DEFAULT_LADDER)},
    )
