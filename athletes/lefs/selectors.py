"""Reads for the LEFS: what the phone needs to offer it, and each athlete's completed totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from athletes.lefs.scale import MCID, TOTAL_MAX, LefsChange, changes, lefs_due
from athletes.models import Athlete, LefsResponse


@dataclass(frozen=True, slots=True)
class LefsState:
    """Whether the phone offers the LEFS today, and the unfinished response if there is one."""

    open_response: LefsResponse | None
    last_completed: LefsResponse | None
    due: bool

    @property
    def offer(self) -> bool:
        """Offer the questionnaire: due, or started and not finished."""
        return self.due or self.open_response is not None


def lefs_state(athlete: Athlete) -> LefsState:
    """Return the athlete's LEFS state on the clinic's today, in one query.

    At most one response is unfinished (a constraint), so the two rows ordered unfinished
    first, then newest completed, are the unfinished one and the last completed one (or the
    last two completed, when none is unfinished). The athlete's clinic must be loaded.
    """
    rows = list(
        LefsResponse.objects.filter(athlete=athlete).order_by(
            F("completed_at").desc(nulls_first=True), "-id"
        )[:2]
    )
    open_response = next((r for r in rows if r.completed_at is None), None)
    last = next((r for r in rows if r.completed_at is not None), None)
    due = lefs_due(athlete, last.completed_at if last else None, athlete.clinic.today())
    return LefsState(open_response=open_response, last_completed=last, due=due)


def lefs_completed(athlete: Athlete) -> list[LefsResponse]:
    """Return the athlete's completed responses, oldest first (one query)."""
    return list(
        LefsResponse.objects.filter(athlete=athlete, completed_at__isnull=False).order_by(
            "completed_at", "id"
        )
    )


def lefs_history(athlete: Athlete) -> list[tuple[LefsResponse, LefsChange]]:
    """Return each completed response, oldest first, with its change from the one before.

    The day of a response is the day it was completed in the clinic's time zone. One query.
    """
    zone = athlete.clinic.zone
    responses = lefs_completed(athlete)
    points = changes(
        (r.completed_at.astimezone(zone).date(), r.total or 0)
        for r in responses
        if r.completed_at is not None
    )
    return list(zip(responses, points, strict=True))


def lefs_chart(athlete: Athlete) -> dict[str, Any]:
    """Return the athlete page's LEFS section: the table's rows and the chart's series.

    Each point: the day (clinic time), the total, the change from the previous total and
    whether it reached the MCID, and the change as the PT reads it ("+12 (MCID)"). Oldest
    first. One query (``lefs_history``); not cached with the sessions table and charts,
    whose key knows nothing of the LEFS.
    """
    points = [
        {
            "date": change.completed_on,  # ISO in the page's JSON (DjangoJSONEncoder)
            "total": change.total,
            "change": change.change,
            "mcid_reached": change.mcid_reached,
            "label": change.label,
        }
        for _response, change in lefs_history(athlete)
    ]
    return {"points": points, "total_max": TOTAL_MAX, "mcid": MCID}
