"""Remote therapeutic monitoring (US): data days, 30-day periods and the codes they support.

Pure Python (no Django): dates and minutes in, frozen records out; the selectors in
``athletes.rtm_selectors`` turn rows into these inputs. SPEC §11.

- A **data day** is a date (the date the data is about, already in the clinic's time
  zone: ``SessionLog.date`` and ``PainScore.date`` are dates, so a DST change cannot
  move one) on which the athlete sent a session (phone or watch file) or a check-in from
  the phone. What a PT entered or an API client sent without a file is not one.
- **Periods** run 30 days from the first data day, or from ``rtm_start_on`` when the PT
  set one (data days before it do not count). Period n covers
  ``[start + 30n, start + 30n + 29]``.
- **Device code** per period: 16–30 data days → 98977, 2–15 → 98985, fewer → none.
- **Management codes** per calendar month, from the minutes logged and whether a live
  two-way call took place: 10–19 minutes → 98979; 20 or more with a live call → 98980
  for the first 20 and 98981 for each further full 20.

Decision (the spec leaves it open): **20 or more minutes without a live call support
98979 only.** 98980 requires interactive communication, and 98979 is the code for
management time that does not reach 98980's; claiming nothing would under-claim a month
the codes' 10-minute floor covers, claiming 98980 would over-claim. The month is then
marked ``needs_live_call`` so the report says "needs a live call" for 98980. Every code
here is what the data supports; a clinician confirms each before billing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PERIOD_DAYS = 30

DEVICE_CODE_16_30 = "98977"  # device supply, 16–30 days in a 30-day period
DEVICE_CODE_2_15 = "98985"  # device supply, 2–15 days in a 30-day period
DEVICE_16_DAYS = 16
DEVICE_2_DAYS = 2

MANAGEMENT_10_19 = "98979"  # 10–19 minutes of management in the calendar month
MANAGEMENT_FIRST_20 = "98980"  # first 20 minutes, with interactive communication
MANAGEMENT_EACH_20 = "98981"  # each further 20 minutes
MANAGEMENT_MIN_MINUTES = 10
MANAGEMENT_BLOCK_MINUTES = 20

CONFIRM_BEFORE_BILLING = "A clinician must confirm every code before billing."


@dataclass(frozen=True)
class Period:
    """One 30-day monitoring period and what its data days support."""

    index: int  # 0 for the first period
    start: dt.date
    end: dt.date  # inclusive: start + 29 days
    data_days: int
    device_code: str | None


@dataclass(frozen=True)
class Management:
    """One calendar month's management time and the codes it supports."""

    minutes: int
    live_call: bool
    codes: tuple[str, ...]  # e.g. ("98980", "98981")
    # 20 or more minutes without a live call: 98979 only, 98980 would need a call.
    needs_live_call: bool


def device_code(data_days: int) -> str | None:
    """Return the device code ``data_days`` in one period support (None below 2)."""
    if data_days >= DEVICE_16_DAYS:
        return DEVICE_CODE_16_30
    if data_days >= DEVICE_2_DAYS:
        return DEVICE_CODE_2_15
    return None


def management(minutes: int, live_call: bool) -> Management:
    """Return the management codes one month's ``minutes`` and live call support.

    Below 10 minutes: none. 10–19: 98979. 20 or more with a live call: 98980 and one
    98981 per further full 20 minutes (40 → 98980 + 98981, 59 → the same, 60 → 98980 +
    2 × 98981). 20 or more without one: 98979 only, marked ``needs_live_call`` (see the
    module's decision).
    """
    if minutes < MANAGEMENT_MIN_MINUTES:
        return Management(minutes, live_call, (), False)
    if minutes < MANAGEMENT_BLOCK_MINUTES:
        return Management(minutes, live_call, (MANAGEMENT_10_19,), False)
    if not live_call:
        return Management(minutes, live_call, (MANAGEMENT_10_19,), True)
    further = minutes // MANAGEMENT_BLOCK_MINUTES - 1
    return Management(
        minutes, live_call, (MANAGEMENT_FIRST_20, *([MANAGEMENT_EACH_20] * further)), False
    )


def data_days(dates: Iterable[dt.date], start_on: dt.date | None = None) -> list[dt.date]:
    """Return the distinct data days, oldest first (from ``start_on`` on, when given)."""
    days = set(dates)
    if start_on is not None:
        days = {day for day in days if day >= start_on}
    return sorted(days)


def periods_start(days: list[dt.date], start_on: dt.date | None) -> dt.date | None:
    """Return the first period's first day: ``start_on``, else the first data day (or None)."""
    if start_on is not None:
        return start_on
    return days[0] if days else None


def periods(dates: Iterable[dt.date], start_on: dt.date | None, *, until: dt.date) -> list[Period]:
    """Return the periods from the start up to the one that holds ``until``, oldest first.

    ``dates`` are the data-day dates (repeats allowed); ``start_on`` is the PT's start (or
    None: the first data day). No start yet (no data day, no start date) or a start after
    ``until``: no periods.
    """
    days = data_days(dates, start_on)
    start = periods_start(days, start_on)
    if start is None or start > until:
        return []
    count = (until - start).days // PERIOD_DAYS + 1
    counts = [0] * count
    for day in days:
        n = (day - start).days // PERIOD_DAYS
        if n < count:
            counts[n] += 1
    return [
        Period(
            index=n,
            start=start + dt.timedelta(days=PERIOD_DAYS * n),
            end=start + dt.timedelta(days=PERIOD_DAYS * n + PERIOD_DAYS - 1),
            data_days=counts[n],
            device_code=device_code(counts[n]),
        )
        for n in range(count)
    ]


def period_of(periods_: list[Period], day: dt.date) -> Period | None:
    """Return the period that holds ``day``, if any."""
    return next((p for p in periods_ if p.start <= day <= p.end), None)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of ``month``'s calendar month."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def periods_ending_in(
    dates: Iterable[dt.date], start_on: dt.date | None, month: dt.date
) -> list[Period]:
    """Return the periods whose last day falls in ``month``'s calendar month."""
    first, last = month_bounds(month)
    return [p for p in periods(dates, start_on, until=last) if first <= p.end <= last]
