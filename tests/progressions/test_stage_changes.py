"""Stage changes: forward one stage, back to any earlier one, or a restart of the current
one; always recorded, never silent, and a refused change writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions import services as s
from progressions.models import StageChange
from progressions.rules import SuggestedSession
from progressions.selectors import athlete_progression
from progressions.services import stage_change_create
from tests.factories import SessionLogFactory
from tests.support.athletes import moved_to_jogging


def _tolerated_uphill_walks(athlete: Athlete, today: dt.date, minutes: int = 30) -> None:
    for days_ago in (3, 1):
        SessionLogFactory(
            athlete=athlete, date=today - dt.timedelta(days=days_ago), duration_min=minutes
        )


STAGE_ROW = ("stage", "stage_started_on", "stage_changed_at", "stage_entry_session", "updated_at")


def _stage_row(athlete: Athlete) -> tuple[Any, ...]:
    return Athlete.objects.values_list(*STAGE_ROW).get(pk=athlete.pk)


def _refused(athlete: Athlete, field: str, **kwargs: Any) -> str:
    before = (_stage_row(athlete), StageChange.objects.count())
    with pytest.raises(ValidationError) as caught:
        stage_change_create(athlete=athlete, **kwargs)
    assert (_stage_row(athlete), StageChange.objects.count()) == before
    return " ".join(caught.value.message_dict[field])


def test_advancing_on_an_advance_recommendation_moves_the_athlete_and_records_it(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    _tolerated_uphill_walks(athlete, today)
    change = stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)
    athlete.refresh_from_db()
    assert (athlete.stage, athlete.stage_started_on) == ("uphill_jog", today)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "uphill_walk",
        "uphill_jog",
        therapist,
    )
    assert change.recommendation == "advance"
    assert change.recommendation_snapshot["recommendation"] == "advance"
    assert change.recommendation_snapshot["stage"]["code"] == "uphill_walk"


def test_advancing_against_the_recommendation_needs_a_reason(
    athlete: Athlete, therapist: User
) -> None:
    message = _refused(athlete, "reason", to_stage="uphill_jog", changed_by=therapist, reason="   ")
    assert message == s.REASON_REQUIRED.format(recommendation="Hold")


def test_advancing_against_the_recommendation_with_a_reason_is_recorded(
    athlete: Athlete, therapist: User
) -> None:
    change = stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="Walked 40 min pain-free on holiday; logs missing.",
    )
    assert change.recommendation == "hold"
    assert change.reason.startswith("Walked 40 min")


def test_skipping_a_stage_is_refused(athlete: Athlete, therapist: User, today: dt.date) -> None:
    _tolerated_uphill_walks(athlete, today)
    message = _refused(athlete, "to_stage", to_stage="flat_run", changed_by=therapist)
    assert message == s.STAGE_SKIPS.format(next="uphill_jog")


def test_backing_off_to_any_earlier_stage_needs_no_reason(therapist: User, today: dt.date) -> None:
    from tests.factories import AthleteFactory

    athlete = AthleteFactory(
        therapist=therapist, stage="speed_work", stage_started_on=today - dt.timedelta(days=9)
    )
    change = stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_jog"
    assert change.from_stage == "speed_work"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"to_stage": "sprinting"}, "to_stage", "Unknown stage"),
        (
            {"to_stage": "uphill_jog", "reason": "ok", "effective_date": dt.date(2026, 3, 5)},
            "effective_date",
            s.EFFECTIVE_IN_FUTURE,
        ),
        (
            {"to_stage": "uphill_jog", "reason": "ok", "effective_date": dt.date(2026, 2, 11)},
            "effective_date",
            "before the current stage began (2026-02-12)",
        ),
    ],
)
def test_invalid_stage_changes_are_refused_and_write_nothing(
    athlete: Athlete, therapist: User, kwargs: dict[str, Any], field: str, message: str
) -> None:
    assert message in _refused(athlete, field, changed_by=therapist, **kwargs)


def test_the_effective_date_may_be_the_day_the_stage_began(
    athlete: Athlete, therapist: User
) -> None:
    change = stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="Backdated: decided at the clinic",
        effective_date=athlete.stage_started_on,
    )
    assert change.effective_date == athlete.stage_started_on


def test_a_second_change_cannot_be_dated_before_the_first(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    moved_to_jogging(athlete, on=today - dt.timedelta(days=2))
    message = _refused_after_change(
        athlete, to_stage="uphill_walk", effective_date=today - dt.timedelta(days=3)
    )
    assert message == s.EFFECTIVE_BEFORE_PREVIOUS.format(
        date=(today - dt.timedelta(days=2)).isoformat()
    )


def _refused_after_change(athlete: Athlete, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        stage_change_create(athlete=athlete, changed_by=athlete.therapist, **kwargs)
    assert StageChange.objects.count() == 1
    return " ".join(caught.value.message_dict["effective_date"])


def test_a_discharged_athlete_cannot_change_stage(athlete: Athlete, therapist: User) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")
    message = _refused(athlete, "to_stage", to_stage="uphill_jog", changed_by=therapist, reason="x")
    assert message == s.STAGE_DISCHARGED


def test_the_history_keeps_every_change_in_order(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    moved_to_jogging(athlete, on=today - dt.timedelta(days=5))
    stage_change_create(athlete=athlete, to_stage="uphill_walk", changed_by=therapist)
    history = list(
        StageChange.objects.filter(athlete=athlete).values_list("from_stage", "to_stage")
    )
    assert history == [("uphill_jog", "uphill_walk"), ("uphill_walk", "uphill_jog")]


def test_sessions_before_the_stage_change_no_longer_count_toward_the_new_gate(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    _tolerated_uphill_walks(athlete, today)
    stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)
    stage_change_create(athlete=athlete, to_stage="uphill_walk", changed_by=therapist)
    athlete.refresh_from_db()
    # The two tolerated walks were judged before today's changes: the gate starts afresh.
    assert athlete_progression(athlete).recommendation == "hold"


# --- The next stage's first session, offered on advance and kept for the new stage -----


def test_advancing_on_an_advance_recommendation_keeps_the_offered_first_session(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    _tolerated_uphill_walks(athlete, today)

    change = stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)

    athlete.refresh_from_db()
    offered = change.recommendation_snapshot["next_stage_first_session"]
    # The gate walk (30 min uphill treadmill walk at 8%), as a walk–run (SPEC §1).
    assert offered["stage"] == "uphill_jog"
    assert (offered["activity"], offered["terrain"], offered["surface"]) == (
        "walk_run",
        "uphill",
        "treadmill",
    )
    assert (offered["incline_percent"], offered["duration_min"]) == ("8.0", 30)
    assert change.next_stage_first_session == offered
    assert StageChange.objects.get().next_stage_first_session == offered
    assert athlete.stage_entry_session == offered
    assert athlete.stage_changed_at == change.created_at
    assert SuggestedSession.from_dict(athlete.stage_entry_session).stage == "uphill_jog"


def test_the_new_stage_starts_with_the_offered_first_session(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    _tolerated_uphill_walks(athlete, today)
    change = stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)
    athlete.refresh_from_db()

    suggestion = athlete_progression(athlete).suggested_next_session

    # Nothing logged in the new stage yet (SPEC §1 rule 3): the session advancing offered,
    # not the protocol's entry (20 min at 5%).
    offered = SuggestedSession.from_dict(change.next_stage_first_session)
    assert (suggestion.duration_min, suggestion.incline_percent) == (30, Decimal("8.0"))
    fields = ("stage", "activity", "terrain", "surface", "incline_percent", "duration_min")
    fields += ("intensity", "run_interval_sec", "walk_interval_sec", "repeats")
    assert [getattr(suggestion, f) for f in fields] == [getattr(offered, f) for f in fields]
    assert suggestion.changed_variable is None


def test_advancing_against_the_recommendation_keeps_no_first_session(
    athlete: Athlete, therapist: User
) -> None:
    # Not recommending advance, the progression offers no first session to keep.
    change = stage_change_create(
        athlete=athlete, to_stage="uphill_jog", changed_by=therapist, reason="Logs missing."
    )
    athlete.refresh_from_db()
    assert change.recommendation == "hold"
    assert (change.next_stage_first_session, athlete.stage_entry_session) == (None, None)
    assert athlete.stage_changed_at == change.created_at


@pytest.mark.parametrize("to_stage", ["uphill_walk", "uphill_jog"], ids=["back", "restart"])
def test_moving_back_or_restarting_forgets_the_offered_first_session(
    athlete: Athlete,
    therapist: User,
    today: dt.date,
    to_stage: str,
) -> None:
    _tolerated_uphill_walks(athlete, today)
    stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist)
    assert Athlete.objects.get(pk=athlete.pk).stage_entry_session is not None

    change = stage_change_create(
        athlete=athlete, to_stage=to_stage, changed_by=therapist, reason="Sore knee."
    )

    athlete.refresh_from_db()
    assert (change.next_stage_first_session, athlete.stage_entry_session) == (None, None)
    assert athlete.stage == to_stage
    assert athlete.stage_changed_at == change.created_at
