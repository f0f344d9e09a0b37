"""Forms for the PT pages and the phone: shape and field validation only; services write.

A service's ``ValidationError`` is attached to the same form with ``add_error(None, e)``,
so its messages appear beside the fields they name and nothing is lost. Model forms
validate on their own copy of ``instance`` (``DetachedModelForm``): the view's athlete
or session stays as loaded, whatever was submitted.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.db import models

from athletes.models import SESSION_INPUT_FIELDS, Athlete, SessionLog
from athletes.models.common import SHA256_HEX
from itbrehab.accounts.models import User
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    TARGET_CADENCE_MAX,
    TARGET_CADENCE_MIN,
    Recommendation,
    StageCode,
    stage_definition,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DetachedModelForm(forms.ModelForm):
    """A model form that validates on a copy of ``instance`` and never saves.

    Django's ``ModelForm`` writes the submitted values into its instance while validating,
    valid or not. On a copy, the caller's object keeps its stored values, so a view can
    hand it to a service or show the page around an invalid form without reloading it.
    """

    def __init__(self, *args: Any, instance: models.Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, instance=copy.copy(instance), **kwargs)

    def save(self, commit: bool = True) -> models.Model:
        raise NotImplementedError("Forms validate; services write (athletes.services).")


class AthleteForm(DetachedModelForm):
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


class SettingsForm(DetachedModelForm):
    """The PT-adjustable protocol settings of one athlete."""

    target_cadence_spm = forms.IntegerField(
        required=False,
        min_value=TARGET_CADENCE_MIN,
        max_value=TARGET_CADENCE_MAX,
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
            "planned_sessions_per_week",
        ]
        labels = {
            "planned_sessions_per_week": "Planned sessions a week (1–14)",
            "walk_gate_minutes": "Uphill-walk gate (minutes, 30–45)",
            "gate_pain_max": "Highest tolerated pain (0–3)",
            "preferred_cadence_spm": "Preferred cadence (steps/min)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and not self.instance.target_cadence_is_manual:
            self.initial["target_cadence_spm"] = None
        # Left out (a form from before the field existed): the plan stays as it is.
        self.fields["planned_sessions_per_week"].required = False

    def clean_planned_sessions_per_week(self) -> int:
        value = self.cleaned_data.get("planned_sessions_per_week")
        return self.instance.planned_sessions_per_week if value is None else value


class SessionForm(DetachedModelForm):
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


# A save that names a watch file by a value that is no file's SHA-256: the page was not
# made by an import (or was changed on the way). The session is not stored as read from
# a file it cannot name.
FILE_REFERENCE_INVALID = (
    "This form names its watch file in a way the app does not recognise, so nothing was "
    "saved: import the file again."
)


def file_sha256_field() -> forms.CharField:
    """The hidden field an import leaves in a session form: the file's SHA-256 (else None)."""
    return forms.CharField(
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
        validators=[SHA256_HEX],
        max_length=64,
        error_messages={"invalid": FILE_REFERENCE_INVALID, "max_length": FILE_REFERENCE_INVALID},
    )


class SessionCreateForm(SessionForm):
    """Log a new session; ``file_sha256`` is set when the form was filled from a watch file.

    A session saved with it is stored with source ``file``, and the same file saved again
    for the athlete answers with the session already stored (``session_log_create_once``).
    """

    file_sha256 = file_sha256_field()


class WatchFileForm(forms.Form):
    """The import block: one watch file, read by ``read_uploaded_watch_file``, never bound.

    Its only use is to show the file input, with the reader's ``refusal`` beside it.
    """

    file = forms.FileField(
        label="Watch file (FIT, GPX or TCX)",
        help_text="Export one session from the watch's app. Nothing is saved until you check "
        "the filled-in form and save it.",
    )

    def __init__(self, *, refusal: str = "") -> None:
        super().__init__()
        self.refusal = refusal

    def full_clean(self) -> None:
        super().full_clean()  # unbound: no errors of its own
        if self.refusal:
            self._errors["file"] = self.error_class([self.refusal], renderer=self.renderer)


SESSION_CHANGED_WHILE_EDITING = (
    "Someone else changed this session while you had this form open (the athlete's "
    "morning answer, a colleague or a clinic system), so nothing was saved. The fields "
    "changed since you opened it are marked below: check them, then save again."
)
FIELD_CHANGED_BY_BOTH = (
    "Your value: {yours} · Now saved: {saved} (changed since you opened this form). "
    "Saving again stores your value."
)
FIELD_CHANGED_BY_OTHERS = (
    "Now saved: {saved} (changed since you opened this form; it was {loaded}). "
    "The form now shows the saved value."
)
SESSION_FORM_WITHOUT_VERSION = (
    "This form does not say which version of the session it was opened on, so it cannot "
    "tell whether someone changed it since: open the session again from the athlete page."
)


def _shown(field: forms.Field, value: Any) -> str:
    """Return ``value`` as the PT reads it beside a field: labels, yes/no, "empty"."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    labels = {str(code): label for code, label in getattr(field, "choices", ())}
    return str(labels.get(str(value), value))


def _posted(value: Any) -> str:
    """Return ``value`` as a browser posts it for the correction form's widgets."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # what CheckboxInput and BooleanField read
    return str(value)  # dates in ISO format, decimals as written


class SessionBoundField(forms.BoundField):
    """A field of the correction form that knows what changed under the PT."""

    @property
    def conflict(self) -> str:
        """Return the note on what someone else changed in this field ("" if nothing)."""
        return self.form.conflicts.get(self.name, "")

    @property
    def aria_describedby(self) -> str | None:
        described = super().aria_describedby
        if not self.conflict:
            return described
        return " ".join(filter(None, [described, f"{self.auto_id}_conflict"]))

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if widget is not None and widget.is_hidden:
            attrs.pop("aria-describedby", None)  # the opened-with copy is read by no one
        return attrs


class SessionEditForm(SessionForm):
    """Correct a stored session, saved only on the version it was opened on (SPEC §7).

    ``version`` (hidden) is the session's version when the form was opened, and every field
    carries the value it was opened with (Django's ``initial-<name>`` hidden inputs), so
    after a conflict :meth:`rebase` can tell what the PT changed from what someone else
    changed meanwhile.
    """

    bound_field_class = SessionBoundField
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), SESSION_FORM_WITHOUT_VERSION
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflicts: dict[str, str] = {}
        self.fields["version"].initial = self.instance.version
        for name in self._meta.fields:
            self.fields[name].show_hidden_initial = True

    def rebase(self, current: SessionLog) -> SessionEditForm:
        """Return this (valid) submission re-based on ``current``, the session as stored now.

        Never loses what the PT typed, never quietly undoes someone else's change:

        - a field only the PT changed keeps the PT's value;
        - a field only someone else changed takes the stored value, so saving again
          cannot put back the stale value the form was opened with (the athlete's morning
          answer stays), and says so beside the field;
        - a field both changed, to different values, keeps the PT's value and shows both:
          the PT decides;
        - the version and the opened-with values become the current ones, so saving
          again stores the form as shown (unless the session changes once more).

        The returned form is bound, carries the conflict message above the fields and the
        notes beside them (``field.conflict``).
        """
        data = self.data.copy()
        data["version"] = str(current.version)
        conflicts: dict[str, str] = {}
        for name in self._meta.fields:
            field, bound = self.fields[name], self[name]
            initial_name = bound.html_initial_name
            opened = field.hidden_widget().value_from_datadict(self.data, self.files, initial_name)
            saved = getattr(current, name)
            data[initial_name] = _posted(saved)
            if not field.has_changed(saved, opened):
                continue  # no one else changed it: whatever the PT entered stands
            shown_saved = _shown(field, saved)
            if name not in self.changed_data:
                data[name] = _posted(saved)
                try:
                    shown_opened = _shown(field, field.to_python(opened))
                except forms.ValidationError:
                    shown_opened = _shown(field, opened)
                conflicts[name] = FIELD_CHANGED_BY_OTHERS.format(
                    saved=shown_saved, loaded=shown_opened
                )
            elif field.has_changed(saved, bound.data):
                yours = _shown(field, self.cleaned_data[name])
                conflicts[name] = FIELD_CHANGED_BY_BOTH.format(yours=yours, saved=shown_saved)
        rebased = SessionEditForm(data, instance=current)
        rebased.conflicts = conflicts
        rebased.add_error(None, SESSION_CHANGED_WHILE_EDITING)
        return rebased


RESTART_HELP = (
    "Restarting this stage needs a note. From then on only what is logged after the "
    "restart counts toward the gate and the red flags."
)


class DecisionForm(forms.Form):
    """This week's review: advance, hold or back off, with a note.

    A back-off goes one stage back (the default), restarts the current stage (the note is
    then required) or goes further back. At the first stage the default records the
    decision only: the load comes down within the stage.
    """

    decision = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Recommendation], widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to advance against the recommendation, and to restart this stage.",
    )
    back_off_to = forms.ChoiceField(
        required=False,
        choices=[("", "One stage back"), *StageCode.choices()],
        label="Back off to",
        help_text=RESTART_HELP,
    )

    def __init__(self, *args: Any, stage: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stage is not None:
            self.fields["back_off_to"].choices = back_off_choices(stage)


def back_off_choices(stage: str) -> list[tuple[str, str]]:
    """Return where a back-off from ``stage`` can go: one stage back, a restart, further back.

    The empty value is the default: one stage back, or at the first stage no stage change.
    """
    current = stage_definition(stage)
    earlier = [s for s in DEFAULT_LADDER if s.order < current.order]
    if earlier:
        default = ("", f"One stage back: {earlier[-1].name}")
    else:
        default = ("", "Stay in this stage, with less load")
    restart = (current.code.value, f"Restart this stage: {current.name}")
    return [default, restart, *((s.code.value, s.name) for s in earlier[:-1])]


# A phone post that names no athlete comes from a page older than the field.
ATHLETE_MISSING = "This page is out of date: open it again, then save."
# Asked elsewhere (pain next morning, on the home page) or not at all on a phone. The
# distance is kept: an imported watch file fills it in (under "More"), and the athlete
# may type it too.
PHONE_OMITS = frozenset({"pain_before", "pain_next_morning"})


class PhoneSessionForm(forms.ModelForm):
    """The phone's thumb form: chips and steppers post the same fields as the API."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Whose session this is, as the page said: the view answers 409 for anyone else's.
    athlete = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": ATHLETE_MISSING}
    )
    # Set when the form was filled from a watch file: stored with source ``file``, and
    # kept by the outbox with the rest of the form when the save waits for a connection.
    file_sha256 = file_sha256_field()

    class Meta:
        model = SessionLog
        # The PT's fields less what a phone never asks right after a run.
        fields = [f for f in SESSION_INPUT_FIELDS if f not in PHONE_OMITS]


class SessionDeleteForm(forms.Form):
    """Confirm deleting a session, on the version the PT saw (SPEC §7: no lost update)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
