"""client_id replays: a replay answers the stored session, once, even under races."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.api.sessions_api.calls import (
    WALK,
    days_ago,
    sessions_url,
    shared_by_threads,
)
from tests.factories import AthleteFactory
from tests.support.api import token_client


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("senders", [2, 6], ids=["two", "a-burst-of-six"])
def test_simultaneous_posts_of_one_client_id_store_one_session(
    therapist: User, now: dt.date, tmp_path: Path, senders: int
) -> None:
    # Phones retry on a flaky network: the retry may arrive while the first is in flight.
    athlete = AthleteFactory(therapist=therapist, stage_started_on=days_ago(30))
    clients = [token_client(therapist) for _ in range(senders)]
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
