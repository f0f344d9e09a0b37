"""Restarts: a stage change to the current stage, the PT backing off within the stage.

A restart needs a reason, follows the same date rules as any change and is refused for
a discharged athlete; a refused restart writes nothing. Afterwards only what is recorded
after the restart counts, even on the day of the restart (SPEC §1 "Which sessions count").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions import services as s
from progressions.models import StageChange
from progressions.selectors import athlete_progression
from progressions.services import stage_change_create
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory
from tests.support.athletes import moved_to_jogging

STAGE_ROW = ("stage", "stage_started_on", "stage_changed_at", "stage_entry_session", "updated_at")


def _stage_row(athlete: Athlete) -> tuple[Any, ...]:
    return Athlete.objects.values_list(*STAGE_ROW).get(pk=athlete.pk)


@pytest.fixture
def jogger(therapist: User, today: dt.date) -> Athlete:
    """In uphill jogging since 2 March, moved there by a recorded change."""
    athlete = AthleteFactory(
        therapist=therapist, stage="uphill_walk", stage_started_on=today - dt.timedelta(days=20)
    )
    return moved_to_jogging(athlete, on=today - dt.timedelta(days=2))


def test_a_restart_with_a_reason_records_a_change_within_the_stage(
    jogger: Athlete, therapist: User, today: dt.date
) -> None:
    change = stage_change_create(
        athlete=jogger,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="  Pain 6 after Tuesday's walk–run: start the stage again.  ",
    )

    jogger.refresh_from_db()
    assert (change.from_stage, change.to_stage) == ("uphill_jog", "uphill_jog")
    assert change.reason == "Pain 6 after Tuesday's walk–run: start the stage again."
    assert change.changed_by == therapist
    assert change.next_stage_first_session is None
    assert (jogger.stage, jogger.stage_started_on) == ("uphill_jog", today)
    assert jogger.stage_changed_at == change.created_at
    assert jogger.stage_entry_session is None
    assert list(StageChange.objects.filter(athlete=jogger).values_list("to_stage", flat=True)) == [
        "uphill_jog",
        "uphill_jog",
    ]


def test_the_first_stage_can_be_restarted(athlete: Athlete, therapist: User) -> None:
    change = stage_change_create(
        athlete=athlete, to_stage="uphill_walk", changed_by=therapist, reason="Flare-up."
    )
    assert (change.from_stage, change.to_stage) == ("uphill_walk", "uphill_walk")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"to_stage": "uphill_jog"}, "reason", s.RESTART_REASON_REQUIRED),
        ({"to_stage": "uphill_jog", "reason": " \n "}, "reason", s.RESTART_REASON_REQUIRED),
        (
            {"to_stage": "uphill_jog", "reason": "Sore.", "effective_date": dt.date(2026, 3, 5)},
            "effective_date",
            s.EFFECTIVE_IN_FUTURE,
        ),
        (
            {"to_stage": "uphill_jog", "reason": "Sore.", "effective_date": dt.date(2026, 3, 1)},
            "effective_date",
            s.EFFECTIVE_BEFORE_PREVIOUS.format(date="2026-03-02"),
        ),
        ({"to_stage": "uphill_jogging", "reason": "Sore."}, "to_stage", "Unknown stage"),
    ],
    ids=["no-reason", "blank-reason", "future", "before-the-stage-began", "unknown-stage"],
)
def test_a_restart_breaking_a_rule_is_refused_and_writes_nothing(
    jogger: Athlete, therapist: User, kwargs: dict[str, Any], field: str, message: str
) -> None:
    before = (_stage_row(jogger), StageChange.objects.count())

    with pytest.raises(ValidationError) as caught:
        stage_change_create(athlete=jogger, changed_by=therapist, **kwargs)

    assert message in " ".join(caught.value.message_dict[field])
    assert (_stage_row(jogger), StageChange.objects.count()) == before


def test_a_discharged_athlete_cannot_restart(jogger: Athlete, therapist: User) -> None:
    Athlete.objects.filter(pk=jogger.pk).update(status="discharged")
    before = (_stage_row(jogger), StageChange.objects.count())

    with pytest.raises(ValidationError) as caught:
        stage_change_create(
            athlete=jogger, to_stage="uphill_jog", changed_by=therapist, reason="Sore."
        )

    assert caught.value.message_dict["to_stage"] == [s.STAGE_DISCHARGED]
    assert (_stage_row(jogger), StageChange.objects.count()) == before


def _at(time_machine: Any, today: dt.date, hour: int) -> None:
    """Move the frozen clock to ``hour``:00 on ``today`` (London is on UTC in March)."""
    time_machine.move_to(dt.datetime.combine(today, dt.time(hour), tzinfo=dt.UTC), tick=False)


def test_what_was_recorded_before_a_restart_on_its_day_no_longer_counts(
    athlete: Athlete, therapist: User, today: dt.date, time_machine: Any
) -> None:
    _at(time_machine, today, 9)
    painful = SessionLogFactory(athlete=athlete, date=today, pain_during=7)
    PainScoreFactory(athlete=athlete, date=today, score=7, context="rest")
    before = athlete_progression(athlete)
    assert {flag.code for flag in before.red_flags} == {"pain_above_ceiling", "rest_pain_high"}

    _at(time_machine, today, 10)
    stage_change_create(
        athlete=athlete, to_stage="uphill_walk", changed_by=therapist, reason="Pain 7 this morning."
    )
    athlete.refresh_from_db()
    # The PT judged the morning's walk and check-in: the stage starts afresh.
    after = athlete_progression(athlete)
    assert after.red_flags == ()
    assert after.recommendation == "hold"

    _at(time_machine, today, 11)
    again = SessionLogFactory(athlete=athlete, date=today, pain_during=6)
    # Recorded after the restart, on its day: it counts, and the morning's walk still not.
    flags = {flag.code: flag.session_ids for flag in athlete_progression(athlete).red_flags}
    assert flags == {"pain_above_ceiling": (again.pk,)}
    assert painful.pk not in {sid for c in after.criteria for sid in c.evidence}
