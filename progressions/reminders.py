"""The weekly stage-review email (SPEC §5): who is due, claiming, building, sending.

"Exactly one email per therapist per ISO week" is a database fact: a ``ReminderDispatch``
row per (therapist, week) under a unique constraint, claimed with a conditional UPDATE
before the email is built. A claim whose worker died is taken again once its lease has
passed; an SMTP failure hands the claim back and the task retries with backoff. (An
email handed to SMTP just before the worker dies, before "sent" is recorded, would go
out again: SMTP offers no transaction to close that last window.)
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, AthleteStatus
from athletes.selectors import with_last_session
from itbrehab.accounts.models import Clinic, User
from progressions.models import ReminderDispatch, StageReview
from progressions.rules import Progression
from progressions.rules.protocol import Recommendation, stage_definition
from progressions.services import review_week
from progressions.stored import stored_progressions

logger = logging.getLogger(__name__)

ORDER = {Recommendation.BACK_OFF: 0, Recommendation.ADVANCE: 1, Recommendation.HOLD: 2}


def clinic_week(clinic: Clinic, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """Return (Monday of the clinic's current ISO week, the moment this week's email is due)."""
    local = now.astimezone(zoneinfo.ZoneInfo(clinic.time_zone))
    week_start, due_day = review_week(local.date(), clinic.review_weekday)
    due = dt.datetime.combine(due_day, dt.time(clinic.review_hour), tzinfo=local.tzinfo)
    # A wall-clock hour that does not exist (spring forward) or exists twice (fall back)
    # resolves through UTC, so the due moment is always one real instant.
    due = due.astimezone(dt.UTC).astimezone(local.tzinfo)
    return week_start, due


def _active_athletes_of(therapist: User) -> QuerySet[Athlete]:
    """Return the therapist's active athletes in the therapist's own clinic.

    The clinic is checked as well as the therapist: an email must never list another
    clinic's patient, whatever state the rows are in.
    """
    return Athlete.objects.filter(
        therapist=therapist, clinic_id=therapist.clinic_id, status=AthleteStatus.ACTIVE
    )


def _therapists_with_active_athletes(clinic: Clinic) -> list[User]:
    active = Athlete.objects.filter(
        therapist=OuterRef("pk"), clinic=clinic, status=AthleteStatus.ACTIVE
    )
    return list(User.objects.filter(clinic=clinic, is_active=True).filter(Exists(active)))


def due_dispatches(*, now: dt.datetime | None = None, ignore_schedule: bool = False) -> list[int]:
    """Open this week's dispatch for every therapist who is due; return the ids to send.

    Due: the clinic-local review weekday and hour have passed this ISO week (or always,
    with ``ignore_schedule``), the therapist has an active athlete, and this week's
    email is not sent. Returns pending dispatches and those whose claim lease ran out.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    ids: list[int] = []
    for clinic in Clinic.objects.all():
        week_start, due = clinic_week(clinic, now)
        if not ignore_schedule and now < due:
            continue
        therapists = _therapists_with_active_athletes(clinic)
        ReminderDispatch.objects.bulk_create(
            [ReminderDispatch(therapist=t, week_start=week_start) for t in therapists],
            ignore_conflicts=True,  # the unique (therapist, week) row may already exist
        )
        ids += (
            ReminderDispatch.objects.filter(therapist__in=therapists, week_start=week_start)
            .filter(
                Q(status=ReminderDispatch.Status.PENDING)
                | Q(status=ReminderDispatch.Status.SENDING, claimed_at__lt=stale)
            )
            .values_list("pk", flat=True)
        )
    return ids


def claim(dispatch_id: int, *, now: dt.datetime | None = None) -> bool:
    """Atomically take the dispatch for sending; False if sent or held by a live claim."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    return bool(
        ReminderDispatch.objects.filter(pk=dispatch_id)
        .filter(
            Q(status=ReminderDispatch.Status.PENDING)
            | Q(status=ReminderDispatch.Status.SENDING, claimed_at__lt=stale)
        )
        .update(
            status=ReminderDispatch.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    )


def release(dispatch_id: int, error: str, *, claimed_at: dt.datetime | None = None) -> None:
    """Hand a failed claim back so the retry (or the next sweep) can take it.

    With ``claimed_at``, only that claim: once its lease ran out another worker may hold
    the dispatch, and freeing theirs would let a third one send the email again.
    """
    claims = ReminderDispatch.objects.filter(pk=dispatch_id, status=ReminderDispatch.Status.SENDING)
    if claimed_at is not None:
        claims = claims.filter(claimed_at=claimed_at)
    claims.update(status=ReminderDispatch.Status.PENDING, last_error=error[:500])


@dataclass(frozen=True)
class EmailLine:
    athlete: Athlete
    stage_name: str
    stage_order: int
    progression: Progression
    days_since_last_session: int | None
    url: str


def email_lines(therapist: User, today: dt.date) -> list[EmailLine]:
    """Return the therapist's active athletes for the email, back off first, then advance."""
    athletes = list(
        with_last_session(_active_athletes_of(therapist))
        .select_related("stored_progression")
        .order_by("last_name", "first_name")
    )
    progressions = stored_progressions(athletes, today=today)
    lines = [
        EmailLine(
            athlete=athlete,
            stage_name=stage_definition(athlete.stage).name,
            stage_order=stage_definition(athlete.stage).order,
            progression=progressions[athlete.pk],
            days_since_last_session=(
                (today - athlete.last_session_date).days if athlete.last_session_date else None
            ),
            url=settings.SITE_URL + reverse("athlete", kwargs={"athlete_id": athlete.pk}),
        )
        for athlete in athletes
    ]
    return sorted(lines, key=lambda line: ORDER[line.progression.recommendation])


def build_email(
    therapist: User, week_start: dt.date, lines: list[EmailLine]
) -> EmailMultiAlternatives:
    """Return the stage-review email (plain text and HTML) listing ``lines``.

    A clinic that set ``review_email_counts_only`` gets the counts and a link to the
    dashboard: no athlete's name, stage or pain leaves the app by email.
    """
    counts_only = therapist.clinic.review_email_counts_only
    context = {
        "counts_only": counts_only,
        "therapist": therapist,
        "clinic": therapist.clinic,
        "week_start": week_start,
        "lines": [] if counts_only else lines,
        "counts": {
            code: sum(1 for line in lines if line.progression.recommendation == code)
            for code in ("back_off", "advance", "hold")
        },
        "dashboard_url": settings.SITE_URL + reverse("dashboard"),
    }
    subject = (
        f"Stage review, week of {week_start:%-d %b}: "
        f"{context['counts']['back_off']} to back off, {context['counts']['advance']} ready "
        f"to advance"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/stage_review.txt", context),
        to=[therapist.email],
    )
    message.attach_alternative(render_to_string("emails/stage_review.html", context), "text/html")
    return message


def _open_reviews(therapist: User, week_start: dt.date, lines: list[EmailLine]) -> None:
    """Open this week's review of each athlete the email lists (idempotent)."""
    clinic = therapist.clinic
    due = week_start + dt.timedelta(days=clinic.review_weekday)
    StageReview.objects.bulk_create(
        [
            StageReview(athlete_id=line.athlete.pk, week_start=week_start, due_date=due)
            for line in lines
        ],
        ignore_conflicts=True,
    )


def send_dispatch(dispatch_id: int, *, now: dt.datetime | None = None) -> bool:
    """Claim, build and send one dispatch; return True if this call sent the email.

    Five queries whatever the caseload: the claim, the dispatch with its therapist and
    clinic, the athletes with their stored progressions, the reviews opened, "sent".

    Raises what the email backend raises (after handing the claim back), so the task
    can retry.
    """
    now = now or timezone.now()
    if not claim(dispatch_id, now=now):
        return False
    dispatch = ReminderDispatch.objects.select_related("therapist__clinic").get(pk=dispatch_id)
    therapist = dispatch.therapist
    today = now.astimezone(zoneinfo.ZoneInfo(therapist.clinic.time_zone)).date()
    try:
        lines = email_lines(therapist, today)
        if not lines:  # every athlete was discharged since the sweep: nothing to review
            release(dispatch_id, "no active athletes", claimed_at=now)
            return False
        _open_reviews(therapist, dispatch.week_start, lines)  # one INSERT, no savepoint
        build_email(therapist, dispatch.week_start, lines).send()
    except Exception as error:
        release(dispatch_id, repr(error), claimed_at=now)
        raise
    ReminderDispatch.objects.filter(pk=dispatch_id).update(
        status=ReminderDispatch.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("Stage-review email sent (dispatch %s)", dispatch_id)
    return True
