"""The dashboard's dates read as Django's ``date:"D j M"`` would write them."""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat

from athletes.templatetags.rehab import short_day


def test_every_day_of_a_year_and_more_reads_as_the_date_filter_would() -> None:
    start = dt.date(2026, 1, 1)
    for offset in range(400):
        day = start + dt.timedelta(days=offset)
        assert short_day(day) == dateformat.format(day, "D j M"), day


def test_no_date_reads_as_nothing() -> None:
    assert short_day(None) == ""
