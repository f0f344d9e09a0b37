"""A logged session: what was done, how it felt, and its stored one-variable check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual

from athletes.models.common import DATE_IN_FUTURE, NO_NUL, SHA256_HEX
from itbrehab.db import choices_check, range_check, range_validators
from progressions.rules import protocol as p
from progressions.rules.protocol import Activity, Intensity, Surface, Terrain

TERRAIN_REQUIRED = "Terrain is required for walks, walk–runs and runs."
PAIN_DURING_REQUIRED = "Pain during is required for walks, walk–runs and runs."
INTERVALS_ONLY_WALK_RUN = "Run/walk intervals apply only to walk–run sessions."
INTERVALS_INCOMPLETE = "Give run seconds, walk seconds and repeats together."
INTERVALS_EXCEED_DURATION = "The intervals add up to more than the session's duration."

RUNNING_TYPES = sorted(a.value for a in p.RUNNING_TYPE_ACTIVITIES)
INTERVAL_FIELDS = ("run_interval_sec", "walk_interval_sec", "repeats")


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


class LiveSessionManager(models.Manager["SessionLog"]):
    """The sessions that were not deleted."""

    def get_queryset(self) -> models.QuerySet[SessionLog]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SessionLog(models.Model):
    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="sessions"
    )
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
    # The SHA-256 of the watch file the session was read from (SPEC §9): the same file
    # stored again for the athlete answers with this session instead of a second one.
    file_sha256 = models.CharField(  # noqa: DJ001 - no file is not an empty digest
        max_length=64, null=True, blank=True, editable=False, validators=[SHA256_HEX]
    )
    # Counts the changes to what was entered (SPEC §7, no lost update): 1 when stored,
    # +1 on every update through ``session_log_update``, which writes only if the row is
    # still at the version the change was based on. The recomputed one-variable check
    # above is derived, not entered, and does not count.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleting a session hides it everywhere and keeps it for the audit log (SPEC §8).
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    # ``objects`` (the default: every list, the engine, the charts, the email and the
    # athlete's ``sessions``) never sees a deleted session; ``all_objects`` does.
    all_objects = models.Manager()
    objects = LiveSessionManager()

    class Meta:
        # Newest first; sessions of one day in the order they were recorded.
        ordering = ["-date", "-id"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        indexes = [
            models.Index(
                fields=["athlete", "date", "id"],
                condition=Q(deleted_at__isnull=True),
                name="sessionlog_live_by_date",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "client_id"],
                name="sessionlog_client_id_unique_per_athlete",
                violation_error_message="A session with this client_id is already stored.",
            ),
            models.UniqueConstraint(
                fields=["athlete", "file_sha256"],
                condition=Q(file_sha256__isnull=False, deleted_at__isnull=True),
                name="sessionlog_file_unique_per_athlete",
                violation_error_message="A session read from this file is already stored.",
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

    def full_clean(
        self,
        exclude: list[str] | set[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = False,
    ) -> None:
        """Validate without Django's constraint queries unless asked (one SELECT each).

        Every CHECK above has a Python twin (field validators and ``clean()``), so the
        PT's and the phone's forms, which call this with the defaults, refuse the same
        values without some twenty queries; the ``client_id`` constraint is the services'
        replay, decided by the INSERT (``athletes.services``, HOT_PATH). The database
        still enforces every constraint on write.
        """
        super().full_clean(exclude, validate_unique, validate_constraints)

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
