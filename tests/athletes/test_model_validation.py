"""Every range and required-when rule rejects bad values with a message beside the field,
and the service that would have stored them writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from athletes import models as m
from athletes.models import Athlete, PainScore, SessionLog
from athletes.services import athlete_create, pain_score_create, session_log_create
from itbrehab.accounts.models import User

VALID_SESSION: dict[str, Any] = {
    "date": dt.date(2026, 3, 1),
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": Decimal("8.0"),
    "duration_min": 30,
    "intensity": "easy",
    "pain_before": 0,
    "pain_during": 1,
    "pain_after": 1,
}

WALK_RUN = {
    **VALID_SESSION,
    "activity": "walk_run",
    "run_interval_sec": 60,
    "walk_interval_sec": 120,
    "repeats": 10,
}

RANGE = "Must be between"


@pytest.fixture
def athlete(therapist: User, time_machine: Any) -> Athlete:
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    return athlete_create(
        therapist=therapist, first_name="Sam", last_name="Okafor", affected_side="left"
    )


def _session_error(athlete: Athlete, **fields: Any) -> dict[str, list[str]]:
    before = SessionLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        session_log_create(athlete=athlete, **fields)
    assert SessionLog.objects.count() == before
    return caught.value.message_dict


def test_a_valid_session_is_stored(athlete: Athlete) -> None:
    session = session_log_create(athlete=athlete, **VALID_SESSION)
    assert SessionLog.objects.get() == session


def test_a_valid_walk_run_with_intervals_filling_the_duration_is_stored(athlete: Athlete) -> None:
    session_log_create(athlete=athlete, **{**WALK_RUN, "duration_min": 30})
    assert SessionLog.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_min", 0, RANGE),
        ("duration_min", 301, RANGE),
        ("incline_percent", Decimal("-0.5"), RANGE),
        ("incline_percent", Decimal("15.5"), RANGE),
        ("cadence_spm", 99, RANGE),
        ("cadence_spm", 231, RANGE),
        ("pain_before", 11, RANGE),
        ("pain_during", 11, RANGE),
        ("pain_after", 11, RANGE),
        ("pain_next_morning", 11, RANGE),
        ("distance_km", Decimal("200.01"), RANGE),
        ("distance_km", Decimal("-1"), RANGE),
        ("activity", "swim", "is not a valid choice"),
        ("terrain", "mountain", "is not a valid choice"),
        ("surface", "sand", "is not a valid choice"),
        ("intensity", "max", "is not a valid choice"),
        ("source", "fax", "is not a valid choice"),
        ("notes", "x" * 2001, "at most 2000 characters"),
        ("notes", "bad\x00byte", "Null characters are not allowed"),
        ("date", dt.date(2026, 3, 3), m.DATE_IN_FUTURE),
    ],
)
def test_out_of_range_session_values_are_rejected_beside_the_field(
    athlete: Athlete, field: str, value: Any, message: str
) -> None:
    errors = _session_error(athlete, **{**VALID_SESSION, field: value})
    assert message in " ".join(errors[field])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_min", 1),
        ("duration_min", 300),
        ("incline_percent", Decimal("0")),
        ("incline_percent", Decimal("15")),
        ("cadence_spm", 100),
        ("cadence_spm", 230),
        ("pain_during", 0),
        ("pain_after", 10),
        ("date", dt.date(2026, 3, 2)),
    ],
)
def test_boundary_session_values_are_accepted(athlete: Athlete, field: str, value: Any) -> None:
    session_log_create(athlete=athlete, **{**VALID_SESSION, field: value})
    assert SessionLog.objects.count() == 1


@pytest.mark.parametrize("activity", ["walk", "walk_run", "run"])
def test_running_type_sessions_need_a_terrain(athlete: Athlete, activity: str) -> None:
    errors = _session_error(athlete, **{**VALID_SESSION, "activity": activity, "terrain": None})
    assert errors["terrain"] == [m.TERRAIN_REQUIRED]


@pytest.mark.parametrize("activity", ["walk", "walk_run", "run"])
def test_running_type_sessions_need_pain_during(athlete: Athlete, activity: str) -> None:
    errors = _session_error(athlete, **{**VALID_SESSION, "activity": activity, "pain_during": None})
    assert errors["pain_during"] == [m.PAIN_DURING_REQUIRED]


@pytest.mark.parametrize("activity", ["cross_training", "strength"])
def test_other_sessions_need_neither_terrain_nor_pain_during(
    athlete: Athlete, activity: str
) -> None:
    session_log_create(
        athlete=athlete,
        date=dt.date(2026, 3, 1),
        activity=activity,
        duration_min=45,
    )
    assert SessionLog.objects.count() == 1


def test_intervals_belong_to_walk_runs_only(athlete: Athlete) -> None:
    errors = _session_error(athlete, **{**VALID_SESSION, "activity": "run", "run_interval_sec": 60})
    assert errors["run_interval_sec"] == [m.INTERVALS_ONLY_WALK_RUN]


def test_intervals_come_together(athlete: Athlete) -> None:
    errors = _session_error(athlete, **{**WALK_RUN, "repeats": None})
    assert errors["repeats"] == [m.INTERVALS_INCOMPLETE]


def test_intervals_may_not_exceed_the_duration(athlete: Athlete) -> None:
    # (60 + 120) s × 11 = 33 min > 30 min.
    errors = _session_error(athlete, **{**WALK_RUN, "duration_min": 30, "repeats": 11})
    assert errors["repeats"] == [m.INTERVALS_EXCEED_DURATION]


def test_future_is_judged_in_the_clinic_time_zone(therapist: User, time_machine: Any) -> None:
    # 23:30 UTC on 1 March is already 2 March in Sydney.
    therapist.clinic.time_zone = "Australia/Sydney"
    therapist.clinic.save()
    time_machine.move_to(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    athlete = athlete_create(
        therapist=therapist, first_name="Mia", last_name="Lee", affected_side="right"
    )
    session_log_create(athlete=athlete, **{**VALID_SESSION, "date": dt.date(2026, 3, 2)})
    errors = _session_error(athlete, **{**VALID_SESSION, "date": dt.date(2026, 3, 3)})
    assert errors["date"] == [m.DATE_IN_FUTURE]


# --- Athletes -------------------------------------------------------------------------


def _athlete_error(therapist: User, **fields: Any) -> dict[str, list[str]]:
    base = {"first_name": "Sam", "last_name": "Okafor", "affected_side": "left"}
    with pytest.raises(ValidationError) as caught:
        athlete_create(therapist=therapist, **{**base, **fields})
    assert Athlete.objects.count() == 0
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("preferred_cadence_spm", 119, RANGE),
        ("preferred_cadence_spm", 221, RANGE),
        ("target_cadence_spm", 119, RANGE),
        ("target_cadence_spm", 241, RANGE),
        ("walk_gate_minutes", 29, RANGE),
        ("walk_gate_minutes", 46, RANGE),
        ("gate_pain_max", 4, RANGE),
        ("affected_side", "middle", "is not a valid choice"),
        ("distance_unit", "furlong", "is not a valid choice"),
        ("status", "paused", "is not a valid choice"),
        ("stage", "sprinting", "is not a valid choice"),
        ("email", "not-an-email", "valid email"),
        ("phone", "call me", "phone number"),
        ("first_name", "", "cannot be blank"),
        ("last_name", "x" * 101, "at most 100 characters"),
        ("first_name", "A\x00", "Null characters are not allowed"),
    ],
)
def test_invalid_athlete_values_are_rejected_beside_the_field(
    therapist: User, field: str, value: Any, message: str
) -> None:
    errors = _athlete_error(therapist, **{field: value})
    assert message in " ".join(errors[field])


def test_an_athlete_cannot_belong_to_another_clinics_therapist(
    therapist: User, outsider: User
) -> None:
    athlete = Athlete(
        clinic=therapist.clinic,
        therapist=outsider,
        first_name="Sam",
        last_name="Okafor",
        affected_side="left",
        stage_started_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as caught:
        athlete.full_clean()
    assert caught.value.message_dict["therapist"] == [m.ATHLETE_THERAPIST_OTHER_CLINIC]


@pytest.mark.parametrize(
    ("preferred", "target"), [(170, 179), (160, 168), (150, 158), (220, 230), (None, None)]
)
def test_target_cadence_follows_the_preferred_rate_plus_five_percent(
    therapist: User, preferred: int | None, target: int | None
) -> None:
    athlete = athlete_create(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        affected_side="left",
        preferred_cadence_spm=preferred,
    )
    assert athlete.target_cadence_spm == target


def test_a_target_cadence_set_by_hand_stays_when_the_preferred_rate_changes(
    therapist: User,
) -> None:
    athlete = athlete_create(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        affected_side="left",
        preferred_cadence_spm=170,
        target_cadence_spm=176,
    )
    athlete.preferred_cadence_spm = 160
    athlete.full_clean()
    assert athlete.target_cadence_spm == 176


def test_athletes_are_never_hard_deleted(athlete: Athlete) -> None:
    with pytest.raises(m.models.ProtectedError):
        athlete.delete()
    with pytest.raises(m.models.ProtectedError):
        Athlete.objects.all().delete()
    assert Athlete.objects.filter(pk=athlete.pk).exists()


# --- Pain scores ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", 11, RANGE),
        ("context", "evening", "is not a valid choice"),
        ("date", dt.date(2026, 3, 3), m.DATE_IN_FUTURE),
    ],
)
def test_invalid_pain_scores_are_rejected_beside_the_field(
    athlete: Athlete, field: str, value: Any, message: str
) -> None:
    fields = {"date": dt.date(2026, 3, 2), "score": 2, "context": "morning", field: value}
    with pytest.raises(ValidationError) as caught:
        pain_score_create(athlete=athlete, **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert PainScore.objects.count() == 0
