"""Sessions and athletes through the API: order, filters, pages, replays (SPEC §3)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, SessionLogFactory

TODAY = dt.date(2026, 3, 4)  # a Wednesday; the clinic is in London


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


WALK = {
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": "8.0",
    "duration_min": 30,
    "intensity": "easy",
    "pain_during": 1,
    "pain_after": 1,
}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    return client_for(therapist)


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    return AthleteFactory(therapist=therapist, stage_started_on=days_ago(30))


def sessions_url(athlete: Athlete, query: str = "") -> str:
    return f"/api/v1/athletes/{athlete.pk}/sessions/" + (f"?{query}" if query else "")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Order, filters, pages --------------------------------------------------------------


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


# --- What a session answers ---------------------------------------------------------------


def test_each_session_answers_its_changed_variables_and_warnings(
    client: APIClient, athlete: Athlete
) -> None:
    url = sessions_url(athlete)
    first = client.post(url, {**WALK, "date": days_ago(3).isoformat()}).json()
    # Longer, steeper and harder at once: three variables changed.
    second = client.post(
        url,
        {
            **WALK,
            "date": days_ago(1).isoformat(),
            "duration_min": 45,
            "incline_percent": "12.0",
            "intensity": "moderate",
        },
    ).json()

    assert first["changed_variables"] == []
    assert first["warnings"] == []
    assert sorted(second["changed_variables"]) == ["duration", "incline", "intensity"]
    [warning] = second["warnings"]
    assert warning["code"] == "multiple_variables_changed"
    assert sorted(warning["variables"]) == ["duration", "incline", "intensity"]

    listed = client.get(url).json()["results"]
    assert all({"changed_variables", "warnings"} <= set(row) for row in listed)
    detail = client.get(f"/api/v1/sessions/{second['id']}/").json()
    assert detail["warnings"] == second["warnings"]


def test_the_next_morning_pain_arrives_later_by_patch(client: APIClient, athlete: Athlete) -> None:
    created = client.post(sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat()})
    assert created.json()["pain_next_morning"] is None

    response = client.patch(
        f"/api/v1/sessions/{created.json()['id']}/",
        {"pain_next_morning": 2, "version": created.json()["version"]},
    )

    assert response.status_code == 200
    assert response.json()["pain_next_morning"] == 2
    assert response.json()["duration_min"] == 30  # the rest is untouched
    assert (created.json()["version"], response.json()["version"]) == (1, 2)
    assert SessionLog.objects.get(pk=created.json()["id"]).pain_next_morning == 2


def test_deleting_a_session_removes_it_and_rechecks_the_next_one(
    client: APIClient, athlete: Athlete
) -> None:
    url = sessions_url(athlete)
    client.post(url, {**WALK, "date": days_ago(5).isoformat()})
    middle = client.post(url, {**WALK, "date": days_ago(3).isoformat(), "duration_min": 45})
    last = client.post(url, {**WALK, "date": days_ago(1).isoformat(), "duration_min": 45})
    assert last.json()["changed_variables"] == []

    response = client.delete(f"/api/v1/sessions/{middle.json()['id']}/")

    assert response.status_code == 204
    assert not SessionLog.objects.filter(pk=middle.json()["id"]).exists()
    assert client.get(f"/api/v1/sessions/{middle.json()['id']}/").status_code == 404
    # The last one is now compared with the 30-minute walk five days ago.
    assert SessionLog.objects.get(pk=last.json()["id"]).changed_variables == ["duration"]


def test_a_new_session_is_recorded_as_coming_from_the_api(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.post(sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat()})

    assert response.status_code == 201
    assert response.json()["source"] == "api"
    assert response.json()["athlete"] == athlete.pk


# --- client_id replays -------------------------------------------------------------------


def test_replaying_a_client_id_answers_200_with_the_stored_session(
    client: APIClient, athlete: Athlete
) -> None:
    body = {**WALK, "date": days_ago(1).isoformat(), "client_id": str(uuid.uuid4())}
    first = client.post(sessions_url(athlete), body)
    assert first.status_code == 201

    again = client.post(sessions_url(athlete), body)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


def test_a_replay_with_a_different_body_still_answers_the_stored_session(
    client: APIClient, athlete: Athlete
) -> None:
    client_id = str(uuid.uuid4())
    first = client.post(
        sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat(), "client_id": client_id}
    )

    again = client.post(
        sessions_url(athlete),
        {
            **WALK,
            "date": days_ago(2).isoformat(),
            "duration_min": 60,
            "pain_during": 4,
            "client_id": client_id,
        },
    )

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["duration_min"] == 30
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


def test_a_client_id_is_unique_per_athlete_only(
    client: APIClient, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    body = {**WALK, "date": days_ago(1).isoformat(), "client_id": str(uuid.uuid4())}

    assert client.post(sessions_url(athlete), body).status_code == 201
    assert client.post(sessions_url(other), body).status_code == 201
    assert SessionLog.objects.count() == 2


def test_sessions_without_a_client_id_are_all_stored(client: APIClient, athlete: Athlete) -> None:
    body = {**WALK, "date": days_ago(1).isoformat()}

    statuses = [client.post(sessions_url(athlete), body).status_code for _ in range(2)]
    statuses.append(client.post(sessions_url(athlete), {**body, "client_id": None}).status_code)

    assert statuses == [201, 201, 201]
    assert SessionLog.objects.filter(athlete=athlete).count() == 3


def test_the_client_id_of_a_stored_session_cannot_change(
    client: APIClient, athlete: Athlete
) -> None:
    client_id = str(uuid.uuid4())
    created = client.post(
        sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat(), "client_id": client_id}
    ).json()

    url = f"/api/v1/sessions/{created['id']}/"
    same = client.patch(url, {"client_id": client_id, "version": created["version"]})
    changed = client.patch(url, {"client_id": str(uuid.uuid4()), "version": created["version"]})

    assert same.status_code == 200
    assert changed.status_code == 400
    assert "client_id" in changed.json()
    assert str(SessionLog.objects.get(pk=created["id"]).client_id) == client_id


@contextlib.contextmanager
def shared_by_threads(tmp_path: Path) -> Iterator[None]:
    """Let other threads write to the test database at the same time as this one.

    PostgreSQL: nothing to do. SQLite: the test database lives in memory with a shared
    cache, which refuses a second writer at once ("database table is locked") instead of
    waiting; production uses a file, where the second writer waits for the first. So run
    on a file copy of the test database, as production would, and put memory back after.
    """
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(tmp_path / "concurrent.sqlite3")
    memory.backup(copy)
    copy.close()
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(tmp_path / "concurrent.sqlite3")
    connection.connection = None  # keep the in-memory one open: closing it would drop it
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original_name
        connection.connection = memory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("senders", [2, 6], ids=["two", "a-burst-of-six"])
def test_simultaneous_posts_of_one_client_id_store_one_session(
    therapist: User, time_machine: Any, tmp_path: Path, senders: int
) -> None:
    # Phones retry on a flaky network: the retry may arrive while the first is in flight.
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC), tick=False)
    athlete = AthleteFactory(therapist=therapist, stage_started_on=days_ago(30))
    clients = [client_for(therapist) for _ in range(senders)]
    body = {**WALK, "date": days_ago(1).isoformat(), "client_id": str(uuid.uuid4())}
    with shared_by_threads(tmp_path):
        answers, errors = post_at_once(clients, sessions_url(athlete), body)
        stored = SessionLog.objects.filter(athlete=athlete).count()

    assert errors == []
    assert sorted(status for status, _ in answers) == [200] * (senders - 1) + [201]
    assert len({session_id for _, session_id in answers}) == 1
    assert stored == 1


def test_a_replay_that_loses_the_race_after_the_check_still_answers_the_stored_session(
    client: APIClient, athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window the threads above can only hit by chance: the replay check finds nothing,
    # then the first request commits before this one validates and inserts.
    from athletes import services

    body = {**WALK, "date": days_ago(1).isoformat(), "client_id": str(uuid.uuid4())}
    first = client.post(sessions_url(athlete), body).json()
    stored = SessionLog.objects.filter(athlete=athlete)
    monkeypatch.setattr(
        services.SessionLog.objects, "filter", _first_call_finds_nothing(SessionLog.objects.filter)
    )

    again = client.post(sessions_url(athlete), body)

    assert again.status_code == 200, again.content
    assert again.json()["id"] == first["id"]
    assert stored.count() == 1


def _first_call_finds_nothing(filter_: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``SessionLog.objects.filter`` so the first client_id look-up finds nothing."""
    calls = {"client_id": 0}

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        queryset = filter_(*args, **kwargs)
        if "client_id" in kwargs and calls["client_id"] == 0:
            calls["client_id"] += 1
            return queryset.none()
        return queryset

    return wrapped


def post_at_once(
    clients: list[APIClient], url: str, body: dict[str, Any]
) -> tuple[list[tuple[int, int]], list[BaseException]]:
    """POST ``body`` from every client in its own thread, released at the same instant."""
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def post(client: APIClient) -> None:
        try:
            start.wait(timeout=10)
            response = client.post(url, body)
            answers.append((response.status_code, response.json().get("id")))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers, errors


# --- Athletes list --------------------------------------------------------------------------


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
