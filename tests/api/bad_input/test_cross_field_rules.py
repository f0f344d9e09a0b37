"""Rules across fields (SPEC §1–§3): a 400 naming the field, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import User
from tests.api.bad_input.bodies import (
    ENDPOINTS,
    TOMORROW,
    VALID_SESSION,
    assert_refused,
)
from tests.factories import AthleteFactory

INTERVALS = ("run_interval_sec", "walk_interval_sec", "repeats")
WALK = {**{k: v for k, v in VALID_SESSION.items() if k not in INTERVALS}, "activity": "walk"}


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        *(
            pytest.param({**WALK, "activity": a, "terrain": None}, "terrain", id=f"{a}-no-terrain")
            for a in ("walk", "run")
        ),
        pytest.param({**VALID_SESSION, "terrain": None}, "terrain", id="walk_run-no-terrain"),
        *(
            pytest.param(
                {**WALK, "activity": a, "pain_during": None}, "pain_during", id=f"{a}-no-pain"
            )
            for a in ("walk", "run")
        ),
        pytest.param({**VALID_SESSION, "pain_during": None}, "pain_during", id="walk_run-no-pain"),
        pytest.param(
            {
                **VALID_SESSION,
                "duration_min": 14,
                "run_interval_sec": 60,
                "walk_interval_sec": 120,
                "repeats": 5,
            },
            "repeats",
            id="intervals-longer-than-the-session",
        ),
        *(
            pytest.param(
                {**VALID_SESSION, "activity": a, "terrain": "flat", "pain_during": 1},
                "run_interval_sec",
                id=f"intervals-on-{a}",
            )
            for a in ("walk", "run", "cross_training", "strength")
        ),
        pytest.param({**VALID_SESSION, "repeats": None}, "repeats", id="intervals-incomplete"),
    ],
)
def test_a_session_breaking_a_rule_across_fields_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["session-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


def test_the_interval_total_may_equal_the_duration(client: APIClient, athlete: Athlete) -> None:
    body = {**VALID_SESSION, "duration_min": 15}  # (60 + 120) s × 5 = 15 min exactly

    response = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("patch", "field_name"),
    [
        ({"activity": "walk"}, "run_interval_sec"),  # intervals stay: only for walk_run
        ({"duration_min": 10}, "repeats"),  # 15 min of intervals in 10
        ({"terrain": None}, "terrain"),
        ({"pain_during": None}, "pain_during"),
        ({"date": TOMORROW}, "date"),
        ({"client_id": "5f0c2b8e-3f5a-4a3e-9a57-3f3b0f1f7c11"}, "client_id"),
    ],
    ids=["activity", "duration", "terrain", "pain_during", "date", "client_id"],
)
def test_a_patch_that_breaks_a_session_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, patch: dict, field_name: str
) -> None:
    endpoint = ENDPOINTS["session-patch"]
    answer = assert_refused(client, endpoint, athlete, session, {**endpoint.valid, **patch})

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"to_stage": "hills_trails", "reason": "Doing great."}, "to_stage"),  # skips flat_run
        ({"to_stage": "full_training", "reason": "Doing great."}, "to_stage"),
        ({"to_stage": "uphill_jog"}, "reason"),  # a restart, with no reason
        ({"to_stage": "uphill_jog", "reason": " "}, "reason"),
        ({"to_stage": "flat_run"}, "reason"),  # against a hold recommendation, no reason
        ({"to_stage": "flat_run", "reason": "   "}, "reason"),
        ({"to_stage": "uphill_walk", "effective_date": "2026-02-20"}, "effective_date"),
        ({"to_stage": "uphill_walk", "effective_date": TOMORROW}, "effective_date"),
    ],
    ids=[
        "skips-a-stage",
        "skips-to-the-end",
        "restart-without-reason",
        "restart-with-blank-reason",
        "advance-without-reason",
        "advance-with-blank-reason",
        "before-the-previous-change",
        "future",
    ],
)
def test_a_stage_change_breaking_a_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["stage-change-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer
    assert Athlete.objects.get(pk=athlete.pk).stage == "uphill_jog"


def test_a_discharged_athlete_cannot_change_stage(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    answer = assert_refused(
        client, ENDPOINTS["stage-change-create"], athlete, session, {"to_stage": "uphill_walk"}
    )

    assert answer.pop("_status") == 400
    assert "to_stage" in answer


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"decision": "advance"}, "note"),  # against a hold recommendation, no note
        ({"decision": "back_off", "back_off_to": "flat_run"}, "back_off_to"),  # later
        ({"decision": "back_off", "back_off_to": "uphill_jog"}, "note"),  # restart, no note
    ],
    ids=["advance-without-note", "back-off-forward", "restart-without-note"],
)
def test_a_review_breaking_a_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["review-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


def test_a_second_review_in_one_week_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    path = f"/api/v1/athletes/{athlete.pk}/reviews/"
    assert client.post(path, {"decision": "hold"}).status_code == 201

    answer = assert_refused(
        client, ENDPOINTS["review-create"], athlete, session, {"decision": "hold"}
    )

    assert answer.pop("_status") == 400
    assert "decision" in answer


def test_a_discharged_athlete_gets_no_phone_link(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    answer = assert_refused(client, ENDPOINTS["device-link-create"], athlete, session, {})

    assert answer.pop("_status") == 400
    assert answer  # names why


@pytest.mark.parametrize(
    "patch",
    [
        {"stage": "flat_run"},
        {"stage": "uphill_walk"},
        {"stage_started_on": "2026-03-01"},
        {"stage": "flat_run", "stage_started_on": "2026-03-01"},
    ],
)
def test_patching_the_stage_of_an_athlete_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, patch: dict
) -> None:
    answer = assert_refused(client, ENDPOINTS["athlete-patch"], athlete, session, patch)

    assert answer.pop("_status") == 400
    assert set(answer) & set(patch), answer


def test_patching_the_stage_to_its_current_value_changes_nothing(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.patch(
        f"/api/v1/athletes/{athlete.pk}/",
        {"stage": athlete.stage, "stage_started_on": athlete.stage_started_on.isoformat()},
    )

    assert response.status_code == 200, response.content


def test_the_recommendation_is_read_only(client: APIClient, athlete: Athlete) -> None:
    response = client.patch(f"/api/v1/athletes/{athlete.pk}/", {"recommendation": "advance"})

    assert response.status_code == 200
    assert response.json()["recommendation"] == "hold"


def test_a_future_date_is_judged_in_the_clinics_time_zone(
    client: APIClient, athlete: Athlete, time_machine: Any
) -> None:
    # 00:30 in London on the 5th is still the 4th in UTC−: the 5th is "today" here.
    time_machine.move_to(dt.datetime(2026, 3, 5, 0, 30, tzinfo=dt.UTC), tick=False)
    body = {**VALID_SESSION, "date": "2026-03-05"}

    response = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert response.status_code == 201, response.content


def test_a_future_date_for_a_clinic_behind_utc(outsider: User, time_machine: Any) -> None:
    # 03:00 UTC on the 5th is still the 4th in Los Angeles: the 5th is the future there.
    time_machine.move_to(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC), tick=False)
    athlete = AthleteFactory(therapist=outsider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(outsider)[1]}")

    response = client.post(
        f"/api/v1/athletes/{athlete.pk}/pain-scores/", {"date": "2026-03-05", "score": 1}
    )

    assert response.status_code == 400
    assert "date" in response.json()
    assert not PainScore.objects.exists()
