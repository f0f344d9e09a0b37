"""Weekly reviews: one per athlete per ISO week; the decision records any stage change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions import services as s
from progressions.models import StageChange, StageReview
from progressions.services import stage_review_decide, stage_review_open
from tests.factories import AthleteFactory, SessionLogFactory


def test_a_review_opens_once_per_iso_week_due_on_the_clinic_review_day(
    athlete: Athlete, today: dt.date
) -> None:
    athlete.clinic.review_weekday = 4  # Friday
    athlete.clinic.save()
    first = stage_review_open(athlete=athlete)
    again = stage_review_open(athlete=athlete, today=today + dt.timedelta(days=4))  # Sunday
    assert first == again
    assert (first.week_start, first.due_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    next_week = stage_review_open(athlete=athlete, today=today + dt.timedelta(days=5))
    assert next_week.week_start == dt.date(2026, 3, 9)
    assert StageReview.objects.count() == 2


def test_hold_closes_the_review_without_a_stage_change(athlete: Athlete, therapist: User) -> None:
    review = stage_review_decide(
        athlete=athlete, decision="hold", reviewed_by=therapist, note="Repeat 30 min twice."
    )
    athlete.refresh_from_db()
    assert (review.decision, review.note, review.reviewed_by) == (
        "hold",
        "Repeat 30 min twice.",
        therapist,
    )
    assert review.reviewed_at is not None
    assert review.stage_change is None
    assert athlete.stage == "uphill_walk"


def test_advance_records_the_review_and_the_stage_change(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    for days_ago in (3, 1):
        SessionLogFactory(athlete=athlete, date=today - dt.timedelta(days=days_ago))
    review = stage_review_decide(athlete=athlete, decision="advance", reviewed_by=therapist)
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_jog"
    assert review.stage_change == StageChange.objects.get()


def test_advance_against_the_recommendation_needs_a_note(athlete: Athlete, therapist: User) -> None:
    with pytest.raises(ValidationError) as caught:
        stage_review_decide(athlete=athlete, decision="advance", reviewed_by=therapist)
    # In the PT's words, not the API's codes: "Hold", never "hold" or "back_off".
    assert caught.value.message_dict["note"] == [
        "The recommendation is “Hold”, not “Advance”: give a reason for advancing."
    ]
    assert StageReview.objects.count() == 0  # the review opened inside was rolled back
    assert StageChange.objects.count() == 0


def test_back_off_moves_back_one_stage(therapist: User, today: dt.date) -> None:
    athlete = AthleteFactory(therapist=therapist, stage="flat_run", stage_started_on=today)
    review = stage_review_decide(
        athlete=athlete, decision="back_off", reviewed_by=therapist, note="Pain 6 on Tuesday"
    )
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_jog"
    assert review.stage_change.reason == "Pain 6 on Tuesday"


def test_back_off_can_go_back_further(therapist: User, today: dt.date) -> None:
    athlete = AthleteFactory(therapist=therapist, stage="flat_run", stage_started_on=today)
    stage_review_decide(
        athlete=athlete, decision="back_off", reviewed_by=therapist, back_off_to="uphill_walk"
    )
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_walk"


def test_back_off_at_the_first_stage_records_the_decision_only(
    athlete: Athlete, therapist: User
) -> None:
    review = stage_review_decide(athlete=athlete, decision="back_off", reviewed_by=therapist)
    assert review.decision == "back_off"
    assert review.stage_change is None
    assert StageChange.objects.count() == 0


def test_back_off_to_the_current_stage_restarts_it_with_the_note_as_reason(
    therapist: User, today: dt.date
) -> None:
    athlete = AthleteFactory(
        therapist=therapist, stage="flat_run", stage_started_on=today - dt.timedelta(days=9)
    )
    review = stage_review_decide(
        athlete=athlete,
        decision="back_off",
        reviewed_by=therapist,
        back_off_to="flat_run",
        note="Pain 6 at 5 km: start flat running again.",
    )
    athlete.refresh_from_db()
    change = StageChange.objects.get()
    assert review.stage_change == change
    assert (change.from_stage, change.to_stage, change.reason) == (
        "flat_run",
        "flat_run",
        "Pain 6 at 5 km: start flat running again.",
    )
    assert (athlete.stage, athlete.stage_started_on) == ("flat_run", today)


def test_back_off_at_the_first_stage_may_restart_it(athlete: Athlete, therapist: User) -> None:
    review = stage_review_decide(
        athlete=athlete,
        decision="back_off",
        reviewed_by=therapist,
        back_off_to="uphill_walk",
        note="Flare-up after the weekend.",
    )
    assert (review.stage_change.from_stage, review.stage_change.to_stage) == (
        "uphill_walk",
        "uphill_walk",
    )


def test_a_restart_without_a_note_is_refused_and_writes_nothing(
    athlete: Athlete, therapist: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        stage_review_decide(
            athlete=athlete, decision="back_off", reviewed_by=therapist, back_off_to="uphill_walk"
        )
    # The stage change's reason is the review's note: the PT page and the API say "note".
    assert caught.value.message_dict["note"] == [s.RESTART_REASON_REQUIRED]
    assert (StageReview.objects.count(), StageChange.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", s.DECISION_UNKNOWN),
        (
            {"decision": "back_off", "back_off_to": "speed_work"},
            "back_off_to",
            "earlier stage",
        ),
    ],
)
def test_invalid_decisions_are_refused_and_write_nothing(
    athlete: Athlete, therapist: User, kwargs: dict, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        stage_review_decide(athlete=athlete, reviewed_by=therapist, **kwargs)
    assert message in caught.value.message_dict[field][0]
    assert (StageReview.objects.count(), StageChange.objects.count()) == (0, 0)


def test_advance_from_the_last_stage_is_refused(therapist: User, today: dt.date) -> None:
    athlete = AthleteFactory(therapist=therapist, stage="full_training", stage_started_on=today)
    with pytest.raises(ValidationError) as caught:
        stage_review_decide(athlete=athlete, decision="advance", reviewed_by=therapist)
    assert "no stage after" in caught.value.message_dict["decision"][0]


def test_one_decision_per_week(athlete: Athlete, therapist: User, colleague: User) -> None:
    stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist)
    with pytest.raises(ValidationError) as caught:
        stage_review_decide(athlete=athlete, decision="back_off", reviewed_by=colleague)
    assert caught.value.message_dict["decision"] == [
        s.REVIEW_ALREADY_DECIDED.format(decision="Hold")
    ]
    assert StageReview.objects.get().reviewed_by == therapist


def test_a_discharged_athlete_gets_no_decision(athlete: Athlete, therapist: User) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")
    with pytest.raises(ValidationError):
        stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist)
    assert StageReview.objects.count() == 0
