"""The monthly RTM report (SPEC §11): per athlete of the clinic, what a month's data supports.

For each athlete: the 30-day periods that end in the month with their data days and
device code (a period without any data day is left out: it supports nothing, and the
periods of an athlete who stopped sending data would otherwise run on every month),
the calendar month's management minutes, whether a live call took place, and the
management codes. ``QUERIES`` = 3 whatever the number of athletes: the clinic's
athletes, their data days (one UNION), their month's minutes (one aggregate).

The statement ``rtm.CONFIRM_BEFORE_BILLING`` goes with every form of the report: the
codes are what the data supports, not a claim; a clinician confirms each one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from athletes import rtm
from athletes.models import Athlete
from athletes.rtm_selectors import data_dates, month_management
from athletes.selectors import athletes_for_user
from itbrehab.accounts.models import User

QUERIES = 3
MONTH_INVALID = "Give the month as YYYY-MM, e.g. 2026-03."
_MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


def parse_month(value: str | None) -> dt.date:
    """Return the first day of the month ``value`` names (``YYYY-MM``); raise ValueError."""
    found = _MONTH.match(value or "")
    if not found:
        raise ValueError(MONTH_INVALID)
    year, month = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and year >= 1):
        raise ValueError(MONTH_INVALID)
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class ReportRow:
    athlete: Athlete
    periods: list[rtm.Period]  # those ending in the month, oldest first
    management: rtm.Management


@dataclass(frozen=True)
class RtmReport:
    month: dt.date  # its first day
    today: dt.date  # the clinic's: a period ending today or later is still in progress
    rows: list[ReportRow]  # by athlete name
    statement: str = rtm.CONFIRM_BEFORE_BILLING

    def complete(self, period: rtm.Period) -> bool:
        """Return whether ``period`` is over (its data days can no longer grow)."""
        return period.end < self.today


def rtm_report(user: User, month: dt.date) -> RtmReport:
    """Return the report of ``month`` for every athlete of the user's clinic (``QUERIES``).

    Another clinic's athletes never appear. The audit records one read of the clinic's list.
    """
    athletes = list(athletes_for_user(user).order_by("last_name", "first_name", "pk"))
    ids = [athlete.pk for athlete in athletes]
    _first, last = rtm.month_bounds(month)
    dates = data_dates(ids, until=last) if ids else {}
    minutes = month_management(ids, month) if ids else {}
    return RtmReport(
        month=month,
        today=user.clinic.today(),
        rows=[
            ReportRow(
                athlete=athlete,
                periods=[
                    period
                    for period in rtm.periods_ending_in(
                        dates.get(athlete.pk, []), athlete.rtm_start_on, month
                    )
                    if period.data_days  # an empty period supports nothing: not listed
                ],
                management=minutes[athlete.pk],
            )
            for athlete in athletes
        ],
    )


CSV_HEADER = [
    "athlete_id",
    "athlete",
    "month",
    "period_start",
    "period_end",
    "data_days",
    "device_code",
    "period_complete",
    "management_minutes",
    "live_call",
    "management_codes",
    "needs_live_call",
]


def _cell(value: str) -> str:
    # A spreadsheet would run a name starting with = + - @ as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: RtmReport) -> str:
    """Return the report as CSV: one line per period ending in the month (one line for an
    athlete with none), then the statement that a clinician confirms every code."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    month = f"{report.month:%Y-%m}"
    for row in report.rows:
        management = row.management
        tail = [
            management.minutes,
            "yes" if management.live_call else "no",
            " ".join(management.codes),
            "yes" if management.needs_live_call else "no",
        ]
        name = _cell(row.athlete.full_name)
        for period in row.periods or [None]:
            writer.writerow(
                [
                    row.athlete.pk,
                    name,
                    month,
                    period.start.isoformat() if period else "",
                    period.end.isoformat() if period else "",
                    period.data_days if period else "",
                    (period.device_code or "") if period else "",
                    ("yes" if report.complete(period) else "no") if period else "",
                    *tail,
                ]
            )
    writer.writerow([])
    writer.writerow([report.statement])
    return out.getvalue()
