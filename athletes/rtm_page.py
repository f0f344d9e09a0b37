"""The athlete page's "Remote monitoring" section (SPEC §11): its own read model.

Not part of the cached sessions table and charts (``athletes.athlete_page``): those are
keyed on the athlete's generation, which management time does not bump. ``QUERIES`` = 2
when the clinic has RTM on (the data days: one UNION; this month's entries with who
logged them), none when it is off (the section is hidden).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from athletes import rtm
from athletes.models import Athlete, RtmTime
from athletes.rtm_selectors import athlete_periods, month_entries

QUERIES = 2


@dataclass(frozen=True)
class RtmSection:
    """What the section shows: the current period so far and this month's management time."""

    today: dt.date
    period: rtm.Period | None  # the one holding today (None: no data day, no start date)
    management: rtm.Management  # this calendar month's, so far
    entries: list[RtmTime]  # this month's, newest first
    confirm: str = rtm.CONFIRM_BEFORE_BILLING


def rtm_section(athlete: Athlete) -> RtmSection | None:
    """Return the section for ``athlete`` on the clinic's today, or None when RTM is off."""
    if not athlete.clinic.rtm_enabled:
        return None
    today = athlete.clinic.today()
    entries = month_entries(athlete, today)
    return RtmSection(
        today=today,
        period=rtm.period_of(athlete_periods(athlete, until=today), today),
        management=rtm.management(
            sum(entry.minutes for entry in entries), any(entry.live_call for entry in entries)
        ),
        entries=entries,
    )


def rtm_context(athlete: Athlete, form: forms.BaseForm | None = None) -> dict[str, Any]:
    """Return the athlete page's template variables for the section: ``rtm`` and its two
    forms (``form``, shown again with its errors, replaces the blank one of its kind)."""
    from athletes.rtm_forms import RtmStartForm, RtmTimeForm

    section = rtm_section(athlete)
    if section is None:
        return {"rtm": None}
    if not isinstance(form, RtmTimeForm):
        form_time = RtmTimeForm(initial={"date": section.today})
    else:
        form_time = form
    form_start = form if isinstance(form, RtmStartForm) else RtmStartForm(instance=athlete)
    return {"rtm": section, "rtm_form": form_time, "rtm_start_form": form_start}
