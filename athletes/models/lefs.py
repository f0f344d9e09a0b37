"""A Lower Extremity Functional Scale response (SPEC §11): 20 answers, a total once complete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from athletes.lefs.scale import (
    ANSWER_MAX,
    ANSWER_MIN,
    ITEM_COUNT,
    TOTAL_MAX,
    answers_total,
    empty_answers,
)
from itbrehab.db import choices_check, range_check, range_validators

LEFS_ANSWERS_SHAPE = f"The answers are a list of {ITEM_COUNT} items, each a whole number or null."
LEFS_ANSWER_RANGE = f"Each answer is a whole number from {ANSWER_MIN} to {ANSWER_MAX}."
LEFS_INCOMPLETE = f"A LEFS is completed only when all {ITEM_COUNT} items are answered."
LEFS_TOTAL_MISMATCH = "The total is the sum of the answers, set when the LEFS is completed."


class LefsSource(models.TextChoices):
    PHONE = "phone", "Phone"
    API = "api", "API"


class LefsResponse(models.Model):
    """One athlete's LEFS, answered an item at a time; complete once all 20 are answered.

    At most one unfinished response per athlete (the phone continues it rather than start
    another). ``total`` (0–80, higher is better) is set with ``completed_at`` and only then.
    """

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="lefs_responses"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # One entry per item in ``athletes.lefs.ITEMS``' order: 0–4, or null until answered.
    answers = models.JSONField(default=empty_answers)
    total = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=range_validators(0, TOTAL_MAX)
    )
    source = models.CharField(max_length=10, choices=LefsSource.choices)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["athlete", "completed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete"],
                condition=Q(completed_at__isnull=True),
                name="lefsresponse_one_open_per_athlete",
                violation_error_message="This athlete already has an unfinished LEFS.",
            ),
            range_check("lefsresponse", "total", 0, TOTAL_MAX, nullable=True),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True, total__isnull=True)
                | Q(completed_at__isnull=False, total__isnull=False),
                name="lefsresponse_total_when_completed",
                violation_error_message=LEFS_TOTAL_MISMATCH,
            ),
            choices_check("lefsresponse", "source", LefsSource.choices),
        ]

    def __str__(self) -> str:
        state = f"total {self.total}/{TOTAL_MAX}" if self.completed_at else "unfinished"
        return f"LEFS {self.started_at:%Y-%m-%d} ({state})"

    @property
    def answered(self) -> int:
        """How many items have an answer."""
        return sum(a is not None for a in self.answers)

    def clean(self) -> None:
        super().clean()
        answers = self.answers
        if not isinstance(answers, list) or len(answers) != ITEM_COUNT:
            raise ValidationError({"answers": LEFS_ANSWERS_SHAPE})
        for answer in answers:
            if answer is None:
                continue
            # bool is an int in Python: true is no answer of 1.
            if isinstance(answer, bool) or not isinstance(answer, int):
                raise ValidationError({"answers": LEFS_ANSWERS_SHAPE})
            if not ANSWER_MIN <= answer <= ANSWER_MAX:
                raise ValidationError({"answers": LEFS_ANSWER_RANGE})
        total = answers_total(answers)
        if self.completed_at is not None and total is None:
            raise ValidationError({"completed_at": LEFS_INCOMPLETE})
        if self.total != (total if self.completed_at is not None else None):
            raise ValidationError({"total": LEFS_TOTAL_MISMATCH})
