"""The database itself refuses what validation refuses: a bug or a bulk ``update()`` that
skips ``full_clean()`` still cannot store an invalid row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory


def _assert_refused(queryset: Any, **values: Any) -> None:
    model = queryset.model
    before = list(model.objects.values())
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)
    assert list(model.objects.values()) == before


@pytest.mark.parametrize(
    "values",
    [
        {"duration_min": 0},
        {"duration_min": 301},
        {"incline_percent": Decimal("15.1")},
        {"cadence_spm": 99},
        {"cadence_spm": 231},
        {"pain_before": 11},
        {"pain_during": 11},
        {"pain_after": 11},
        {"pain_next_morning": 11},
        {"distance_km": Decimal("-0.5")},
        {"activity": "swim"},
        {"terrain": "mountain"},
        {"surface": "sand"},
        {"intensity": "max"},
        {"source": "fax"},
        {"terrain": None},  # required for a walk
        {"pain_during": None},  # required for a walk
        {"run_interval_sec": 60, "walk_interval_sec": 60, "repeats": 5},  # a walk has none
    ],
    ids=lambda values: ",".join(f"{k}={v}" for k, v in values.items()),
)
def test_session_check_constraints_refuse_bulk_updates(db: None, values: dict[str, Any]) -> None:
    SessionLogFactory()
    _assert_refused(SessionLog.objects.all(), **values)


@pytest.mark.parametrize(
    "values",
    [
        {"repeats": None},  # intervals come together
        {"repeats": 11},  # (60 + 120) s × 11 = 33 min > 30 min
        {"run_interval_sec": 0},
        {"activity": "run"},  # intervals belong to walk–runs
    ],
    ids=lambda values: ",".join(f"{k}={v}" for k, v in values.items()),
)
def test_walk_run_interval_constraints_refuse_bulk_updates(
    db: None, values: dict[str, Any]
) -> None:
    SessionLogFactory(
        activity="walk_run", run_interval_sec=60, walk_interval_sec=120, repeats=10, duration_min=30
    )
    _assert_refused(SessionLog.objects.all(), **values)


@pytest.mark.parametrize(
    "values",
    [
        {"preferred_cadence_spm": 119},
        {"preferred_cadence_spm": 221},
        {"target_cadence_spm": 231},
        {"walk_gate_minutes": 29},
        {"walk_gate_minutes": 46},
        {"gate_pain_max": 4},
        {"affected_side": "mid"},
        {"distance_unit": "yd"},
        {"status": "paused"},
        {"stage": "sprinting"},
    ],
    ids=lambda values: ",".join(f"{k}={v}" for k, v in values.items()),
)
def test_athlete_check_constraints_refuse_bulk_updates(db: None, values: dict[str, Any]) -> None:
    AthleteFactory()
    _assert_refused(Athlete.objects.all(), **values)


@pytest.mark.parametrize("values", [{"score": 11}, {"context": "evening"}])
def test_pain_score_check_constraints_refuse_bulk_updates(db: None, values: dict[str, Any]) -> None:
    PainScoreFactory()
    _assert_refused(PainScore.objects.all(), **values)


@pytest.mark.parametrize("values", [{"review_weekday": 7}, {"review_hour": 24}])
def test_clinic_check_constraints_refuse_bulk_updates(
    clinic: Clinic, values: dict[str, Any]
) -> None:
    _assert_refused(Clinic.objects.all(), **values)


def test_a_therapist_cannot_lose_their_clinic(therapist: User) -> None:
    _assert_refused(User.objects.filter(pk=therapist.pk), clinic=None)


def test_a_replayed_client_id_cannot_store_a_second_session(db: None) -> None:
    import uuid

    session = SessionLogFactory(client_id=uuid.uuid4())
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionLogFactory(athlete=session.athlete, client_id=session.client_id)
    assert SessionLog.objects.count() == 1
