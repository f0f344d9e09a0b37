"""A daily pain check-in outside a session."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from athletes.models.common import DATE_IN_FUTURE
from itbrehab.db import choices_check, range_check, range_validators
from progressions.rules import protocol as p


class PainContext(models.TextChoices):
    MORNING = "morning", "Morning"
    REST = "rest", "At rest"
    OTHER = "other", "Other"


class PainSource(models.TextChoices):
    """Who sent a check-in: only the athlete's own (``phone``) are RTM data days (SPEC §11)."""

    WEB = "web", "Web (PT dashboard)"
    PHONE = "phone", "Phone"
    API = "api", "API"


class PainScore(models.Model):
    """A daily pain check-in outside a session (counts toward the week-to-week trend)."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="pain_scores"
    )
    date = models.DateField()
    score = models.PositiveSmallIntegerField(validators=range_validators(p.PAIN_MIN, p.PAIN_MAX))
    context = models.CharField(
        max_length=10, choices=PainContext.choices, default=PainContext.OTHER
    )
    source = models.CharField(max_length=10, choices=PainSource.choices, default=PainSource.WEB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["athlete", "date"])]
        constraints = [
            range_check("painscore", "score", p.PAIN_MIN, p.PAIN_MAX),
            choices_check("painscore", "context", PainContext.choices),
            choices_check("painscore", "source", PainSource.choices),
        ]

    def __str__(self) -> str:
        return f"{self.date} pain {self.score}/10 ({self.context})"

    def clean(self) -> None:
        super().clean()
        if self.athlete_id is not None and self.date and self.date > self.athlete.clinic.today():
            raise ValidationError({"date": DATE_IN_FUTURE})
