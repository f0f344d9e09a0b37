"""Minutes a therapist spent on an athlete's remote monitoring (SPEC §11, management time)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from athletes.models.common import DATE_IN_FUTURE, NO_NUL
from itbrehab.db import range_check, range_validators

RTM_MINUTES_MIN = 1
RTM_MINUTES_MAX = 600
RTM_NOTE_MAX = 2000


class RtmTime(models.Model):
    """One entry of management time: a date, its minutes and whether a live call took place.

    The monthly report sums the minutes of a calendar month; a live two-way call in the
    month is what 98980 needs (``athletes.rtm``). Deleting an entry deletes the row: the
    audit keeps it (``itbrehab.audit``, a delete event with the whole row).
    """

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="rtm_times"
    )
    # The therapist who spent the time (for an API client: the one it names).
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The day the time was spent, in the clinic's time zone; never in the future.
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=range_validators(RTM_MINUTES_MIN, RTM_MINUTES_MAX)
    )
    # Interactive communication (a live two-way call, video or phone) with the athlete.
    live_call = models.BooleanField(default=False)
    note = models.CharField(max_length=RTM_NOTE_MAX, blank=True, validators=[NO_NUL])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["athlete", "date"], name="rtmtime_athlete_date")]
        constraints = [
            range_check("rtmtime", "minutes", RTM_MINUTES_MIN, RTM_MINUTES_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.minutes} min{' (live call)' if self.live_call else ''}"

    def clean(self) -> None:
        super().clean()
        if self.athlete_id is not None and self.date and self.date > self.athlete.clinic.today():
            raise ValidationError({"date": DATE_IN_FUTURE})
