"""The athletes list through the API: filters, recommendations, new and discharged."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.api.sessions_api.calls import (
    TODAY,
    days_ago,
    ids,
)
from tests.factories import AthleteFactory, SessionLogFactory


@pytest.fixture
def roster(therapist: User, colleague: User, now: dt.date) -> dict[str, Athlete]:
    """Athletes whose recommendation is advance, back_off and hold, in different stages."""
    ready = AthleteFactory(
        therapist=therapist, first_name="Ada", last_name="Ready", stage_started_on=days_ago(20)
    )
    for n in (3, 1):  # two tolerated 30-minute uphill walks: the gate is met
        SessionLogFactory(athlete=ready, date=days_ago(n), pain_next_morning=0)
    sore = AthleteFactory(
        therapist=colleague,
        first_name="Ben",
        last_name="Sore",
        stage="flat_run",
        stage_started_on=days_ago(20),
    )
    SessionLogFactory(athlete=sore, date=days_ago(1), activity="run", terrain="flat", pain_during=6)
    waiting = AthleteFactory(
        therapist=therapist,
        first_name="Cleo",
        last_name="Waiting",
        stage="uphill_jog",
        stage_started_on=days_ago(5),
    )
    gone = AthleteFactory(
        therapist=colleague,
        first_name="Dev",
        last_name="Gone",
        status="discharged",
        stage="full_training",
        stage_started_on=days_ago(40),
    )
    return {"ready": ready, "sore": sore, "waiting": waiting, "gone": gone}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["gone", "ready", "sore", "waiting"]),  # by last name
        ("recommendation=advance", ["ready"]),
        ("recommendation=back_off", ["sore"]),
        ("recommendation=hold", ["gone", "waiting"]),
        ("stage=uphill_walk", ["ready"]),
        ("stage=flat_run", ["sore"]),
        ("stage=speed_work", []),
        ("status=active", ["ready", "sore", "waiting"]),
        ("status=discharged", ["gone"]),
        ("therapist={therapist}", ["ready", "waiting"]),
        ("therapist={colleague}", ["gone", "sore"]),
        ("search=ada", ["ready"]),
        ("search=SORE", ["sore"]),
        ("search=e", ["gone", "ready", "sore", "waiting"]),
        ("search=cleo waiting", ["waiting"]),
        ("search=cleo ready", []),  # every word must match
        ("status=active&therapist={therapist}&recommendation=hold", ["waiting"]),
    ],
)
def test_athletes_filter_by_stage_status_therapist_name_and_recommendation(
    client: APIClient,
    roster: dict[str, Athlete],
    therapist: User,
    colleague: User,
    query: str,
    expected: list[str],
) -> None:
    query = query.format(therapist=therapist.pk, colleague=colleague.pk)

    response = client.get(f"/api/v1/athletes/?{query}")

    assert ids(response) == [roster[name].pk for name in expected]
    if query.startswith("recommendation="):
        wanted = query.split("=")[1]
        assert {row["recommendation"] for row in response.json()["results"]} <= {wanted}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("recommendation=maybe", "recommendation"),
        ("stage=moon_walk", "stage"),
        ("status=retired", "status"),
        ("therapist=alex", "therapist"),
    ],
)
def test_a_bad_athlete_filter_answers_400_naming_it(
    client: APIClient, roster: dict[str, Athlete], query: str, field: str
) -> None:
    response = client.get(f"/api/v1/athletes/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_the_recommendation_is_computed_never_written(
    client: APIClient, roster: dict[str, Athlete]
) -> None:
    waiting = roster["waiting"]

    patched = client.patch(f"/api/v1/athletes/{waiting.pk}/", {"recommendation": "advance"})
    created = client.post(
        "/api/v1/athletes/",
        {
            "first_name": "Eve",
            "last_name": "New",
            "affected_side": "both",
            "recommendation": "back_off",
        },
    )

    assert patched.status_code == 200
    assert patched.json()["recommendation"] == "hold"
    assert created.status_code == 201
    assert created.json()["recommendation"] == "hold"
    assert client.get(f"/api/v1/athletes/{waiting.pk}/").json()["recommendation"] == "hold"


def test_each_listed_athlete_carries_the_engines_recommendation(
    client: APIClient, roster: dict[str, Athlete]
) -> None:
    rows = client.get("/api/v1/athletes/").json()["results"]

    by_id = {row["id"]: row["recommendation"] for row in rows}
    assert by_id == {
        roster["ready"].pk: "advance",
        roster["sore"].pk: "back_off",
        roster["waiting"].pk: "hold",
        roster["gone"].pk: "hold",
    }
    for athlete in roster.values():
        progression = client.get(f"/api/v1/athletes/{athlete.pk}/progression/").json()
        assert progression["recommendation"] == by_id[athlete.pk]


def test_an_athlete_may_arrive_mid_protocol(client: APIClient, now: dt.date) -> None:
    response = client.post(
        "/api/v1/athletes/",
        {
            "first_name": "Eve",
            "last_name": "New",
            "affected_side": "both",
            "stage": "flat_run",
            "stage_started_on": days_ago(3).isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["stage"] == "flat_run"
    assert response.json()["stage_started_on"] == days_ago(3).isoformat()


def test_a_new_athlete_starts_uphill_walking_today(client: APIClient, now: dt.date) -> None:
    response = client.post(
        "/api/v1/athletes/", {"first_name": "Eve", "last_name": "New", "affected_side": "both"}
    )

    assert response.json()["stage"] == "uphill_walk"
    assert response.json()["stage_started_on"] == TODAY.isoformat()


def test_discharging_is_a_patch_of_status(client: APIClient, athlete: Athlete) -> None:
    response = client.patch(f"/api/v1/athletes/{athlete.pk}/", {"status": "discharged"})

    assert response.status_code == 200
    assert Athlete.objects.get(pk=athlete.pk).status == "discharged"
    assert client.delete(f"/api/v1/athletes/{athlete.pk}/").status_code == 405
    assert Athlete.objects.filter(pk=athlete.pk).exists()
