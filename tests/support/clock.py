"""The tests' fixed week: what "today" is while ``tests/conftest.py`` freezes the clock.

The clinics are in London, on GMT in March, so UTC and local times agree.
"""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 3, 11)  # a Wednesday: the PT pages' and the phone's today
MORNING = dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)  # 08:00, the morning answers' hour
NOON = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)

# The API suites' Wednesday, a week earlier: their request bodies name its dates.
API_TODAY = dt.date(2026, 3, 4)
API_NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)
