"""RTM's pure rules (``athletes.rtm``): 30-day periods, device codes and management codes."""

from __future__ import annotations

import datetime as dt

import pytest

from athletes import rtm

START = dt.date(2026, 1, 5)


def days_from(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


@pytest.mark.parametrize(
    ("data_days", "code"),
    [(0, None), (1, None), (2, "98985"), (15, "98985"), (16, "98977"), (30, "98977")],
)
def test_a_period_supports_the_device_code_of_its_data_days(data_days: int, code: str) -> None:
    [period] = rtm.periods(days_from(START, data_days), START, until=START + dt.timedelta(29))

    assert (period.data_days, period.device_code) == (data_days, code)


def test_no_data_day_and_no_start_date_means_no_period() -> None:
    assert rtm.periods([], None, until=START) == []


@pytest.mark.parametrize(
    ("minutes", "live_call", "codes", "needs_live_call"),
    [
        (0, False, (), False),
        (9, True, (), False),
        (10, False, ("98979",), False),
        (19, True, ("98979",), False),
        (20, True, ("98980",), False),
        # The decision in athletes/rtm.py: without a live call, 98979 only, flagged.
        (20, False, ("98979",), True),
        (39, True, ("98980",), False),
        (40, True, ("98980", "98981"), False),
        (40, False, ("98979",), True),
        (59, True, ("98980", "98981"), False),
        (60, True, ("98980", "98981", "98981"), False),
    ],
)
def test_a_months_minutes_support_the_management_codes(
    minutes: int, live_call: bool, codes: tuple[str, ...], needs_live_call: bool
) -> None:
    result = rtm.management(minutes, live_call)

    assert result.codes == codes
    assert result.needs_live_call is needs_live_call


def test_periods_run_thirty_days_from_the_first_data_day() -> None:
    dates = [START, START + dt.timedelta(29), START + dt.timedelta(30), START + dt.timedelta(65)]

    periods = rtm.periods(dates, None, until=START + dt.timedelta(65))

    assert [(p.index, p.start, p.end, p.data_days) for p in periods] == [
        (0, START, dt.date(2026, 2, 3), 2),
        (1, dt.date(2026, 2, 4), dt.date(2026, 3, 5), 1),
        (2, dt.date(2026, 3, 6), dt.date(2026, 4, 4), 1),
    ]


def test_the_start_date_the_pt_sets_begins_the_periods_and_earlier_days_do_not_count() -> None:
    dates = days_from(dt.date(2026, 1, 1), 20)  # 1–20 January
    start_on = dt.date(2026, 1, 10)

    [period] = rtm.periods(dates, start_on, until=dt.date(2026, 1, 20))

    assert (period.start, period.end, period.data_days) == (
        start_on,
        dt.date(2026, 2, 8),
        11,  # 10–20 January
    )


def test_repeated_dates_are_one_data_day() -> None:
    [period] = rtm.periods([START, START, START + dt.timedelta(1)], None, until=START)

    assert period.data_days == 2


def test_periods_ending_in_a_month_are_those_whose_last_day_falls_in_it() -> None:
    dates = days_from(dt.date(2026, 1, 1), 90)

    ending = rtm.periods_ending_in(dates, None, dt.date(2026, 3, 1))

    # 1 Jan–30 Jan, 31 Jan–1 Mar, 2 Mar–31 Mar: the last two end in March.
    assert [(p.start, p.end) for p in ending] == [
        (dt.date(2026, 1, 31), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 31)),
    ]


def test_month_bounds_know_february_and_december() -> None:
    assert rtm.month_bounds(dt.date(2028, 2, 14)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert rtm.month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
