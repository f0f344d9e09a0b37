"""The athlete page's form to log management time (SPEC §11); the service writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from athletes.forms import DATE_INPUT, DetachedModelForm
from athletes.models import Athlete, RtmTime
from athletes.rtm_report import MONTH_INVALID, parse_month


class RtmTimeForm(DetachedModelForm):
    """Date, minutes, live call and note of one management-time entry."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the athlete page's decision form has a "note" too.
        super().__init__(*args, auto_id="rtm_%s", **kwargs)

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


class RtmStartForm(DetachedModelForm):
    """The day the athlete's first monitoring period starts (empty: the first data day)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="rtm_%s", **kwargs)

    class Meta:
        model = Athlete
        fields = ["rtm_start_on"]
        labels = {"rtm_start_on": "Monitoring starts on"}
        help_texts = {
            "rtm_start_on": "Empty: on the first day with data from the phone. Earlier days "
            "do not count."
        }
        widgets = {"rtm_start_on": DATE_INPUT}
