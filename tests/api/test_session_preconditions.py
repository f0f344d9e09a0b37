"""No lost update through the API (SPEC §7): a session carries its version and ETag, and a
change names the version it is based on.

PATCH ``/api/v1/sessions/{id}/`` needs ``If-Match`` (the ETag) or ``version`` in the body:
a stale ETag answers 412, a stale version 409 naming the field, neither 428; in every case
nothing is written. DELETE takes ``If-Match`` too. Two integrations racing on one version:
exactly one change is stored, on real PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from athletes.api.preconditions import (
    SESSION_IF_MATCH_FAILED,
    SESSION_PRECONDITION_REQUIRED,
    SESSION_VERSION_CONFLICT,
)
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.api.sessions_api.calls import shared_by_threads
from tests.factories import AthleteFactory, SessionLogFactory
from tests.support.api import token_client

TODAY = dt.date(2026, 3, 4)  # a Wednesday; the clinic is in London


@pytest.fixture
def now(time_machine: Any) -> dt.date:
    time_machine.move_to(dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    return AthleteFactory(therapist=therapist, stage_started_on=TODAY - dt.timedelta(days=30))


@pytest.fixture
def session(athlete: Athlete) -> SessionLog:
    """Yesterday's uphill walk, its next-morning pain not yet known."""
    return SessionLogFactory(
        athlete=athlete, date=TODAY - dt.timedelta(days=1), pain_next_morning=None
    )


@pytest.fixture
def clinic_system(therapist: User, now: dt.date) -> APIClient:
    """The clinic's records system, correcting sessions."""
    return token_client(therapist)


@pytest.fixture
def athlete_app(colleague: User, now: dt.date) -> APIClient:
    """The athlete's running app, sending the morning answer with a colleague's token."""
    return token_client(colleague)


def url(session: SessionLog) -> str:
    return f"/api/v1/sessions/{session.pk}/"


def stored(session: SessionLog) -> dict[str, Any]:
    return SessionLog.objects.filter(pk=session.pk).values().get()


# --- Reading: the version and the ETag --------------------------------------------------


def test_a_session_carries_its_version_and_a_strong_etag(
    clinic_system: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    detail = clinic_system.get(url(session))
    listed = clinic_system.get(f"/api/v1/athletes/{athlete.pk}/sessions/").json()["results"]

    assert detail.status_code == 200
    assert detail.json()["version"] == 1
    assert detail["ETag"] == '"1"'
    assert [row["version"] for row in listed] == [1]


def test_a_new_session_starts_at_version_1_whatever_the_body_says(
    clinic_system: APIClient, athlete: Athlete
) -> None:
    body = {
        "date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "activity": "walk",
        "terrain": "uphill",
        "duration_min": 30,
        "pain_during": 1,
        "version": 7,
    }

    response = clinic_system.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    assert SessionLog.objects.get(pk=response.json()["id"]).version == 1


# --- PATCH with a precondition ------------------------------------------------------------


@pytest.mark.parametrize(
    "if_match", ['"1"', "*", '"7", "1"', ' "1" '], ids=["etag", "any", "list", "spaces"]
)
def test_a_patch_with_a_matching_if_match_is_saved_and_answers_the_new_etag(
    athlete_app: APIClient, session: SessionLog, if_match: str
) -> None:
    response = athlete_app.patch(
        url(session), {"pain_next_morning": 2}, headers={"If-Match": if_match}
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["version"] == 2
    assert (stored(session)["pain_next_morning"], stored(session)["version"]) == (2, 2)


def test_a_patch_with_the_current_version_in_the_body_is_saved(
    athlete_app: APIClient, session: SessionLog
) -> None:
    response = athlete_app.patch(url(session), {"pain_next_morning": 2, "version": 1})

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert stored(session)["pain_next_morning"] == 2


def test_each_change_counts_once_and_a_change_to_nothing_counts_none(
    clinic_system: APIClient, session: SessionLog
) -> None:
    versions = []
    for body in ({"duration_min": 35}, {"duration_min": 35}, {"notes": "Felt easy."}):
        etag = clinic_system.get(url(session))["ETag"]
        response = clinic_system.patch(url(session), body, headers={"If-Match": etag})
        assert response.status_code == 200, response.content
        versions.append(response.json()["version"])

    # The second PATCH changed nothing: storing it would only make others' copies stale.
    assert versions == [2, 2, 3]


# --- The test case: the morning answer arrives while an integration edits ----------------


def test_a_stale_if_match_answers_412_and_the_morning_answer_stays(
    clinic_system: APIClient, athlete_app: APIClient, session: SessionLog
) -> None:
    loaded = clinic_system.get(url(session))  # the clinic system opens the session …
    answered = athlete_app.patch(url(session), {"pain_next_morning": 3, "version": 1})
    assert answered.status_code == 200
    before = stored(session)

    # … and saves its correction, made on what it loaded: pain_next_morning still empty.
    response = clinic_system.patch(
        url(session),
        {**loaded.json(), "duration_min": 35},
        headers={"If-Match": loaded["ETag"]},
        format="json",
    )

    assert response.status_code == 412
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": SESSION_IF_MATCH_FAILED.format(version=2),
        "code": "precondition_failed",
        "current_version": 2,
    }
    assert response["ETag"] == '"2"'
    assert stored(session) == before
    assert (before["pain_next_morning"], before["duration_min"]) == (3, 30)


def test_a_stale_version_answers_409_naming_the_field_and_the_current_version(
    clinic_system: APIClient, athlete_app: APIClient, session: SessionLog
) -> None:
    loaded = clinic_system.get(url(session)).json()
    athlete_app.patch(url(session), {"pain_next_morning": 3}, headers={"If-Match": '"1"'})
    before = stored(session)

    response = clinic_system.patch(url(session), {"duration_min": 35, "version": loaded["version"]})

    assert response.status_code == 409
    assert response.json() == {
        "detail": SESSION_VERSION_CONFLICT.format(version=2),
        "code": "version_conflict",
        "field": "version",
        "current_version": 2,
    }
    assert response["ETag"] == '"2"'
    assert stored(session) == before


def test_retrying_with_the_current_version_saves_on_top_of_the_other_change(
    clinic_system: APIClient, athlete_app: APIClient, session: SessionLog
) -> None:
    athlete_app.patch(url(session), {"pain_next_morning": 3, "version": 1})
    refused = clinic_system.patch(url(session), {"duration_min": 35, "version": 1})

    retried = clinic_system.patch(
        url(session), {"duration_min": 35, "version": refused.json()["current_version"]}
    )

    assert retried.status_code == 200, retried.content
    assert (stored(session)["duration_min"], stored(session)["pain_next_morning"]) == (35, 3)
    assert retried.json()["version"] == 3


@pytest.mark.parametrize(
    ("if_match", "version", "status"),
    [
        ('"1"', 2, 409),  # the header matches, the body's version does not
        ('"2"', 1, 412),  # the header is judged first
    ],
)
def test_with_both_preconditions_each_must_match(
    clinic_system: APIClient, session: SessionLog, if_match: str, version: int, status: int
) -> None:
    before = stored(session)

    response = clinic_system.patch(
        url(session), {"duration_min": 35, "version": version}, headers={"If-Match": if_match}
    )

    assert response.status_code == status
    assert stored(session) == before


@pytest.mark.parametrize(
    "if_match", ['"2"', 'W/"1"', "1", '"1', "", "garbage"],
    ids=["other-version", "weak", "unquoted", "unclosed", "empty", "garbage"],
)  # fmt: skip
def test_an_if_match_that_does_not_match_strongly_answers_412(
    clinic_system: APIClient, session: SessionLog, if_match: str
) -> None:
    before = stored(session)

    response = clinic_system.patch(
        url(session), {"duration_min": 35}, headers={"If-Match": if_match}
    )

    assert response.status_code == 412, response.content
    assert response.json()["current_version"] == 1
    assert stored(session) == before


def test_a_stale_if_match_is_judged_before_the_body(
    clinic_system: APIClient, session: SessionLog
) -> None:
    response = clinic_system.patch(
        url(session), {"duration_min": "long"}, headers={"If-Match": '"9"'}
    )

    assert response.status_code == 412


# --- PATCH without a precondition -------------------------------------------------------------


@pytest.mark.parametrize("body", [{"pain_next_morning": 2}, {}], ids=["a-change", "empty"])
def test_a_patch_that_names_no_version_answers_428_and_writes_nothing(
    athlete_app: APIClient, session: SessionLog, body: dict[str, Any]
) -> None:
    before = stored(session)

    response = athlete_app.patch(url(session), body)

    assert response.status_code == 428
    assert response.json() == {
        "detail": SESSION_PRECONDITION_REQUIRED,
        "code": "precondition_required",
    }
    assert stored(session) == before


def test_bad_input_without_a_precondition_still_answers_400_naming_the_field(
    athlete_app: APIClient, session: SessionLog
) -> None:
    response = athlete_app.patch(url(session), {"pain_next_morning": 11})

    assert response.status_code == 400
    assert "pain_next_morning" in response.json()


def test_another_clinics_session_answers_404_whatever_the_precondition(
    outsider: User, session: SessionLog, now: dt.date
) -> None:
    client = token_client(outsider)
    before = stored(session)

    for headers in ({}, {"If-Match": '"1"'}, {"If-Match": '"9"'}):
        response = client.patch(url(session), {"duration_min": 35}, headers=headers)
        assert response.status_code == 404

    assert stored(session) == before


# --- DELETE ------------------------------------------------------------------------------


def test_a_delete_with_a_stale_if_match_answers_412_and_deletes_nothing(
    clinic_system: APIClient, athlete_app: APIClient, session: SessionLog
) -> None:
    athlete_app.patch(url(session), {"pain_next_morning": 3, "version": 1})

    response = clinic_system.delete(url(session), headers={"If-Match": '"1"'})

    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert SessionLog.objects.filter(pk=session.pk).exists()


def test_a_delete_with_the_current_if_match_deletes(
    clinic_system: APIClient, session: SessionLog
) -> None:
    response = clinic_system.delete(url(session), headers={"If-Match": '"1"'})

    assert response.status_code == 204
    assert not SessionLog.objects.filter(pk=session.pk).exists()


# --- The schema says all this ------------------------------------------------------------


def test_the_schema_documents_the_preconditions_and_their_answers(
    clinic_system: APIClient,
) -> None:
    schema = clinic_system.get("/api/schema/?format=json").json()
    item = schema["paths"]["/api/v1/sessions/{id}/"]

    patch = item["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"] if p["in"] == "header"}
    assert {"200", "400", "409", "412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
    assert "If-Match" in {p["name"] for p in item["delete"]["parameters"] if p["in"] == "header"}
    assert "412" in item["delete"]["responses"]
    properties = schema["components"]["schemas"]["SessionLog"]["properties"]
    assert properties["version"]["type"] == "integer"
    assert "version" in schema["components"]["schemas"]["PatchedSessionLogRequest"]["properties"]


# --- Two integrations at once, on the real database ---------------------------------------


def patch_at_once(
    clients: list[APIClient], path: str, bodies: list[dict[str, Any]], if_match: str
) -> tuple[list[int], list[BaseException]]:
    """PATCH from every client in its own thread, released at the same instant."""
    start = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def patch(client: APIClient, body: dict[str, Any]) -> None:
        try:
            start.wait(timeout=10)
            statuses.append(client.patch(path, body, headers={"If-Match": if_match}).status_code)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=patch, args=pair) for pair in zip(clients, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [2, 6], ids=["two", "a-burst-of-six"])
def test_of_simultaneous_patches_on_one_version_exactly_one_is_stored(
    therapist: User, time_machine: Any, tmp_path: Path, writers: int
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC), tick=False)
    athlete = AthleteFactory(therapist=therapist, stage_started_on=TODAY - dt.timedelta(days=30))
    session = SessionLogFactory(athlete=athlete, date=TODAY - dt.timedelta(days=1))
    clients = [token_client(therapist) for _ in range(writers)]
    bodies = [{"duration_min": 31 + n, "notes": f"writer {n}"} for n in range(writers)]

    with shared_by_threads(tmp_path):
        statuses, errors = patch_at_once(clients, url(session), bodies, '"1"')
        row = stored(session)

    assert errors == []
    assert sorted(statuses) == [200] + [412] * (writers - 1)
    assert row["version"] == 2
    winner = row["duration_min"] - 31
    assert row["notes"] == f"writer {winner}"  # one writer's change, whole


# --- Deleted between loading it and the write ----------------------------------------------


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_session_deleted_while_the_request_runs_answers_404(
    clinic_system: APIClient, session: SessionLog, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    # Another request deletes the session after this one loaded it: the write finds no
    # row to change, which is a 404, never a 500 or a resurrected row.
    from athletes.api.sessions import SessionViewSet

    load = SessionViewSet.get_object

    def load_then_lose(view: SessionViewSet) -> SessionLog:
        loaded = load(view)
        SessionLog.objects.filter(pk=loaded.pk).delete()
        return loaded

    monkeypatch.setattr(SessionViewSet, "get_object", load_then_lose)

    response = getattr(clinic_system, method)(
        url(session), {"duration_min": 35}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 404
    assert not SessionLog.objects.filter(pk=session.pk).exists()
