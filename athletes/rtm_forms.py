"""The athlete page's form to log management time (SPEC §11); the service writes."""

from __future__ import annotations

from django import forms

from athletes.forms import DATE_INPUT, DetachedModelForm
from athletes.models import RtmTime


class RtmTimeForm(DetachedModelForm):
    """Date, minutes, live call and note of one management-time entry."""

    class Meta:
        model = RtmTime
        fields = ["date", "minutes", "live_call", "note"]
        labels = {
            "minutes": "Minutes (1–600)",
            "live_call": "Included a live two-way call",
        }
        widgets = {
            "date": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }
