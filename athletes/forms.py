"""Forms for the PT pages: shape and field validation only; services do the writes.

A service's ``ValidationError`` is attached to the same form with ``add_error(None, e)``,
so its messages appear beside the fields they name and nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django import forms

from athletes.models import SESSION_INPUT_FIELDS, Athlete, SessionLog
from itbrehab.accounts.models import User
from progressions.rules.protocol import DEFAULT_LADDER, Recommendation, StageCode, stage_definition

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AthleteForm(forms.ModelForm):
    """Add or edit an athlete's details (not the stage, which moves by decisions)."""

    class Meta:
        model = Athlete
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "affected_side",
            "therapist",
            "preferred_cadence_spm",
            "distance_unit",
        ]
        labels = {"preferred_cadence_spm": "Preferred cadence (steps/min)"}

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = User.objects.filter(clinic_id=clinic_id, is_active=True)


class AthleteCreateForm(AthleteForm):
    """A new athlete, who may arrive mid-protocol (stage and its start date)."""

    stage = forms.ChoiceField(choices=StageCode.choices(), initial=StageCode.UPHILL_WALK.value)
    stage_started_on = forms.DateField(
        required=False, widget=DATE_INPUT, help_text="Leave empty for today."
    )


class SettingsForm(forms.ModelForm):
    """The PT-adjustable protocol settings of one athlete."""

    target_cadence_spm = forms.IntegerField(
        required=False,
        min_value=120,
        max_value=240,
        label="Target cadence (steps/min)",
        help_text="Leave empty to follow preferred + 5%.",
    )

    class Meta:
        model = Athlete
        fields = [
            "walk_gate_minutes",
            "gate_pain_max",
            "preferred_cadence_spm",
            "target_cadence_spm",
            "distance_unit",
        ]
        labels = {
            "walk_gate_minutes": "Uphill-walk gate (minutes, 30–45)",
            "gate_pain_max": "Highest tolerated pain (0–3)",
            "preferred_cadence_spm": "Preferred cadence (steps/min)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and not self.instance.target_cadence_is_manual:
            self.initial["target_cadence_spm"] = None


class SessionForm(forms.ModelForm):
    """Log or correct a session on the athlete's behalf (same rules as the API)."""

    class Meta:
        model = SessionLog
        fields = SESSION_INPUT_FIELDS
        widgets = {"date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "incline_percent": "Incline (%)",
            "duration_min": "Duration (min)",
            "distance_km": "Distance (km)",
            "run_interval_sec": "Run interval (s)",
            "walk_interval_sec": "Walk interval (s)",
            "cadence_spm": "Cadence (steps/min)",
            "stopped_early": "Stopped early or limped because of pain",
        }


class DecisionForm(forms.Form):
    """This week's review: advance, hold or back off, with a note."""

    decision = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Recommendation], widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to advance against the recommendation.",
    )
    back_off_to = forms.ChoiceField(
        required=False,
        choices=[("", "One stage back"), *StageCode.choices()],
        label="Back off to",
    )

    def __init__(self, *args: Any, stage: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stage is not None:
            # Offer only the stages a back-off can reach: those before the current one.
            order = stage_definition(stage).order
            earlier = [(s.code.value, s.name) for s in DEFAULT_LADDER if s.order < order]
            first = "One stage back" if earlier else "Stay in this stage, with less load"
            self.fields["back_off_to"].choices = [("", first), *earlier]
