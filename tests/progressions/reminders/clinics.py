"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from itbrehab.accounts.models import User, Weekday
from progressions import reminders
from progressions.models import ReminderDispatch
from tests.factories import (
    AthleteFactory,
    ClinicFactory,
    TherapistFactory,
)

LOS_ANGELES = "America/Los_Angeles"
LONDON = "Europe/London"
SYDNEY = "Australia/Sydney"
STAGE_SINCE = dt.date(2026, 1, 5)  # long before every week below
SITE = "https://rehab.example"


def at(zone: str, *wall_clock: int, fold: int = 0) -> dt.datetime:
    """Return the UTC instant at which ``zone``'s clocks read ``wall_clock`` (y, m, d, h, min)."""
    return dt.datetime(*wall_clock, tzinfo=ZoneInfo(zone), fold=fold).astimezone(dt.UTC)


def utc(*wall_clock: int) -> dt.datetime:
    return dt.datetime(*wall_clock, tzinfo=dt.UTC)


def pt_with_athlete(zone: str, *, weekday: int = Weekday.MONDAY, hour: int = 8) -> User:
    """Return a therapist with one active athlete, in a clinic reviewing at ``weekday`` ``hour``."""
    clinic = ClinicFactory(time_zone=zone, review_weekday=weekday, review_hour=hour)
    therapist = TherapistFactory(clinic=clinic)
    AthleteFactory(therapist=therapist, stage_started_on=STAGE_SINCE)
    return therapist


def due(now: dt.datetime) -> set[tuple[str, dt.date]]:
    """Return (therapist email, week) of each dispatch ``due_dispatches`` hands out at ``now``."""
    ids = reminders.due_dispatches(now=now)
    assert len(ids) == len(set(ids)), "a dispatch was handed out twice in one sweep"
    return set(
        ReminderDispatch.objects.filter(pk__in=ids).values_list("therapist__email", "week_start")
    )
