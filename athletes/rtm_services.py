"""Writes for remote therapeutic monitoring (SPEC §11): the therapists' management time.

Keyword-only, atomic, validated with ``full_clean()``: the athlete page and the API
enforce the same rules. Every create, change and delete is an audit event
(``itbrehab.audit``: ``RtmTimeEvent``); a delete removes the row, the audit keeps it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from athletes.models import Athlete, RtmTime
from itbrehab.accounts.models import User

RTM_OFF = "Remote therapeutic monitoring is turned off for this clinic."
LOGGED_BY_OTHER_CLINIC = "The therapist must be an active therapist of the athlete's clinic."
RTM_TIME_FIELDS = ("date", "minutes", "live_call", "note")


def _check(athlete: Athlete, logged_by: User) -> None:
    if not athlete.clinic.rtm_enabled:
        raise ValidationError(RTM_OFF)
    if logged_by.clinic_id != athlete.clinic_id or not logged_by.is_active:
        raise ValidationError({"logged_by": LOGGED_BY_OTHER_CLINIC})


@transaction.atomic
def rtm_time_create(
    *,
    athlete: Athlete,
    logged_by: User,
    date: dt.date,
    minutes: int,
    live_call: bool = False,
    note: str = "",
) -> RtmTime:
    """Log minutes a therapist spent on the athlete's remote monitoring.

    Raises ``ValidationError`` and writes nothing when a value is invalid (minutes outside
    1–600, a date in the clinic's future, a note past 2000 characters), when the
    therapist is not an active one of the athlete's clinic, or when the clinic has RTM off.
    """
    _check(athlete, logged_by)
    entry = RtmTime(
        athlete=athlete,
        logged_by=logged_by,
        date=date,
        minutes=minutes,
        live_call=live_call,
        note=note,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def rtm_time_update(*, entry: RtmTime, **fields: Any) -> RtmTime:
    """Change an entry's date, minutes, live call or note (who logged it stays).

    Raises ``ValidationError`` and writes nothing when a value is invalid or RTM is off.
    """
    if not entry.athlete.clinic.rtm_enabled:
        raise ValidationError(RTM_OFF)
    unknown = set(fields) - set(RTM_TIME_FIELDS)
    if unknown:
        raise ValueError(f"Not an RTM time field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def rtm_time_delete(*, entry: RtmTime) -> None:
    """Delete an entry; the audit keeps the row. Raises ``ValidationError`` if RTM is off."""
    if not entry.athlete.clinic.rtm_enabled:
        raise ValidationError(RTM_OFF)
    entry.delete()
