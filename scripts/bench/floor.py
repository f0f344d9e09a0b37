"""The floor: what bare Django does for the same request, served by the same gunicorn.

Each view does the least that shows the same information: the session's user, one query
for the data, a plain template (no base page, no engine, no read model). The app's time
over the floor's is what the app adds; the floor itself is the framework, the middleware
stack (the same for both), PostgreSQL and the network.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from athletes.models import Athlete, SessionLog
from scripts.bench import QUERY_HEADER

FLOOR_SESSION_FIELDS = (
    "date",
    "activity",
    "terrain",
    "surface",
    "incline_percent",
    "duration_min",
    "intensity",
    "pain_before",
    "pain_during",
    "pain_after",
    "client_id",
)


class QueryCountMiddleware:
    """Answer every request with how many SQL statements it ran (``X-Bench-Queries``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERY_HEADER] = str(count)
        return response


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the clinic's active athletes' names and stages: one query."""
    athletes = Athlete.objects.filter(clinic_id=request.user.clinic_id, status="active").only(
        "first_name", "last_name", "stage"
    )
    return render(request, "bench/floor_dashboard.html", {"athletes": athletes})


@require_GET
@login_required
def athlete(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Show one athlete of the clinic and their sessions of the last 12 weeks: two queries."""
    found = get_object_or_404(Athlete, pk=athlete_id, clinic_id=request.user.clinic_id)
    since = timezone.localdate() - dt.timedelta(weeks=12)
    sessions = SessionLog.objects.filter(athlete=found, date__gte=since)
    return render(request, "bench/floor_athlete.html", {"athlete": found, "sessions": sessions})


@csrf_exempt
@require_POST
def session_create(request: HttpRequest) -> HttpResponse:
    """Store one session from JSON (``athlete`` and the session's fields): one INSERT.

    No token, no validation beyond the database's constraints: the least a write costs.
    """
    data = json.loads(request.body)
    session = SessionLog.objects.create(
        athlete_id=data["athlete"], **{k: data[k] for k in FLOOR_SESSION_FIELDS if k in data}
    )
    return JsonResponse({"id": session.pk}, status=201)
