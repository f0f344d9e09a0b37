"""The athlete page's form to log management time (SPEC §11); the service writes."""

from __future__ import annotations

import datetime as dt

from django import forms

from athletes.forms import DATE_INPUT, DetachedModelForm
from athletes.models import RtmTime
from athletes.rtm_report import MONTH_INVALID, parse_month


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


class RtmMonthForm(forms.Form):
    """The month of the RTM report (``YYYY-MM``), checked by ``rtm_report.parse_month``."""

    month = forms.CharField(
        label="Month",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        error_messages={"required": MONTH_INVALID},
    )

    def clean_month(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
