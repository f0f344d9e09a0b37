"""The record of a PT's decisions: stage changes and weekly stage reviews.

Nothing here is ever overwritten: the history is the record. The athlete's current
``stage`` is the ``to_stage`` of their latest change; that change's effective date, the
moment it was recorded and the entry session it offered are kept on the athlete row too
(``stage_started_on``, ``stage_changed_at``, ``stage_entry_session``) for fast reads, all
written only by ``progressions.services.stage_change_create``.

A change moves forward one stage, back to an earlier one, or *restarts* the current
stage (``to_stage`` == ``from_stage``, SPEC §3): the PT backs off within the stage, and
only what is recorded after the restart counts from then on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import F, Q

from itbrehab.db import choices_check
from progressions.rules.protocol import Recommendation, StageCode

NO_NUL = ProhibitNullCharactersValidator()


class StageChange(models.Model):
    """One move on the ladder (or a restart): who moved whom, from where to where, when, why."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=StageCode.choices())
    to_stage = models.CharField(max_length=20, choices=StageCode.choices())
    # The day the new stage starts counting: sessions before it are the PT's past judgement.
    effective_date = models.DateField()
    reason = models.CharField(max_length=2000, blank=True, validators=[NO_NUL])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stage_changes_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What the engine recommended at that moment, and the whole evaluation behind it.
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices())
    recommendation_snapshot = models.JSONField()
    # The next stage's first session the progression offered when the change was recorded
    # (``SuggestedSession.as_dict()``): what the new stage starts with. Null unless the
    # change advanced on an ``advance`` recommendation.
    next_stage_first_session = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["athlete", "effective_date", "id"])]
        constraints = [
            choices_check("stagechange", "from_stage", StageCode.choices()),
            choices_check("stagechange", "to_stage", StageCode.choices()),
            choices_check("stagechange", "recommendation", Recommendation.choices()),
        ]

    def __str__(self) -> str:
        return f"{self.athlete}: {self.from_stage} → {self.to_stage} on {self.effective_date}"


class StageReview(models.Model):
    """The weekly review of one athlete: opened for the week, closed by a PT's decision."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="stage_reviews"
    )
    # Monday of the ISO week (clinic time) the review belongs to: one review a week.
    week_start = models.DateField()
    due_date = models.DateField()
    decision = models.CharField(
        max_length=10, choices=Recommendation.choices(), blank=True, default=""
    )
    note = models.CharField(max_length=2000, blank=True, validators=[NO_NUL])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stage_reviews_done",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The stage change the decision recorded (advance or back off), if any.
    stage_change = models.OneToOneField(
        StageChange, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "athlete_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "week_start"],
                name="stagereview_one_per_athlete_per_week",
                violation_error_message="This athlete already has a review for that week.",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", *(r.value for r in Recommendation)]),
                name="stagereview_decision_valid",
                violation_error_message="decision must be advance, hold or back_off.",
            ),
            # A review is either open (no decision, nobody, never) or closed (all three).
            models.CheckConstraint(
                condition=Q(decision="", reviewed_by__isnull=True, reviewed_at__isnull=True)
                | (~Q(decision="") & Q(reviewed_by__isnull=False, reviewed_at__isnull=False)),
                name="stagereview_closed_consistently",
                violation_error_message="A decision needs who reviewed it and when.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("week_start")),
                name="stagereview_due_in_its_week",
                violation_error_message="A review is due within its own week.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} week of {self.week_start}: {self.decision or 'open'}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class ReminderDispatch(models.Model):
    """This week's stage-review email to one therapist: a row claimed before sending.

    The unique (therapist, week) pair makes "one email per therapist per week" a database
    fact; the status moves pending → sending (claimed, with a lease) → sent. A claim whose
    lease ran out (the worker died) is taken again by the next sweep.
    """

    Status = DispatchStatus

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminder_dispatches"
    )
    # Monday of the ISO week in the clinic's time zone.
    week_start = models.DateField()
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "therapist_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "week_start"],
                name="reminderdispatch_one_per_therapist_per_week",
            ),
            choices_check("reminderdispatch", "status", DispatchStatus.choices),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminderdispatch_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Review email to {self.therapist} for week of {self.week_start}: {self.status}"


class StoredProgression(models.Model):
    """The engine's answer for one athlete, kept until new data or the calendar changes it.

    ``data`` is ``Progression.as_dict()`` for ``computed_on``; the answer is the same on
    every day up to ``valid_until`` (inclusive) as long as no input changes, so a reader
    on such a day rebuilds it with ``Progression.from_dict`` instead of evaluating the
    athlete's history. ``data`` is empty when there is no answer to keep.

    ``answer_key`` and ``announced_key``: what the ``progression.changed`` webhook compares.

    ``generation`` counts the writes to the athlete's inputs (the athlete, their
    sessions, pain check-ins): each one adds one and empties the answer, in the write's
    own statement (a PostgreSQL trigger; a signal on SQLite). An answer is stored only
    if the generation is still the one read before its inputs were read
    (``progressions/stored.py``), so an answer evaluated on data that changed meanwhile
    is never kept, whoever wrote the change. ``recommendation`` and ``red_flag_count``
    repeat two fields of ``data`` for filters and counts in SQL.
    """

    # No database constraint: the row outlives nothing, and the triggers write it while
    # Django deletes an athlete's rows in its own order (the athlete's trigger removes it).
    athlete = models.OneToOneField(
        "athletes.Athlete",
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,
        related_name="stored_progression",
    )
    generation = models.BigIntegerField(default=0)
    computed_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    recommendation = models.CharField(
        max_length=20, choices=Recommendation.choices(), blank=True, default=""
    )
    red_flag_count = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    # Which rules computed it (``progressions.stored.RULES_VERSION``): after a release that
    # changes them, no answer of the old rules holds.
    rules = models.CharField(max_length=16, blank=True, default="")
    computed_at = models.DateTimeField(auto_now=True)
    # What ``progression.changed`` compares (SPEC §10): a fingerprint of the stored
    # answer's recommendation and red flags (``progressions.stored.answer_key``), and the
    # one last announced. A write announces its change at once; an answer a reader or the
    # hourly refresh stored (a red flag that expired with time) is announced by
    # ``announce_changes``. The triggers leave both alone (their defaults are the
    # database's, for the triggers' INSERT).
    answer_key = models.CharField(max_length=16, blank=True, default="", db_default="")
    announced_key = models.CharField(max_length=16, blank=True, default="", db_default="")

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"], name="storedprogression_valid_until"),
            models.Index(
                fields=["athlete"],
                condition=Q(data__isnull=False) & ~Q(answer_key=F("announced_key")),
                name="storedprogression_unannounced",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data__isnull=True)
                | Q(valid_until__gte=F("computed_on"), computed_on__isnull=False),
                name="storedprogression_valid_from_its_day_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete_id}: {self.recommendation} ({self.computed_on}–{self.valid_until})"

    def holds_on(self, day: dt.date, rules: str) -> bool:
        """Return whether the stored answer is the athlete's answer on ``day`` by ``rules``."""
        return (
            self.data is not None
            and self.rules == rules
            and self.computed_on is not None
            and self.valid_until is not None
            and self.computed_on <= day <= self.valid_until
        )
