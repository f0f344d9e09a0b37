"""Adherence (SPEC §11): the share of the last 4 weeks' planned sessions that were logged,
on the dashboard (sortable), the athlete page and the athlete's API representation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes import services
from athletes.adherence import adherence
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.clock import TODAY, days_ago
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.mark.parametrize(
    ("began_days_ago", "logged", "per_week", "share"),
    [
        (40, 9, 3, 0.75),  # 9 of 12
        (40, 14, 3, 1.0),  # more than planned is full adherence, not more
        (40, 0, 3, 0.0),
        (40, 4, 1, 1.0),
        (9, 3, 3, 0.7),  # began 9 days ago: 10 days, 4.3 planned
        (6, 1, 3, 0.33),  # a week exactly: 1 of 3
    ],
)
def test_the_share_of_planned_sessions(
    began_days_ago: int, logged: int, per_week: int, share: float
) -> None:
    found = adherence(today=TODAY, began=days_ago(began_days_ago), logged=logged, per_week=per_week)
    assert found is not None
    assert found.share == share


def test_in_the_first_week_there_is_no_share_yet() -> None:
    assert adherence(today=TODAY, began=days_ago(5), logged=2, per_week=3) is None


def _backdated(therapist: User, per_week: int = 3) -> Athlete:
    """An athlete who began 6 weeks ago (first session), added to the app today."""
    athlete = sam(therapist, planned_sessions_per_week=per_week)
    walk(athlete, 41)
    return athlete


def test_the_athlete_page_says_how_many_of_the_planned_were_logged(
    therapist: User, pt: Client
) -> None:
    athlete = _backdated(therapist)
    for days in (1, 3, 8, 10, 15, 17, 22, 24, 26):  # 9 in the last 28 days
        walk(athlete, days)
    gone = walk(athlete, 5)
    services.session_log_delete(session=gone)  # a deleted session does not count

    page = pt.get(f"/athletes/{athlete.pk}/").content.decode()

    assert "<strong>75%</strong> (9 sessions logged in the last 4 weeks, 12 planned)" in page


def test_the_dashboard_shows_it_and_sorts_the_lowest_first(therapist: User, pt: Client) -> None:
    low, high = _backdated(therapist), _backdated(therapist)
    low.first_name, high.first_name = "Lou", "Hal"
    Athlete.objects.filter(pk=low.pk).update(first_name="Lou", last_name="Aaron")
    Athlete.objects.filter(pk=high.pk).update(first_name="Hal", last_name="Zed")
    for days in range(0, 24, 2):  # 12: full
        walk(high, days)
    walk(low, 3)  # 1 of 12
    sam(therapist, first_name="Ned", last_name="Abbot")  # added today: no share yet

    table = pt.get("/dashboard/?sort=adherence").content.decode()

    assert table.index("Lou Aaron") < table.index("Hal Zed") < table.index("Ned Abbot")
    assert ">8%</span>" in table
    assert ">100%</span>" in table
    assert "1 logged, 12 planned in the last 28 days" in table


def test_a_new_plan_shows_on_the_next_view(therapist: User, pt: Client) -> None:
    athlete = _backdated(therapist)
    for days in (1, 3, 8):
        walk(athlete, days)
    assert ">25%</span>" in pt.get("/dashboard/").content.decode()  # 3 of 12 (cached now)

    services.athlete_update(athlete=athlete, planned_sessions_per_week=1)

    assert ">75%</span>" in pt.get("/dashboard/").content.decode()  # 3 of 4


def test_the_api_carries_it_and_refuses_a_bad_plan(therapist: User) -> None:
    athlete = _backdated(therapist)
    for days in (1, 3, 8, 10, 15, 17):
        walk(athlete, days)
    client: APIClient = token_client(therapist)

    listed = client.get("/api/v1/athletes/").json()["results"][0]
    detail = client.get(f"/api/v1/athletes/{athlete.pk}/").json()
    assert listed["adherence"] == detail["adherence"] == 0.5
    assert detail["planned_sessions_per_week"] == 3

    refused = client.patch(
        f"/api/v1/athletes/{athlete.pk}/", {"planned_sessions_per_week": 0}, format="json"
    )
    assert refused.status_code == 400
    assert "planned_sessions_per_week" in refused.json()
    changed = client.patch(
        f"/api/v1/athletes/{athlete.pk}/", {"planned_sessions_per_week": 2}, format="json"
    )
    assert changed.json()["adherence"] == 0.75  # 6 of 8


def test_a_new_athlete_has_none_yet(therapist: User) -> None:
    athlete = sam(therapist)
    walk(athlete, 0)

    detail = token_client(therapist).get(f"/api/v1/athletes/{athlete.pk}/").json()

    assert detail["adherence"] is None


def test_the_pt_sets_the_plan_beside_the_other_settings(therapist: User, pt: Client) -> None:
    athlete = _backdated(therapist)
    url = f"/athletes/{athlete.pk}/settings/"
    form: dict[str, Any] = {
        "walk_gate_minutes": 30,
        "gate_pain_max": 2,
        "distance_unit": "km",
        "planned_sessions_per_week": 15,
    }

    refused = pt.post(url, form)
    assert "planned_sessions_per_week" in refused.context["settings_form"].errors
    athlete.refresh_from_db()
    assert athlete.planned_sessions_per_week == 3  # nothing saved
    pt.post(url, {**form, "planned_sessions_per_week": 4})
    athlete.refresh_from_db()
    assert athlete.planned_sessions_per_week == 4
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


def test_the_api_sets_the_monitoring_start(therapist: User) -> None:
    athlete = _backdated(therapist)
    client: APIClient = token_client(therapist)
    url = f"/api/v1/athletes/{athlete.pk}/"

    assert client.get(url).json()["rtm_start_on"] is None
    assert client.patch(url, {"rtm_start_on": "2026-03-01"}, format="json").status_code == 200
    refused = client.patch(url, {"rtm_start_on": "March"}, format="json")

    assert refused.status_code == 400
    assert "rtm_start_on" in refused.json()
    athlete.refresh_from_db()
    assert athlete.rtm_start_on == dt.date(2026, 3, 1)
