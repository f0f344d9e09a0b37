"""The weekly stage-review email (SPEC §5): due at each clinic's own hour and ISO week.

Time is explicit: ``due_dispatches(now=...)`` gets aware UTC instants (``at()`` turns a
clinic's wall-clock time into one). Real processes and a real worker are in
``tests/progressions/test_reminder_worker.py``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from itbrehab.accounts.models import Weekday
from progressions import reminders
from progressions.models import ReminderDispatch
from tests.progressions.reminders.clinics import (
    LONDON,
    LOS_ANGELES,
    SYDNEY,
    at,
    due,
    pt_with_athlete,
    utc,
)


@pytest.mark.parametrize("zone", [LOS_ANGELES, LONDON, SYDNEY])
def test_a_monday_0800_review_is_due_from_0800_clinic_time_until_the_week_ends(
    db: None, zone: str
) -> None:
    pt = pt_with_athlete(zone)
    week, next_week = dt.date(2026, 6, 8), dt.date(2026, 6, 15)

    assert due(at(zone, 2026, 6, 8, 7, 59)) == set()
    assert due(at(zone, 2026, 6, 8, 8, 0)) == {(pt.email, week)}
    # Not sent (beat was down, the worker crashed): every later sweep that week catches up.
    assert due(at(zone, 2026, 6, 10, 15, 5)) == {(pt.email, week)}
    assert due(at(zone, 2026, 6, 14, 23, 59)) == {(pt.email, week)}
    assert due(at(zone, 2026, 6, 15, 7, 59)) == set()  # a new week, not due yet
    assert due(at(zone, 2026, 6, 15, 8, 0)) == {(pt.email, next_week)}
    assert ReminderDispatch.objects.filter(therapist=pt).count() == 2


def test_the_week_is_the_clinics_even_when_utc_is_still_in_the_previous_one(db: None) -> None:
    pt = pt_with_athlete(SYDNEY)
    # Monday 08:00 in Sydney is Sunday 22:00 UTC: the email belongs to Sydney's new week.
    now = utc(2026, 6, 7, 22, 0)
    assert due(now) == {(pt.email, dt.date(2026, 6, 8))}
    assert reminders.clinic_week(pt.clinic, now) == (dt.date(2026, 6, 8), now)


def test_a_sent_email_is_not_due_again_until_next_weeks_review_hour(
    db: None, mailoutbox: list[mail.EmailMessage]
) -> None:
    pt = pt_with_athlete(LOS_ANGELES)
    monday = at(LOS_ANGELES, 2026, 6, 8, 8, 0)
    [dispatch_id] = reminders.due_dispatches(now=monday)

    assert reminders.send_dispatch(dispatch_id, now=monday)
    assert not reminders.send_dispatch(dispatch_id, now=monday)  # a duplicate task
    assert due(at(LOS_ANGELES, 2026, 6, 8, 9, 5)) == set()
    # Sunday 23:30 in Los Angeles is already Monday in UTC, but still the sent week.
    assert due(at(LOS_ANGELES, 2026, 6, 14, 23, 30)) == set()
    assert due(at(LOS_ANGELES, 2026, 6, 15, 8, 0)) == {(pt.email, dt.date(2026, 6, 15))}
    assert [message.to for message in mailoutbox] == [[pt.email]]
    dispatch = ReminderDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.attempts) == (ReminderDispatch.Status.SENT, 1)


# Sunday of each 2026 change; the clocks move between 01:00 and 03:00 that night.
DST_CHANGES = [
    pytest.param(LOS_ANGELES, dt.date(2026, 3, 8), -1, id="US-spring-forward"),
    pytest.param(LOS_ANGELES, dt.date(2026, 11, 1), +1, id="US-fall-back"),
    pytest.param(LONDON, dt.date(2026, 3, 29), -1, id="UK-spring-forward"),
    pytest.param(LONDON, dt.date(2026, 10, 25), +1, id="UK-fall-back"),
    pytest.param(SYDNEY, dt.date(2026, 4, 5), +1, id="Sydney-fall-back"),
    pytest.param(SYDNEY, dt.date(2026, 10, 4), -1, id="Sydney-spring-forward"),
]


@pytest.mark.parametrize(("zone", "change_day", "shift_hours"), DST_CHANGES)
def test_the_review_hour_stays_on_the_clinic_clock_across_a_daylight_saving_change(
    db: None, zone: str, change_day: dt.date, shift_hours: int
) -> None:
    monday_pt = pt_with_athlete(zone, weekday=Weekday.MONDAY, hour=8)
    sunday_pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=8)
    week = change_day - dt.timedelta(days=6)  # Monday of the week that ends with the change
    next_week = change_day + dt.timedelta(days=1)

    def local(day: dt.date, hour: int, minute: int) -> dt.datetime:
        return at(zone, day.year, day.month, day.day, hour, minute)

    assert due(local(week, 7, 59)) == set()
    assert due(local(week, 8, 0)) == {(monday_pt.email, week)}
    # The Sunday of the change: 08:00 on the new clock, whatever the offset did overnight.
    assert due(local(change_day, 7, 59)) == {(monday_pt.email, week)}
    assert due(local(change_day, 8, 0)) == {(monday_pt.email, week), (sunday_pt.email, week)}
    assert due(local(next_week, 7, 59)) == set()
    assert due(local(next_week, 8, 0)) == {(monday_pt.email, next_week)}

    # 08:00 one week on is a week plus or minus the hour the clocks moved, in real time.
    _, before = reminders.clinic_week(monday_pt.clinic, local(week, 8, 0))
    _, after = reminders.clinic_week(monday_pt.clinic, local(next_week, 8, 0))
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(
        days=7, hours=shift_hours
    )
    assert (before.hour, after.hour) == (8, 8)


@pytest.mark.parametrize(
    ("zone", "change_day", "review_hour", "first_due", "local_hour"),
    [
        # 02:00 → 03:00 PDT: there is no 02:00 that Sunday, so the email goes at 03:00.
        pytest.param(LOS_ANGELES, dt.date(2026, 3, 8), 2, utc(2026, 3, 8, 10), 3, id="US"),
        pytest.param(LONDON, dt.date(2026, 3, 29), 1, utc(2026, 3, 29, 1), 2, id="UK"),
        pytest.param(SYDNEY, dt.date(2026, 10, 4), 2, utc(2026, 10, 3, 16), 3, id="Sydney"),
    ],
)
def test_a_review_hour_the_clocks_skip_is_sent_when_the_clocks_jump_past_it(
    db: None,
    zone: str,
    change_day: dt.date,
    review_hour: int,
    first_due: dt.datetime,
    local_hour: int,
) -> None:
    pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=review_hour)
    week = change_day - dt.timedelta(days=6)

    assert reminders.clinic_week(pt.clinic, first_due) == (week, first_due)
    _, due_at = reminders.clinic_week(pt.clinic, first_due)
    assert (due_at.date(), due_at.hour, due_at.minute) == (change_day, local_hour, 0)
    assert due(first_due - dt.timedelta(minutes=1)) == set()
    assert due(first_due) == {(pt.email, week)}


@pytest.mark.parametrize(
    ("zone", "change_day", "review_hour", "first_due"),
    [
        # 01:00 happens twice (PDT, then PST an hour later): the first one counts.
        pytest.param(LOS_ANGELES, dt.date(2026, 11, 1), 1, utc(2026, 11, 1, 8), id="US"),
        pytest.param(LONDON, dt.date(2026, 10, 25), 1, utc(2026, 10, 25, 0), id="UK"),
        pytest.param(SYDNEY, dt.date(2026, 4, 5), 2, utc(2026, 4, 4, 15), id="Sydney"),
    ],
)
def test_a_review_hour_the_clocks_repeat_is_sent_once_at_its_first_occurrence(
    db: None,
    mailoutbox: list[mail.EmailMessage],
    zone: str,
    change_day: dt.date,
    review_hour: int,
    first_due: dt.datetime,
) -> None:
    pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=review_hour)
    week = change_day - dt.timedelta(days=6)
    second = first_due + dt.timedelta(hours=1)
    assert second.astimezone(ZoneInfo(zone)).hour == review_hour  # the repeat

    assert due(first_due - dt.timedelta(minutes=1)) == set()
    assert due(first_due) == {(pt.email, week)}
    [dispatch_id] = reminders.due_dispatches(now=first_due)
    assert reminders.send_dispatch(dispatch_id, now=first_due)
    assert due(second) == set()
    assert len(mailoutbox) == 1
