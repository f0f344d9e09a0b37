"""Reads for remote therapeutic monitoring (SPEC §11): data days and management time.

Each function reads a whole set of athletes at once, so a page or report of any size
costs the same number of queries (stated on each function).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum

from athletes import rtm
from athletes.models import Athlete, PainScore, PainSource, RtmTime, SessionLog, SessionSource

# The athlete's own data (SPEC §11): sessions from the phone or a watch file, check-ins
# from the phone. A PT's entry and an API client's without a file are not data days.
DATA_DAY_SESSION_SOURCES = (SessionSource.PHONE, SessionSource.FILE)
DATA_DAY_PAIN_SOURCES = (PainSource.PHONE,)


def data_dates(athlete_ids: Iterable[int], *, until: dt.date) -> dict[int, list[dt.date]]:
    """Return each athlete's distinct data-day dates up to ``until`` (one query: a UNION).

    Deleted sessions are not data. Athletes without any are absent from the answer.
    """
    ids = list(athlete_ids)
    if not ids:
        return {}
    sessions = (
        SessionLog.objects.filter(
            athlete_id__in=ids, source__in=DATA_DAY_SESSION_SOURCES, date__lte=until
        )
        .order_by()
        .values_list("athlete_id", "date")
    )
    check_ins = (
        PainScore.objects.filter(
            athlete_id__in=ids, source__in=DATA_DAY_PAIN_SOURCES, date__lte=until
        )
        .order_by()
        .values_list("athlete_id", "date")
    )
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for athlete_id, date in sessions.union(check_ins):  # UNION: each date once
        dates[athlete_id].append(date)
    return dict(dates)


def month_management(athlete_ids: Iterable[int], month: dt.date) -> dict[int, rtm.Management]:
    """Return each athlete's management time in ``month``'s calendar month (one query).

    Every athlete asked about is in the answer (no time: 0 minutes, no codes).
    """
    ids = list(athlete_ids)
    first, last = rtm.month_bounds(month)
    totals = (
        {
            row["athlete_id"]: row
            for row in RtmTime.objects.filter(athlete_id__in=ids, date__range=(first, last))
            .order_by()
            .values("athlete_id")
            .annotate(minutes=Sum("minutes"), live_call=Count("id", filter=Q(live_call=True)))
        }
        if ids
        else {}
    )
    return {
        athlete_id: rtm.management(
            totals.get(athlete_id, {}).get("minutes") or 0,
            bool(totals.get(athlete_id, {}).get("live_call")),
        )
        for athlete_id in ids
    }


def month_entries(athlete: Athlete, month: dt.date) -> list[RtmTime]:
    """Return the athlete's time entries of ``month``'s month, newest first (one query)."""
    first, last = rtm.month_bounds(month)
    return list(
        RtmTime.objects.filter(athlete=athlete, date__range=(first, last))
        .select_related("logged_by")
        .order_by("-date", "-id")
    )


def athlete_periods(athlete: Athlete, *, until: dt.date) -> list[rtm.Period]:
    """Return the athlete's monitoring periods up to the one holding ``until`` (one query)."""
    dates = data_dates([athlete.pk], until=until).get(athlete.pk, [])
    return rtm.periods(dates, athlete.rtm_start_on, until=until)
