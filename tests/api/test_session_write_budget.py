"""Logging a session costs a fixed, small number of statements, however long the history.

Counted as production runs them: these tests commit for real (``transaction=True``), so
the service's one transaction is BEGIN … COMMIT, which Django logs and which are not
counted here; any SAVEPOINT or RELEASE (a nested atomic block) is counted and fails the
test. Each write is checked at two history sizes, and every stored one-variable check
must equal what recomputing the athlete's whole history gives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from athletes.models import RUNNING_TYPES, Athlete, SessionLog
from athletes.session_checks import athlete_session_variables_refresh
from itbrehab.accounts.models import User
from itbrehab.api_auth import TOKEN_AUTH_QUERIES
from itbrehab.webhooks.models import WebhookEvent
from itbrehab.webhooks.services import webhook_endpoint_create
from itbrehab.webhooks.tasks import deliver
from progressions.stored import REFRESH_QUERIES
from tests.factories import AthleteFactory
from tests.support.api import token_client
from tests.support.clock import API_TODAY
from tests.support.phones import phone_of
from tests.support.sessions import varied_history

pytestmark = pytest.mark.django_db(transaction=True)

# POST /api/v1/athletes/{id}/sessions/ with a token, in order: the token with its user;
# the athlete (therapist and clinic joined); the replay by client_id (or by the watch
# file's file_sha256) and the running-type sessions just before and after the new one
# (one SELECT); the INSERT, carrying the
# one-variable check; at most one UPDATE (a warned session's warnings name its new id;
# the following session's check when the new one was logged before it); then the
# athlete's stored progression (progressions.stored.REFRESH_QUERIES).
SESSION_POST_QUERIES = TOKEN_AUTH_QUERIES + 4 + REFRESH_QUERIES
# Webhooks (SPEC §10): a clinic with a live endpoint subscribed to ``session.created`` pays
# one more statement, the outbox's INSERT. The others pay nothing: whether anyone wants
# the event is read from the clinic, already joined to the athlete (``webhooks.emit``).
OUTBOX_INSERT = 1
# The phone's POST /m/log/: its browser session, its link (athlete and clinic joined),
# then the same three as the API's write, and the stored progression.
PHONE_LOG_QUERIES = 5 + REFRESH_QUERIES
# The PT's POST /athletes/{id}/sessions/new/: the browser session, the therapist, the
# athlete, then the same three, and the stored progression.
PT_SESSION_CREATE_QUERIES = 6 + REFRESH_QUERIES

SIZES = {"small": 5, "large": 500}
HOOK_URL = "https://hooks.example.com/itb"

WARNED_RUN = {  # after the history's last session, an uphill 30-minute walk: five changes
    "activity": "run",
    "terrain": "flat",
    "surface": "road",
    "duration_min": 45,
    "intensity": "hard",
    "pain_during": 1,
    "pain_after": 1,
}


def days_ago(n: int) -> dt.date:
    return API_TODAY - dt.timedelta(days=n)


@pytest.fixture(params=list(SIZES))
def athlete(request: pytest.FixtureRequest, therapist: User, now: dt.date) -> Athlete:
    """An athlete with 5 or 500 sessions, one a day or more, their checks stored."""
    athlete = AthleteFactory(therapist=therapist, stage_started_on=days_ago(60))
    count = SIZES[request.param]
    varied_history(athlete, count, newest=days_ago(1))
    athlete_session_variables_refresh(athlete=athlete)
    return athlete


def counted(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Return ``call()``'s result and the statements it ran, BEGIN and COMMIT left out."""
    with CaptureQueriesContext(connection) as captured:
        result = call()
    statements = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in statements if "SAVEPOINT" in s], "a nested atomic block"
    return result, [s for s in statements if s not in {"BEGIN", "COMMIT"}]


def assert_checks_as_if_recomputed(athlete: Athlete) -> None:
    """Every stored one-variable check equals a recomputation over the whole history."""
    assert athlete_session_variables_refresh(athlete=athlete) == 0


def post(client: APIClient, athlete: Athlete, **fields: Any) -> Any:
    body = {**WARNED_RUN, "date": API_TODAY.isoformat(), "client_id": str(uuid.uuid4())}
    return client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", {**body, **fields})


def test_a_warned_session_is_logged_within_the_budget(athlete: Athlete, therapist: User) -> None:
    client = token_client(therapist)

    response, statements = counted(lambda: post(client, athlete))

    assert response.status_code == 201, response.content
    assert len(statements) <= SESSION_POST_QUERIES, statements
    body = response.json()
    assert body["changed_variables"] == ["activity", "terrain", "surface", "duration", "intensity"]
    assert [w["session_id"] for w in body["warnings"]] == [body["id"]]
    stored = SessionLog.objects.get(pk=body["id"])
    assert (stored.changed_variables, stored.warnings) == (
        body["changed_variables"],
        body["warnings"],
    )
    assert_checks_as_if_recomputed(athlete)


def test_a_clinic_with_webhooks_pays_one_insert_more(
    athlete: Athlete, therapist: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True  # no DNS look-up of the made-up host
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    webhook_endpoint_create(admin=therapist, url=HOOK_URL, events=["session.created"])
    queued: list[int] = []
    monkeypatch.setattr(deliver, "delay", queued.append)  # the delivery itself: tests/webhooks
    client = token_client(therapist)

    response, statements = counted(lambda: post(client, athlete))

    assert response.status_code == 201, response.content
    assert len(statements) <= SESSION_POST_QUERIES + OUTBOX_INSERT, statements
    assert queued == [WebhookEvent.objects.get(type="session.created").pk]


def test_a_session_logged_before_others_rechecks_the_next_within_the_budget(
    athlete: Athlete, therapist: User
) -> None:
    client = token_client(therapist)
    day = days_ago(3)
    following = (
        SessionLog.objects.filter(athlete=athlete, date__gt=day, activity__in=RUNNING_TYPES)
        .order_by("date", "id")
        .first()
    )
    checked_before = following.changed_variables

    response, statements = counted(lambda: post(client, athlete, date=day.isoformat()))

    assert response.status_code == 201, response.content
    assert len(statements) <= SESSION_POST_QUERIES, statements
    following.refresh_from_db()
    assert following.changed_variables != checked_before  # now compared with the new run
    assert_checks_as_if_recomputed(athlete)


def test_a_replay_is_answered_within_the_budget(athlete: Athlete, therapist: User) -> None:
    client = token_client(therapist)
    client_id = str(uuid.uuid4())
    first = post(client, athlete, client_id=client_id).json()

    response, statements = counted(lambda: post(client, athlete, client_id=client_id))

    assert response.status_code == 200
    assert response.json() == first
    # … the token, the athlete, the look-up, and the audit's record of the read.
    assert len(statements) <= SESSION_POST_QUERIES, statements
    assert SessionLog.objects.filter(athlete=athlete, date=API_TODAY).count() == 1


FILE_SHA256 = hashlib.sha256(b"a watch file's bytes").hexdigest()


def test_a_session_read_from_a_file_is_logged_within_the_budget(
    athlete: Athlete, therapist: User
) -> None:
    client = token_client(therapist)

    response, statements = counted(lambda: post(client, athlete, file_sha256=FILE_SHA256))

    assert response.status_code == 201, response.content
    assert len(statements) <= SESSION_POST_QUERIES, statements
    assert SessionLog.objects.get(pk=response.json()["id"]).source == "file"
    assert_checks_as_if_recomputed(athlete)


def test_the_same_file_again_is_answered_within_the_budget(
    athlete: Athlete, therapist: User
) -> None:
    client = token_client(therapist)
    first = post(client, athlete, file_sha256=FILE_SHA256).json()

    # Another client_id: the file alone finds the stored session.
    response, statements = counted(lambda: post(client, athlete, file_sha256=FILE_SHA256))

    assert response.status_code == 200
    assert response.json() == first
    assert len(statements) <= SESSION_POST_QUERIES, statements
    assert SessionLog.objects.filter(athlete=athlete, file_sha256=FILE_SHA256).count() == 1


def test_the_phone_logs_a_session_within_its_budget(athlete: Athlete) -> None:
    phone = phone_of(athlete)
    data = {
        **WARNED_RUN,
        "athlete": str(athlete.pk),
        "date": API_TODAY.isoformat(),
        "client_id": str(uuid.uuid4()),
    }

    response, statements = counted(lambda: phone.post("/m/log/", data))

    assert response.status_code == 302
    assert len(statements) <= PHONE_LOG_QUERIES, statements
    assert SessionLog.objects.get(client_id=data["client_id"]).source == "phone"
    assert_checks_as_if_recomputed(athlete)


def test_the_pt_logs_a_session_within_their_budget(athlete: Athlete, therapist: User) -> None:
    pt = Client()
    pt.force_login(therapist)
    data = {**WARNED_RUN, "date": days_ago(2).isoformat(), "notes": "Phoned in."}

    response, statements = counted(lambda: pt.post(f"/athletes/{athlete.pk}/sessions/new/", data))

    assert response.status_code == 302
    assert len(statements) <= PT_SESSION_CREATE_QUERIES, statements
    assert SessionLog.objects.get(athlete=athlete, notes="Phoned in.").source == "web"
    assert_checks_as_if_recomputed(athlete)


def test_the_phone_logs_a_session_read_from_a_file_within_its_budget(athlete: Athlete) -> None:
    phone = phone_of(athlete)
    data = {
        **WARNED_RUN,
        "athlete": str(athlete.pk),
        "date": API_TODAY.isoformat(),
        "client_id": str(uuid.uuid4()),
        "file_sha256": FILE_SHA256,
    }

    response, statements = counted(lambda: phone.post("/m/log/", data))

    assert response["Location"] == "/m/?saved=1"
    assert len(statements) <= PHONE_LOG_QUERIES, statements
    assert SessionLog.objects.get(client_id=data["client_id"]).source == "file"
    # The same file again, from a second import (another client_id): found, not stored.
    again = {**data, "client_id": str(uuid.uuid4())}
    response, statements = counted(lambda: phone.post("/m/log/", again))
    assert response["Location"] == "/m/?saved=again"
    assert len(statements) <= PHONE_LOG_QUERIES, statements
    assert_checks_as_if_recomputed(athlete)


def test_the_pt_logs_a_session_read_from_a_file_within_their_budget(
    athlete: Athlete, therapist: User
) -> None:
    pt = Client()
    pt.force_login(therapist)
    data = {**WARNED_RUN, "date": days_ago(2).isoformat(), "file_sha256": FILE_SHA256}
    url = f"/athletes/{athlete.pk}/sessions/new/"

    response, statements = counted(lambda: pt.post(url, data))

    assert response.status_code == 302
    assert len(statements) <= PT_SESSION_CREATE_QUERIES, statements
    assert SessionLog.objects.get(athlete=athlete, file_sha256=FILE_SHA256).source == "file"
    response, statements = counted(lambda: pt.post(url, data))
    assert response.status_code == 302
    assert len(statements) <= PT_SESSION_CREATE_QUERIES, statements
    assert SessionLog.objects.filter(athlete=athlete, file_sha256=FILE_SHA256).count() == 1
    assert_checks_as_if_recomputed(athlete)
