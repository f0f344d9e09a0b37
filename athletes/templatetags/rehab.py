"""Template helpers for the PT pages: short labels for codes a PT scans for."""

from __future__ import annotations

from django import template

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
