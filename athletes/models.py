"""Athletes, the sessions they log and their daily pain check-ins (SPEC §2).

Every range and every required-when rule is stated twice from the same numbers: as a
field validator or ``clean()`` message for people, and as a CHECK constraint so the
database refuses invalid rows even from a bug or a bulk update.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual

from itbrehab.db import choices_check, range_check, range_validators
from progressions.rules import protocol as p
from progressions.rules.protocol import Activity, Intensity, StageCode, Surface, Terrain

NO_NUL = ProhibitNullCharactersValidator()

ATHLETE_THERAPIST_OTHER_CLINIC = "The therapist must belong to the athlete's clinic."
ATHLETE_NO_HARD_DELETE = "Athletes are never deleted: discharge them instead."
DATE_IN_FUTURE = "The date cannot be in the future (clinic time)."
TERRAIN_REQUIRED = "Terrain is required for walks, walk–runs and runs."
PAIN_DURING_REQUIRED = "Pain during is required for walks, walk–runs and runs."
INTERVALS_ONLY_WALK_RUN = "Run/walk intervals apply only to walk–run sessions."
INTERVALS_INCOMPLETE = "Give run seconds, walk seconds and repeats together."
INTERVALS_EXCEED_DURATION = "The intervals add up to more than the session's duration."

RUNNING_TYPES = sorted(a.value for a in p.RUNNING_TYPE_ACTIVITIES)
INTERVAL_FIELDS = ("run_interval_sec", "walk_interval_sec", "repeats")

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


class SessionSource(models.TextChoices):
    WEB = "web", "Web (PT dashboard)"
    PHONE = "phone", "Phone"
    API = "api", "API"
    FILE = "file", "File import"


def _required_when_running(field: str, message: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(activity__in=RUNNING_TYPES) | Q(**{f"{field}__isnull": False}),
        name=f"sessionlog_{field}_required_when_running",
        violation_error_message=message,
    )


class SessionLog(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.PROTECT, related_name="sessions")
    # Dated in the clinic's time zone; never in the future.
    date = models.DateField()
    activity = models.CharField(max_length=20, choices=Activity.choices())
    # Optional choices are NULL when not given (never ""), so the API reports null.
    terrain = models.CharField(max_length=10, choices=Terrain.choices(), null=True, blank=True)  # noqa: DJ001
    surface = models.CharField(max_length=10, choices=Surface.choices(), null=True, blank=True)  # noqa: DJ001
    incline_percent = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=range_validators(p.INCLINE_MIN_PERCENT, p.INCLINE_MAX_PERCENT),
    )
    duration_min = models.PositiveSmallIntegerField(
        validators=range_validators(p.DURATION_MIN_MINUTES, p.DURATION_MAX_MINUTES)
    )
    distance_km = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=range_validators(0, p.DISTANCE_MAX_KM),
    )
    # Walk–run intervals: run this long, walk this long, this many times.
    run_interval_sec = models.PositiveIntegerField(
        null=True, blank=True, validators=range_validators(1, p.INTERVAL_MAX_SECONDS)
    )
    walk_interval_sec = models.PositiveIntegerField(
        null=True, blank=True, validators=range_validators(1, p.INTERVAL_MAX_SECONDS)
    )
    repeats = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(1, p.REPEATS_MAX)
    )
    intensity = models.CharField(  # noqa: DJ001
        max_length=10, choices=Intensity.choices(), null=True, blank=True
    )
    cadence_spm = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=range_validators(p.SESSION_CADENCE_MIN, p.SESSION_CADENCE_MAX),
    )
    # Pain on the 0–10 scale (Silbernagel 2007): may reach but not pass 5 during
    # activity, must settle by the next morning.
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(p.PAIN_MIN, p.PAIN_MAX)
    )
    pain_during = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(p.PAIN_MIN, p.PAIN_MAX)
    )
    pain_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(p.PAIN_MIN, p.PAIN_MAX)
    )
    # Arrives the next morning; missing means "not yet known", never "tolerated".
    pain_next_morning = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(p.PAIN_MIN, p.PAIN_MAX)
    )
    # Had to stop or changed gait because of pain: a red flag.
    stopped_early = models.BooleanField(default=False)
    notes = models.CharField(max_length=2000, blank=True, validators=[NO_NUL])
    source = models.CharField(
        max_length=10, choices=SessionSource.choices, default=SessionSource.WEB
    )
    # One-variable check against the athlete's previous running-type session (SPEC §1),
    # kept up to date by the services whenever a session is saved, edited or deleted.
    changed_variables = models.JSONField(default=list, blank=True, editable=False)
    warnings = models.JSONField(default=list, blank=True, editable=False)
    # Set by phones and integrations so a retried POST stores the session once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    # Counts the changes to what was entered (SPEC §7, no lost update): 1 when stored,
    # +1 on every update through ``session_log_update``, which writes only if the row is
    # still at the version the change was based on. The recomputed one-variable check
    # above is derived, not entered, and does not count.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Newest first; sessions of one day in the order they were recorded.
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["athlete", "date", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "client_id"],
                name="sessionlog_client_id_unique_per_athlete",
                violation_error_message="A session with this client_id is already stored.",
            ),
            choices_check("sessionlog", "activity", Activity.choices()),
            choices_check("sessionlog", "terrain", Terrain.choices(), nullable=True),
            choices_check("sessionlog", "surface", Surface.choices(), nullable=True),
            choices_check("sessionlog", "intensity", Intensity.choices(), nullable=True),
            choices_check("sessionlog", "source", SessionSource.choices),
            range_check(
                "sessionlog",
                "incline_percent",
                p.INCLINE_MIN_PERCENT,
                p.INCLINE_MAX_PERCENT,
                nullable=True,
            ),
            range_check(
                "sessionlog", "duration_min", p.DURATION_MIN_MINUTES, p.DURATION_MAX_MINUTES
            ),
            range_check("sessionlog", "distance_km", 0, p.DISTANCE_MAX_KM, nullable=True),
            range_check("sessionlog", "run_interval_sec", 1, p.INTERVAL_MAX_SECONDS, nullable=True),
            range_check(
                "sessionlog", "walk_interval_sec", 1, p.INTERVAL_MAX_SECONDS, nullable=True
            ),
            range_check("sessionlog", "repeats", 1, p.REPEATS_MAX, nullable=True),
            range_check(
                "sessionlog",
                "cadence_spm",
                p.SESSION_CADENCE_MIN,
                p.SESSION_CADENCE_MAX,
                nullable=True,
            ),
            *(
                range_check("sessionlog", field, p.PAIN_MIN, p.PAIN_MAX, nullable=True)
                for field in ("pain_before", "pain_during", "pain_after", "pain_next_morning")
            ),
            _required_when_running("terrain", TERRAIN_REQUIRED),
            _required_when_running("pain_during", PAIN_DURING_REQUIRED),
            models.CheckConstraint(
                condition=Q(activity=Activity.WALK_RUN.value)
                | Q(
                    run_interval_sec__isnull=True,
                    walk_interval_sec__isnull=True,
                    repeats__isnull=True,
                ),
                name="sessionlog_intervals_only_walk_run",
                violation_error_message=INTERVALS_ONLY_WALK_RUN,
            ),
            models.CheckConstraint(
                condition=Q(
                    run_interval_sec__isnull=True,
                    walk_interval_sec__isnull=True,
                    repeats__isnull=True,
                )
                | Q(
                    run_interval_sec__isnull=False,
                    walk_interval_sec__isnull=False,
                    repeats__isnull=False,
                ),
                name="sessionlog_intervals_all_or_none",
                violation_error_message=INTERVALS_INCOMPLETE,
            ),
            models.CheckConstraint(
                condition=Q(repeats__isnull=True)
                | GreaterThanOrEqual(
                    F("duration_min") * 60,
                    (F("run_interval_sec") + F("walk_interval_sec")) * F("repeats"),
                ),
                name="sessionlog_intervals_within_duration",
                violation_error_message=INTERVALS_EXCEED_DURATION,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_activity_display()} {self.duration_min} min"

    @property
    def is_running_type(self) -> bool:
        return self.activity in RUNNING_TYPES

    @property
    def pain_list(self) -> list[int | None]:
        """Return the pain scores in time order: before, during, after, next morning."""
        return [self.pain_before, self.pain_during, self.pain_after, self.pain_next_morning]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.athlete_id is not None and self.date and self.date > self.athlete.clinic.today():
            errors["date"] = DATE_IN_FUTURE
        if self.is_running_type:
            if not self.terrain:
                errors["terrain"] = TERRAIN_REQUIRED
            if self.pain_during is None:
                errors["pain_during"] = PAIN_DURING_REQUIRED
        intervals = {f: getattr(self, f) for f in INTERVAL_FIELDS}
        given = [f for f, value in intervals.items() if value is not None]
        if given and self.activity != Activity.WALK_RUN:
            errors[given[0]] = INTERVALS_ONLY_WALK_RUN
        elif given and len(given) < len(INTERVAL_FIELDS):
            missing = next(f for f in INTERVAL_FIELDS if intervals[f] is None)
            errors[missing] = INTERVALS_INCOMPLETE
        elif given and self.duration_min:
            total = (self.run_interval_sec + self.walk_interval_sec) * self.repeats
            if total > self.duration_min * 60:
                errors["repeats"] = INTERVALS_EXCEED_DURATION
        if errors:
            raise ValidationError(errors)


# What a person or a clinic system enters about a session, in form order: the API, the
# PT's form and the phone form all offer these (the phone a thumb-sized subset).
SESSION_INPUT_FIELDS = (
    "date",
    "activity",
    "terrain",
    "surface",
    "incline_percent",
    "duration_min",
    "distance_km",
    "run_interval_sec",
    "walk_interval_sec",
    "repeats",
    "intensity",
    "cadence_spm",
    "pain_before",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "stopped_early",
    "notes",
)


class PainContext(models.TextChoices):
    MORNING = "morning", "Morning"
    REST = "rest", "At rest"
    OTHER = "other", "Other"


class PainScore(models.Model):
    """A daily pain check-in outside a session (counts toward the week-to-week trend)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.PROTECT, related_name="pain_scores")
    date = models.DateField()
    score = models.PositiveSmallIntegerField(validators=range_validators(p.PAIN_MIN, p.PAIN_MAX))
    context = models.CharField(
        max_length=10, choices=PainContext.choices, default=PainContext.OTHER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["athlete", "date"])]
        constraints = [
            range_check("painscore", "score", p.PAIN_MIN, p.PAIN_MAX),
            choices_check("painscore", "context", PainContext.choices),
        ]

    def __str__(self) -> str:
        return f"{self.date} pain {self.score}/10 ({self.context})"

    def clean(self) -> None:
        super().clean()
        if self.athlete_id is not None and self.date and self.date > self.athlete.clinic.today():
            raise ValidationError({"date": DATE_IN_FUTURE})


DEVICE_LINK_DAYS_DEFAULT = 60


class DeviceLink(models.Model):
    """A passwordless phone link for one athlete: only a hash of its token is stored.

    Opening the link signs that phone in to the athlete's pages until the link expires
    or the PT revokes it; revoking also ends phones already signed in with it.
    """

    athlete = models.ForeignKey(Athlete, on_delete=models.PROTECT, related_name="device_links")
    # SHA-256 of the secret in the URL: a database leak reveals no usable link.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_links_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="devicelink_expires_after_creation",
                violation_error_message="A link must expire after it is created.",
            ),
        ]

    def __str__(self) -> str:
        return f"Phone link for {self.athlete} (until {self.expires_at:%Y-%m-%d})"

    def is_usable(self, now: dt.datetime) -> bool:
        """Return whether the link still opens: not revoked and not expired."""
        return self.revoked_at is None and now < self.expires_at
