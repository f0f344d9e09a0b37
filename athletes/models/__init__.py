"""Athletes, the sessions they log, their daily pain check-ins and phone links (SPEC §2).

Every range and every required-when rule is stated twice from the same numbers: as a
field validator or ``clean()`` message for people, and as a CHECK constraint so the
database refuses invalid rows even from a bug or a bulk update.

The athlete is defined here; what is recorded about them has its own module (``session``,
``pain_score``, ``device_link``, ``lefs``), each imported from here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from athletes.models.common import DATE_IN_FUTURE, NO_NUL
from athletes.models.device_link import DEVICE_LINK_DAYS_DEFAULT, DeviceLink
from athletes.models.lefs import LefsResponse, LefsSource
from athletes.models.pain_score import PainContext, PainScore, PainSource
from athletes.models.rtm_time import RtmTime
from athletes.models.session import (
    INTERVAL_FIELDS,
    INTERVALS_EXCEED_DURATION,
    INTERVALS_INCOMPLETE,
    INTERVALS_ONLY_WALK_RUN,
    PAIN_DURING_REQUIRED,
    RUNNING_TYPES,
    SESSION_INPUT_FIELDS,
    TERRAIN_REQUIRED,
    SessionLog,
    SessionSource,
)
from itbrehab.db import choices_check, range_check, range_validators
from progressions.rules import protocol as p
from progressions.rules.protocol import StageCode

__all__ = [
    "ATHLETE_NO_HARD_DELETE",
    "ATHLETE_THERAPIST_OTHER_CLINIC",
    "DATE_IN_FUTURE",
    "DEVICE_LINK_DAYS_DEFAULT",
    "INTERVALS_EXCEED_DURATION",
    "INTERVALS_INCOMPLETE",
    "INTERVALS_ONLY_WALK_RUN",
    "INTERVAL_FIELDS",
    "NO_NUL",
    "PAIN_DURING_REQUIRED",
    "RUNNING_TYPES",
    "SESSION_INPUT_FIELDS",
    "TERRAIN_REQUIRED",
    "Athlete",
    "AthleteQuerySet",
    "AthleteStatus",
    "DeviceLink",
    "DistanceUnit",
    "LefsResponse",
    "LefsSource",
    "PainContext",
    "PainScore",
    "PainSource",
    "RtmTime",
    "SessionLog",
    "SessionSource",
    "Side",
    "phone_validator",
]

ATHLETE_THERAPIST_OTHER_CLINIC = "The therapist must belong to the athlete's clinic."
ATHLETE_NO_HARD_DELETE = "Athletes are never deleted: discharge them instead."

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{6,24}$",
    message="Enter a phone number: digits, spaces and + ( ) - only.",
)


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class DistanceUnit(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


class AthleteStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class AthleteQuerySet(models.QuerySet["Athlete"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise models.ProtectedError(ATHLETE_NO_HARD_DELETE, set(self))

    def active(self) -> AthleteQuerySet:
        return self.filter(status=AthleteStatus.ACTIVE)


PLANNED_SESSIONS_DEFAULT = 3
PLANNED_SESSIONS_MIN = 1
PLANNED_SESSIONS_MAX = 14


class Athlete(models.Model):
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="athletes")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="athletes"
    )
    first_name = models.CharField(max_length=100, validators=[NO_NUL])
    last_name = models.CharField(max_length=100, validators=[NO_NUL])
    email = models.EmailField(blank=True, validators=[NO_NUL])
    phone = models.CharField(max_length=32, blank=True, validators=[NO_NUL, phone_validator])
    affected_side = models.CharField(max_length=5, choices=Side.choices)
    # The step rate the athlete runs at by habit; the target is 5% above it.
    preferred_cadence_spm = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=range_validators(p.PREFERRED_CADENCE_MIN, p.PREFERRED_CADENCE_MAX),
    )
    # Heiderscheit 2011: +5% over preferred unloads the knee. Follows the preferred rate
    # until the PT sets it by hand (target_cadence_is_manual), then stays.
    target_cadence_spm = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=range_validators(p.TARGET_CADENCE_MIN, p.TARGET_CADENCE_MAX),
    )
    target_cadence_is_manual = models.BooleanField(default=False)
    # Minutes of uphill walking tolerated before uphill jogging may start (30–45).
    walk_gate_minutes = models.PositiveSmallIntegerField(
        default=p.WALK_GATE_MINUTES_DEFAULT,
        validators=range_validators(p.WALK_GATE_MINUTES_MIN, p.WALK_GATE_MINUTES_MAX),
    )
    # Highest pain (0–10) during, after and next morning that still counts as tolerated.
    gate_pain_max = models.PositiveSmallIntegerField(
        default=p.GATE_PAIN_MAX_DEFAULT,
        validators=range_validators(p.GATE_PAIN_MAX_MIN, p.GATE_PAIN_MAX_MAX),
    )
    distance_unit = models.CharField(
        max_length=2, choices=DistanceUnit.choices, default=DistanceUnit.KM
    )
    # SPEC §11 adherence: how many sessions a week the PT plans (the share of the last 4
    # weeks' planned sessions that were logged).
    planned_sessions_per_week = models.PositiveSmallIntegerField(
        default=PLANNED_SESSIONS_DEFAULT,
        validators=range_validators(PLANNED_SESSIONS_MIN, PLANNED_SESSIONS_MAX),
    )
    # SPEC §11: the first remote-monitoring period starts here (PT-set); empty: on the
    # athlete's first data day.
    rtm_start_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=AthleteStatus.choices, default=AthleteStatus.ACTIVE
    )
    # Changed only through stage changes (a PT's decision), never edited directly; so are
    # stage_started_on, stage_changed_at and stage_entry_session below.
    stage = models.CharField(
        max_length=20, choices=StageCode.choices(), default=p.FIRST_STAGE.value
    )
    stage_started_on = models.DateField()
    # When the last stage change was recorded (null: never changed). A session or check-in
    # dated on ``stage_started_on`` counts only when recorded after this moment (SPEC §1).
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # The first session the last change offered for this stage (``SuggestedSession``
    # ``as_dict()``): what the stage starts with before anything is logged. Null after a
    # move back, a restart, an advance without an ``advance`` recommendation, or no change.
    stage_entry_session = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AthleteQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["clinic", "status"])]
        constraints = [
            choices_check("athlete", "affected_side", Side.choices),
            choices_check("athlete", "distance_unit", DistanceUnit.choices),
            choices_check("athlete", "status", AthleteStatus.choices),
            choices_check("athlete", "stage", StageCode.choices()),
            range_check(
                "athlete",
                "preferred_cadence_spm",
                p.PREFERRED_CADENCE_MIN,
                p.PREFERRED_CADENCE_MAX,
                nullable=True,
            ),
            range_check(
                "athlete",
                "target_cadence_spm",
                p.TARGET_CADENCE_MIN,
                p.TARGET_CADENCE_MAX,
                nullable=True,
            ),
            range_check(
                "athlete", "walk_gate_minutes", p.WALK_GATE_MINUTES_MIN, p.WALK_GATE_MINUTES_MAX
            ),
            range_check("athlete", "gate_pain_max", p.GATE_PAIN_MAX_MIN, p.GATE_PAIN_MAX_MAX),
            range_check(
                "athlete",
                "planned_sessions_per_week",
                PLANNED_SESSIONS_MIN,
                PLANNED_SESSIONS_MAX,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise models.ProtectedError(ATHLETE_NO_HARD_DELETE, {self})

    def clean(self) -> None:
        super().clean()
        if not self.target_cadence_is_manual:
            self.target_cadence_spm = (
                p.default_target_cadence(self.preferred_cadence_spm)
                if self.preferred_cadence_spm is not None
                else None
            )
        if (
            self.clinic_id is not None
            and self.therapist_id is not None
            and self.therapist.clinic_id != self.clinic_id
        ):
            raise ValidationError({"therapist": ATHLETE_THERAPIST_OTHER_CLINIC})
