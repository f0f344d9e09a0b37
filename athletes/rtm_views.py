"""PT pages for remote therapeutic monitoring (SPEC §11): management time, the monthly report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from athletes import rtm_services, services
from athletes.models import Athlete, RtmTime
from athletes.rtm_forms import RtmMonthForm, RtmStartForm, RtmTimeForm
from athletes.rtm_report import MONTH_INVALID, RtmReport, report_csv, rtm_report
from athletes.selectors import athlete_for_user
from athletes.views import _athlete_page, _saved


def _rtm_athlete(request: HttpRequest, athlete_id: int) -> Athlete:
    """The clinic's athlete, for a remote-monitoring form: 404 when the clinic has it off."""
    athlete = athlete_for_user(request.user, athlete_id)
    if not athlete.clinic.rtm_enabled:
        raise Http404("Remote monitoring is off.")
    return athlete


@login_required
@require_POST
def rtm_time_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Log the requester's management time on the athlete; errors beside the fields."""
    athlete = _rtm_athlete(request, athlete_id)
    form = RtmTimeForm(request.POST)

    def save(data: dict[str, Any]) -> tuple[int, str]:
        entry = rtm_services.rtm_time_create(athlete=athlete, logged_by=request.user, **data)
        return athlete.pk, f"Logged {entry.minutes} min of remote monitoring."

    return _saved(request, form, save) or _athlete_page(request, athlete, rtm_form=form)


@login_required
@require_POST
def rtm_time_delete(request: HttpRequest, athlete_id: int, entry_id: int) -> HttpResponse:
    """Delete one management-time entry of the athlete (the audit keeps it)."""
    athlete = _rtm_athlete(request, athlete_id)
    entry = get_object_or_404(RtmTime, pk=entry_id, athlete=athlete)
    entry.athlete = athlete  # loaded with its clinic
    rtm_services.rtm_time_delete(entry=entry)
    messages.success(request, f"Deleted {entry.minutes} min of {entry.date.day} {entry.date:%b}.")
    return redirect("athlete", athlete_id=athlete.pk)


@login_required
@require_POST
def rtm_start(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Set (or clear) the day the athlete's first monitoring period starts."""
    athlete = _rtm_athlete(request, athlete_id)
    form = RtmStartForm(request.POST, instance=athlete)

    def save(data: dict[str, Any]) -> tuple[int, str]:
        services.athlete_update(athlete=athlete, rtm_start_on=data["rtm_start_on"])
        start = data["rtm_start_on"]
        return athlete.pk, (
            f"Monitoring periods start on {start.day} {start:%b %Y}."
            if start
            else "Monitoring periods start on the first day with data."
        )

    return _saved(request, form, save) or _athlete_page(request, athlete, rtm_form=form)


def _report_month(request: HttpRequest) -> tuple[RtmMonthForm, dt.date | None]:
    form = RtmMonthForm(request.GET)
    return form, form.cleaned_data["month"] if form.is_valid() else None


def _csv_response(report: RtmReport) -> HttpResponse:
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rtm-{report.month:%Y-%m}.csv"'
    return response


@login_required
@require_GET
def rtm_report_page(request: HttpRequest) -> HttpResponse:
    """The monthly RTM report of the clinic (``?month=YYYY-MM``; ``&format=csv`` downloads it).

    Without ``month`` it opens on the clinic's current month; a bad one is a form error
    (400). A clinic with RTM off sees that it is off.
    """
    clinic = request.user.clinic
    if clinic is None:
        raise Http404("No clinic.")
    if not clinic.rtm_enabled:
        return render(request, "athletes/rtm_report.html", {"off": True, "form": RtmMonthForm()})
    if "month" not in request.GET:
        return redirect(f"{reverse('rtm-report')}?month={clinic.today():%Y-%m}")
    form, month = _report_month(request)
    if month is None:
        return render(request, "athletes/rtm_report.html", {"form": form}, status=400)
    report = rtm_report(request.user, month)
    if request.GET.get("format") == "csv":
        return _csv_response(report)
    return render(request, "athletes/rtm_report.html", {"form": form, "report": report})


@login_required
@require_GET
def rtm_report_csv(request: HttpRequest) -> HttpResponse:
    """The monthly RTM report as CSV (``/reports/rtm.csv?month=YYYY-MM``)."""
    clinic = request.user.clinic
    if clinic is None or not clinic.rtm_enabled:
        raise Http404("Remote monitoring is off.")
    _form, month = _report_month(request)
    if month is None:
        return HttpResponse(MONTH_INVALID, status=400, content_type="text/plain; charset=utf-8")
    return _csv_response(rtm_report(request.user, month))
