"""Writes for progression: stage changes and weekly reviews.

The dashboard, the API and the weekly email all go through these functions, so every
path enforces the same rules. Each raises ``ValidationError`` keyed by the input field
and writes nothing when a rule is broken. Error messages are module constants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, AthleteStatus
from itbrehab.accounts.models import User
from itbrehab.webhooks import services as webhooks
from progressions.models import StageChange, StageReview
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Recommendation,
    StageCode,
    next_stage_in,
    stage_definition,
)
from progressions.selectors import athlete_progression
from progressions.stored import progression_refresh

STAGE_UNKNOWN = "Unknown stage: use one of {codes}."
STAGE_SKIPS = "Advance one stage at a time: the next stage is {next}."
STAGE_DISCHARGED = "A discharged athlete cannot change stage."
REASON_REQUIRED = (
    "The recommendation is “{recommendation}”, not “Advance”: give a reason for advancing."
)
RESTART_REASON_REQUIRED = "A restart backs off within the stage: give a reason."
EFFECTIVE_IN_FUTURE = "The effective date cannot be in the future (clinic time)."
EFFECTIVE_BEFORE_PREVIOUS = "The effective date cannot be before the current stage began ({date})."
DECISION_UNKNOWN = "Decision must be advance, hold or back_off."
DECISION_NO_NEXT_STAGE = "There is no stage after {stage}: hold, back off or discharge instead."
REVIEW_ALREADY_DECIDED = (
    "This week's review is already recorded ({decision}). Record a stage change instead."
)
BACK_OFF_TARGET_NOT_EARLIER = "Back off to an earlier stage than {stage}, or restart it."


def _stage_code(value: str, field: str) -> StageCode:
    try:
        return StageCode(value)
    except ValueError:
        codes = ", ".join(code.value for code in StageCode)
        raise ValidationError({field: STAGE_UNKNOWN.format(codes=codes)}) from None


@transaction.atomic
def stage_change_create(
    *,
    athlete: Athlete,
    to_stage: str,
    changed_by: User,
    reason: str = "",
    effective_date: dt.date | None = None,
    as_of: dt.date | None = None,
    announce: bool = True,
) -> StageChange:
    """Move the athlete to ``to_stage`` and record who, when, why and the recommendation.

    Forward by exactly one stage, back to any earlier stage, or to the current stage: a
    *restart*, which backs off within the stage and needs a reason. Advancing against the
    recommendation needs a reason too. ``effective_date`` defaults to the clinic's today;
    it may not be in the future nor before the current stage began. ``as_of`` (default:
    the clinic's today) is the day the decision was taken, for recording past decisions:
    the recommendation is judged on that day.

    Advancing on an ``advance`` recommendation stores the next stage's first session the
    progression offered, on the change and on the athlete (``stage_entry_session``: what
    the new stage starts with); any other change clears the athlete's. Either way only
    what is recorded after the change counts from its effective date on
    (``stage_changed_at``). Raises ``ValidationError`` (keyed ``to_stage``, ``reason`` or
    ``effective_date``) and writes nothing otherwise.
    """
    # Lock the athlete so two simultaneous decisions cannot both move from the same stage.
    athlete = Athlete.objects.select_for_update().select_related("clinic").get(pk=athlete.pk)
    today = min(as_of, athlete.clinic.today()) if as_of else athlete.clinic.today()
    if athlete.status == AthleteStatus.DISCHARGED:
        raise ValidationError({"to_stage": STAGE_DISCHARGED})
    target = stage_definition(_stage_code(to_stage, "to_stage"))
    current = stage_definition(athlete.stage)
    following = next_stage_in(DEFAULT_LADDER, current.code)
    if following is not None and target.order > following.order:
        raise ValidationError({"to_stage": STAGE_SKIPS.format(next=following.code.value)})
    effective_date = effective_date or today
    if effective_date > today:
        raise ValidationError({"effective_date": EFFECTIVE_IN_FUTURE})
    if effective_date < athlete.stage_started_on:
        raise ValidationError(
            {
                "effective_date": EFFECTIVE_BEFORE_PREVIOUS.format(
                    date=athlete.stage_started_on.isoformat()
                )
            }
        )
    if target.order == current.order and not reason.strip():
        raise ValidationError({"reason": RESTART_REASON_REQUIRED})
    progression = athlete_progression(athlete, today=today)
    advancing = target.order > current.order
    if advancing and progression.recommendation != Recommendation.ADVANCE and not reason.strip():
        raise ValidationError(
            {"reason": REASON_REQUIRED.format(recommendation=progression.recommendation.label)}
        )
    offered = progression.next_stage_first_session if advancing else None
    change = StageChange(
        athlete=athlete,
        from_stage=current.code.value,
        to_stage=target.code.value,
        effective_date=effective_date,
        reason=reason.strip(),
        changed_by=changed_by,
        recommendation=progression.recommendation.value,
        recommendation_snapshot=progression.as_dict(),
        next_stage_first_session=None if offered is None else offered.as_dict(),
    )
    change.full_clean()
    change.save()
    athlete.stage = target.code.value
    athlete.stage_started_on = effective_date
    athlete.stage_changed_at = change.created_at
    athlete.stage_entry_session = change.next_stage_first_session
    athlete.save(
        update_fields=[
            "stage",
            "stage_started_on",
            "stage_changed_at",
            "stage_entry_session",
            "updated_at",
        ]
    )
    if announce:  # else the caller stores the answer and announces (a review's decision)
        progression_refresh(athlete, "stage.changed", stage_change=change.pk)
    return change


def review_week(today: dt.date, review_weekday: int) -> tuple[dt.date, dt.date]:
    """Return (Monday of ``today``'s ISO week, the review day in that week)."""
    week_start = today - dt.timedelta(days=today.weekday())
    return week_start, week_start + dt.timedelta(days=review_weekday)


@transaction.atomic
def stage_review_open(*, athlete: Athlete, today: dt.date | None = None) -> StageReview:
    """Return this week's review of the athlete, opening it if there is none yet."""
    clinic = athlete.clinic
    week_start, due_date = review_week(today or clinic.today(), clinic.review_weekday)
    review, _created = StageReview.objects.get_or_create(
        athlete=athlete, week_start=week_start, defaults={"due_date": due_date}
    )
    return review


# The stage change's fields a review decides with: the note is the reason, the decision
# is the move (its stage and date).
_REVIEW_FIELDS = {"reason": "note", "to_stage": "decision", "effective_date": "decision"}


def _review_stage_change(**change: Any) -> StageChange:
    """``stage_change_create`` for a review: its errors keyed by the review's fields."""
    try:
        return stage_change_create(**change, announce=False)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list[ValidationError]] = {}
        for field, errors in error.error_dict.items():
            renamed.setdefault(_REVIEW_FIELDS.get(field, field), []).extend(errors)
        raise ValidationError(renamed) from None


@transaction.atomic
def stage_review_decide(
    *,
    athlete: Athlete,
    decision: str,
    reviewed_by: User,
    note: str = "",
    back_off_to: str | None = None,
) -> StageReview:
    """Record this week's decision; advance or back off also record the stage change.

    ``advance`` moves one stage on (the note is the reason, required when the engine
    does not recommend advancing). ``back_off`` moves back one stage, or to
    ``back_off_to``: any earlier stage, or the current one to restart it (the note is the
    reason, required). Without ``back_off_to`` at the first stage it records the decision
    only (the load comes down within the stage, and what came before still counts).
    ``hold`` changes no stage. One decision per athlete per week. Raises
    ``ValidationError`` and writes nothing on any broken rule, keyed by the review's own
    fields: the stage change's ``reason`` is the ``note``, its stage and date the
    ``decision`` (so a PT form and the API show each beside what the PT chose).
    """
    try:
        choice = Recommendation(decision)
    except ValueError:
        raise ValidationError({"decision": DECISION_UNKNOWN}) from None
    athlete = Athlete.objects.select_for_update().select_related("clinic").get(pk=athlete.pk)
    if athlete.status == AthleteStatus.DISCHARGED:
        raise ValidationError({"decision": STAGE_DISCHARGED})
    review = stage_review_open(athlete=athlete)
    review = StageReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise ValidationError(
            {"decision": REVIEW_ALREADY_DECIDED.format(decision=review.get_decision_display())}
        )
    current = stage_definition(athlete.stage)
    earlier = [stage for stage in DEFAULT_LADDER if stage.order < current.order]
    change: StageChange | None = None
    if choice == Recommendation.ADVANCE:
        following = next_stage_in(DEFAULT_LADDER, current.code)
        if following is None:
            raise ValidationError({"decision": DECISION_NO_NEXT_STAGE.format(stage=current.name)})
        change = _review_stage_change(
            athlete=athlete, to_stage=following.code.value, changed_by=reviewed_by, reason=note
        )
    elif choice == Recommendation.BACK_OFF and (back_off_to or earlier):
        target = back_off_to or earlier[-1].code.value
        if stage_definition(_stage_code(target, "back_off_to")).order > current.order:
            raise ValidationError(
                {"back_off_to": BACK_OFF_TARGET_NOT_EARLIER.format(stage=current.name)}
            )
        change = _review_stage_change(
            athlete=athlete, to_stage=target, changed_by=reviewed_by, reason=note
        )
    review.decision = choice.value
    review.note = note.strip()
    review.reviewed_by = reviewed_by
    review.reviewed_at = timezone.now()
    review.stage_change = change
    review.full_clean()
    review.save()
    decided = {"athlete": athlete.pk, "review": review.pk}
    if change is None:
        webhooks.emit(athlete.clinic, "review.decided", **decided, stage_change=None)
    else:  # the change's answer and all three events, in one INSERT
        progression_refresh(
            athlete,
            "stage.changed",
            stage_change=change.pk,
            also=[("review.decided", {**decided, "stage_change": change.pk})],
        )
    return review
