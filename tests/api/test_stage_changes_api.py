"""Stage changes and the progression through the API (SPEC §3): the restart, the offered
next stage's first session, and the suggestion's rest day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions import services
from progressions.models import StageChange, StageReview
from tests.factories import AthleteFactory, SessionLogFactory

TODAY = dt.date(2026, 3, 4)


@pytest.fixture(autouse=True)
def _noon(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """In uphill jogging since 24 February."""
    return AthleteFactory(
        therapist=therapist, stage="uphill_jog", stage_started_on=dt.date(2026, 2, 24)
    )


def changes(athlete: Athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/stage-changes/"


def test_a_restart_with_a_reason_is_recorded(api_client: APIClient, athlete: Athlete) -> None:
    response = api_client.post(
        changes(athlete), {"to_stage": "uphill_jog", "reason": "Pain 6 on the stairs."}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["from_stage"], body["to_stage"], body["reason"]) == (
        "uphill_jog",
        "uphill_jog",
        "Pain 6 on the stairs.",
    )
    assert body["next_stage_first_session"] is None
    athlete.refresh_from_db()
    assert (athlete.stage, athlete.stage_started_on) == ("uphill_jog", TODAY)
    listed = api_client.get(changes(athlete)).json()["results"]
    assert [(c["from_stage"], c["to_stage"]) for c in listed] == [("uphill_jog", "uphill_jog")]


@pytest.mark.parametrize(
    "body", [{"to_stage": "uphill_jog"}, {"to_stage": "uphill_jog", "reason": "  "}]
)
def test_a_restart_without_a_reason_answers_400_naming_reason(
    api_client: APIClient, athlete: Athlete, body: dict[str, str]
) -> None:
    response = api_client.post(changes(athlete), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": [services.RESTART_REASON_REQUIRED]}
    assert not StageChange.objects.exists()
    athlete.refresh_from_db()
    assert (athlete.stage_started_on, athlete.stage_changed_at) == (dt.date(2026, 2, 24), None)


def test_a_client_cannot_claim_an_offered_first_session(
    api_client: APIClient, athlete: Athlete
) -> None:
    claimed = {"stage": "flat_run", "activity": "run", "duration_min": 60}

    response = api_client.post(
        changes(athlete),
        {"to_stage": "uphill_jog", "reason": "Sore.", "next_stage_first_session": claimed},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["next_stage_first_session"] is None
    assert StageChange.objects.get().next_stage_first_session is None
    assert Athlete.objects.get(pk=athlete.pk).stage_entry_session is None


def test_a_review_may_restart_the_stage_with_its_note(
    api_client: APIClient, athlete: Athlete
) -> None:
    path = f"/api/v1/athletes/{athlete.pk}/reviews/"

    refused = api_client.post(path, {"decision": "back_off", "back_off_to": "uphill_jog"})
    assert refused.status_code == 400
    assert refused.json() == {"note": [services.RESTART_REASON_REQUIRED]}
    assert (StageReview.objects.count(), StageChange.objects.count()) == (0, 0)

    response = api_client.post(
        path, {"decision": "back_off", "back_off_to": "uphill_jog", "note": "Limped at 20 min."}
    )
    assert response.status_code == 201, response.content
    change = StageChange.objects.get()
    assert response.json()["stage_change"] == change.pk
    assert (change.from_stage, change.to_stage, change.reason) == (
        "uphill_jog",
        "uphill_jog",
        "Limped at 20 min.",
    )


def _tolerated_walk_runs(athlete: Athlete) -> None:
    for days_ago in (3, 1):
        SessionLogFactory(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=days_ago),
            activity="walk_run",
            run_interval_sec=60,
            walk_interval_sec=60,
            repeats=15,
        )


def test_the_progression_offers_the_next_stages_first_session_only_on_advance(
    api_client: APIClient, athlete: Athlete
) -> None:
    path = f"/api/v1/athletes/{athlete.pk}/progression/"
    holding = api_client.get(path).json()
    assert (holding["recommendation"], holding["next_stage_first_session"]) == ("hold", None)
    assert holding["suggested_next_session"]["rest_day"] is False

    _tolerated_walk_runs(athlete)
    advancing = api_client.get(path).json()

    assert advancing["recommendation"] == "advance"
    offered = advancing["next_stage_first_session"]
    assert offered["stage"] == "flat_run"
    assert offered["rest_day"] is False
    assert advancing["suggested_next_session"]["stage"] == "uphill_jog"


def test_advancing_keeps_the_first_session_the_progression_offered(
    api_client: APIClient, athlete: Athlete
) -> None:
    _tolerated_walk_runs(athlete)
    offered = api_client.get(f"/api/v1/athletes/{athlete.pk}/progression/").json()[
        "next_stage_first_session"
    ]

    assert offered is not None

    response = api_client.post(changes(athlete), {"to_stage": "flat_run"})

    assert response.status_code == 201, response.content
    assert response.json()["next_stage_first_session"] == offered
    assert response.json()["recommendation_snapshot"]["next_stage_first_session"] == offered


def test_a_rest_day_suggests_no_session(api_client: APIClient, athlete: Athlete) -> None:
    SessionLogFactory(athlete=athlete, date=TODAY, activity="walk", pain_during=7)

    suggestion = api_client.get(f"/api/v1/athletes/{athlete.pk}/progression/").json()[
        "suggested_next_session"
    ]

    assert suggestion["rest_day"] is True
    assert (suggestion["activity"], suggestion["duration_min"]) == (None, None)
