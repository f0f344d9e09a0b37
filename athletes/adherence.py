"""Adherence (SPEC §11): the share of the last 4 weeks' planned sessions that were logged.

The PT plans ``Athlete.planned_sessions_per_week`` (default 3). Over the 28 days ending
today (the clinic's today), ``planned`` is that many a week, and ``share`` is the sessions
logged in those days over it, at most 1 (more sessions than planned is not more than
full adherence). Every live session counts, whoever logged it: adherence is about the
training done, not about who typed it (data days for billing are stricter: ``rtm``).

An athlete who began less than 4 weeks ago is judged over the days since they began (the
earlier of the day they were added and their first session), so a new athlete is not
penalised for weeks before their care; under ``MIN_DAYS`` there is no share yet.

``with_adherence`` annotates a queryset with what it needs (two subqueries: no query per
athlete); ``adherence_of`` turns an annotated athlete into its ``Adherence``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from athletes.models import Athlete, SessionLog

WINDOW_DAYS = 28
MIN_DAYS = 7


@dataclass(frozen=True)
class Adherence:
    share: float  # 0–1, two decimals
    logged: int  # sessions logged in the window
    planned: int  # sessions planned in the window (rounded)
    days: int  # the window's days (28, fewer for an athlete who began since)

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def window_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=WINDOW_DAYS - 1)


def adherence(*, today: dt.date, began: dt.date, logged: int, per_week: int) -> Adherence | None:
    """The adherence over the window ending ``today`` for an athlete who began on ``began``;
    None when fewer than ``MIN_DAYS`` days of it have passed."""
    start = max(window_start(today), began)
    days = (today - start).days + 1
    if days < MIN_DAYS:
        return None
    planned = per_week * days / 7
    return Adherence(
        share=round(min(1.0, logged / planned), 2), logged=logged, planned=round(planned), days=days
    )


def with_adherence(athletes: QuerySet[Athlete], today: dt.date) -> QuerySet[Athlete]:
    """Annotate each athlete with the sessions logged in the window and their first session."""
    sessions = SessionLog.objects.filter(athlete=OuterRef("pk")).order_by().values("athlete")
    recent = sessions.filter(date__gte=window_start(today), date__lte=today).annotate(n=Count("pk"))
    first = sessions.annotate(first=Min("date")).values("first")
    return athletes.annotate(
        adherence_logged=Coalesce(
            Subquery(recent.values("n"), output_field=IntegerField()), Value(0)
        ),
        adherence_first_session=Subquery(first),
    )


def adherence_of(athlete: Athlete, today: dt.date) -> Adherence | None:
    """The adherence of an athlete annotated by ``with_adherence`` (its clinic loaded)."""
    return _of(
        athlete,
        today,
        athlete.adherence_logged,  # type: ignore[attr-defined]
        athlete.adherence_first_session,  # type: ignore[attr-defined]
    )


def adherence_for(athlete: Athlete, today: dt.date) -> Adherence | None:
    """One athlete's adherence, in one query (its clinic loaded)."""
    logged, first = (
        with_adherence(Athlete.objects.filter(pk=athlete.pk), today)
        .values_list("adherence_logged", "adherence_first_session")
        .get()
    )
    return _of(athlete, today, logged, first)


def _of(athlete: Athlete, today: dt.date, logged: int, first: dt.date | None) -> Adherence | None:
    began = timezone.localtime(athlete.created_at, athlete.clinic.zone).date()
    if first is not None:
        began = min(began, first)
    return adherence(
        today=today, began=began, logged=logged, per_week=athlete.planned_sessions_per_week
    )
