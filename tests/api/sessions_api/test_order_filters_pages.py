"""Sessions through the API: order, filters and pages (SPEC §3)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.sessions_api.calls import (
    days_ago,
    ids,
    sessions_url,
)
from tests.factories import SessionLogFactory


def test_sessions_are_listed_newest_first_then_by_recording_order(
    client: APIClient, athlete: Athlete
) -> None:
    first_of_day = SessionLogFactory(athlete=athlete, date=days_ago(1))
    older = SessionLogFactory(athlete=athlete, date=days_ago(5))
    second_of_day = SessionLogFactory(athlete=athlete, date=days_ago(1))
    newest = SessionLogFactory(athlete=athlete, date=days_ago(0))

    assert ids(client.get(sessions_url(athlete))) == [
        newest.pk,
        second_of_day.pk,
        first_of_day.pk,
        older.pk,
    ]


@pytest.fixture
def week(athlete: Athlete) -> dict[str, SessionLog]:
    """One session a day for a week: walks, a walk–run, a run and strength work."""
    made = {
        "walk6": SessionLogFactory(athlete=athlete, date=days_ago(6)),
        "walk5": SessionLogFactory(athlete=athlete, date=days_ago(5)),
        "strength4": SessionLogFactory(
            athlete=athlete,
            date=days_ago(4),
            activity="strength",
            terrain=None,
            surface=None,
            incline_percent=None,
            pain_during=None,
        ),
        "walk_run3": SessionLogFactory(
            athlete=athlete,
            date=days_ago(3),
            activity="walk_run",
            run_interval_sec=60,
            walk_interval_sec=120,
            repeats=5,
        ),
        "run2": SessionLogFactory(athlete=athlete, date=days_ago(2), activity="run"),
        "walk1": SessionLogFactory(athlete=athlete, date=days_ago(1)),
    }
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("activity=walk", ["walk1", "walk5", "walk6"]),
        ("activity=walk_run", ["walk_run3"]),
        ("activity=strength", ["strength4"]),
        ("activity=cross_training", []),
        ("date_after={d3}", ["walk1", "run2", "walk_run3"]),  # inclusive
        ("date_before={d5}", ["walk5", "walk6"]),  # inclusive
        ("date_after={d5}&date_before={d3}", ["walk_run3", "strength4", "walk5"]),
        ("date_after={d3}&date_before={d3}", ["walk_run3"]),  # one day, both inclusive
        ("date_after={d2}&date_before={d5}", []),  # an empty range, not an error
        ("activity=walk&date_after={d5}", ["walk1", "walk5"]),
    ],
)
def test_sessions_filter_by_activity_and_inclusive_dates(
    client: APIClient, athlete: Athlete, week: dict[str, SessionLog], query: str, expected: list
) -> None:
    query = query.format(**{f"d{n}": days_ago(n).isoformat() for n in range(7)})

    assert ids(client.get(sessions_url(athlete, query))) == [week[name].pk for name in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("activity=flying", "activity"),
        ("date_after=last-week", "date_after"),
        ("date_before=2026-02-30", "date_before"),
    ],
)
def test_a_bad_session_filter_answers_400_naming_it(
    client: APIClient, athlete: Athlete, query: str, field: str
) -> None:
    response = client.get(sessions_url(athlete, query))

    assert response.status_code == 400
    assert field in response.json()


def test_sessions_are_paginated_with_count_next_and_previous(
    client: APIClient, athlete: Athlete
) -> None:
    SessionLog.objects.bulk_create(
        SessionLog(athlete=athlete, date=days_ago(i % 60), activity="strength", duration_min=20)
        for i in range(120)
    )

    first = client.get(sessions_url(athlete)).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 120
    assert len(first["results"]) == 50  # the default page size
    assert first["previous"] is None
    assert first["next"].endswith(sessions_url(athlete, "page=2"))

    page = client.get(sessions_url(athlete, "page_size=30&page=2")).json()
    assert len(page["results"]) == 30
    assert "page=3" in page["next"]
    assert "page_size=30" in page["next"]
    assert "page_size=30" in page["previous"]

    last = client.get(sessions_url(athlete, "page_size=50&page=3")).json()
    assert len(last["results"]) == 20
    assert last["next"] is None

    every = [
        row["id"]
        for p in (1, 2, 3)
        for row in client.get(sessions_url(athlete, f"page={p}")).json()["results"]
    ]
    assert len(set(every)) == 120  # no session on two pages, none left out


def test_the_page_size_is_capped(client: APIClient, athlete: Athlete) -> None:
    SessionLog.objects.bulk_create(
        SessionLog(athlete=athlete, date=days_ago(1), activity="strength", duration_min=20)
        for _ in range(250)
    )

    assert len(client.get(sessions_url(athlete, "page_size=1000")).json()["results"]) == 200


def test_a_page_past_the_end_answers_404(client: APIClient, athlete: Athlete) -> None:
    SessionLogFactory(athlete=athlete)

    response = client.get(sessions_url(athlete, "page=9"))

    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code"}
