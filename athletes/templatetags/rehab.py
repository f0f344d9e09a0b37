"""Template helpers for the PT pages: short labels for codes a PT scans for."""

from __future__ import annotations

import datetime as dt

from django import template

from athletes.phone.words import describe_suggestion
from progressions.rules import SuggestedSession
from progressions.rules.words import day_month

register = template.Library()

RECOMMENDATION_LABELS = {
    "back_off": "Back off",
    "advance": "Ready to advance",
    "hold": "Hold",
}

RED_FLAG_LABELS = {
    "pain_above_ceiling": "Pain > 5",
    "pain_not_settled": "Not settled",
    "rest_pain_high": "Rest pain > 5",
    "pain_rising_week_to_week": "Pain rising",
    "stopped_early": "Stopped early",
}


@register.filter
def recommendation_label(code: str) -> str:
    """Return the words on a recommendation badge (never colour alone)."""
    return RECOMMENDATION_LABELS.get(str(code), str(code))


@register.filter
def red_flag_label(code: str) -> str:
    """Return the short marker text of a red flag."""
    return RED_FLAG_LABELS.get(str(code), str(code))


@register.filter
def session_words(session: SuggestedSession) -> str:
    """Return a suggested session in plain words, as the phone says it."""
    return describe_suggestion(session)


@register.filter
def changes_label(session: SuggestedSession) -> str:
    """Return what a suggestion changes: "entry session", a variable, or "repeat".

    An entry session has no logged base (after a back-off to it, the variable it lowers
    is named too); a suggestion with a base and no changed variable repeats its base.
    """
    changed = session.changed_variable
    if session.based_on_session_id is None:
        if changed:
            return f"entry session ({changed.label.lower()} differs from the last session)"
        return "entry session"
    return changed.label if changed else "repeat"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@register.filter
def short_day(day: dt.date | None) -> str:
    """Return "Sun 6 Dec", as ``date:"D j M"`` does in English, for long tables.

    The dashboard shows two dates on each of its rows; Django's ``date`` filter formats
    through its general machinery, a sixth of the whole page's time at 200 athletes.
    """
    return "" if day is None else f"{_WEEKDAYS[day.weekday()]} {day_month(day)}"
