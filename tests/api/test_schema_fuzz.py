"""Schema-based fuzzing: schemathesis against the app's own ``/api/schema/``.

Every operation the schema lists gets a fixed number of generated requests (fixed seed,
derandomized: each run sends the same ones) plus schemathesis' coverage cases (boundary
and invalid values of each parameter and body field). They go in-process through
Django's WSGI handler, as a server would call it, with a real API token of a therapist
whose clinic has a small, realistic dataset: an athlete mid-protocol with sessions, pain
check-ins, a stage change and phone links, and a discharged athlete. Path ids point at
that dataset part of the time, and at another clinic's objects (which must answer 404).
Each request runs in a savepoint that is rolled back, so every example starts from the
same data (a deleted session, a revoked token or link come back for the next one).

Checks on every answer: not a 5xx, a documented status code, a documented content type,
and a body that conforms to the documented schema.

The watch-file upload (``…/session-files/``) gets generated multipart bodies: random bytes
that are no watch file, a missing ``file``, other content types, so its 400, 404 and 415
answers are checked here; its 200, for every real recording, in
``tests/api/session_files/test_schema.py``.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from athletes import services as athlete_services
from itbrehab.accounts.models import User
from progressions import services as progression_services
from tests.factories import DEFAULT_PASSWORD, AthleteFactory, PainScoreFactory, SessionLogFactory

SEED = 20260304
# Generated requests per operation (the fuzzing phase); coverage cases come on top.
EXAMPLES_PER_OPERATION = 30
NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Dataset:
    therapist: User
    token: str
    athletes: tuple[int, ...]
    sessions: tuple[int, ...]
    device_links: tuple[int, ...]
    foreign_athletes: tuple[int, ...]
    foreign_sessions: tuple[int, ...]
    foreign_device_links: tuple[int, ...]

    def ids_for(self, path: str, name: str) -> tuple[int, ...]:
        """The stored ids ``{name}`` can take in ``path``: ours first, then another clinic's."""
        path = path.removeprefix("/api/v1")
        if name == "athlete_pk" or path.startswith("/athletes/"):
            return self.athletes + self.foreign_athletes
        if path.startswith("/sessions/"):
            return self.sessions + self.foreign_sessions
        if path.startswith("/device-links/"):
            return self.device_links + self.foreign_device_links
        return ()


def _fill_clinic(therapist: User) -> tuple[list[int], list[int], list[int]]:
    """An athlete in the second stage with sessions, pain check-ins and phone links."""
    athlete = AthleteFactory(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        stage_started_on=TODAY - dt.timedelta(days=20),
    )
    discharged = AthleteFactory(therapist=therapist, last_name="Ngata", status="discharged")
    sessions = [
        SessionLogFactory(athlete=athlete, date=TODAY - dt.timedelta(days=ago), pain_during=pain)
        for ago, pain in ((9, 2), (6, 1), (3, 1), (1, 0))
    ]
    sessions.append(
        SessionLogFactory(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=2),
            activity="strength",
            terrain=None,
            surface=None,
            incline_percent=None,
            intensity=None,
        )
    )
    for ago in (1, 2, 4):
        PainScoreFactory(athlete=athlete, date=TODAY - dt.timedelta(days=ago), score=ago % 3)
    progression_services.stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="Walked pain-free all week.",
        effective_date=TODAY - dt.timedelta(days=5),
    )
    link, _secret = athlete_services.device_link_create(athlete=athlete, created_by=therapist)
    revoked, _secret = athlete_services.device_link_create(athlete=athlete, created_by=therapist)
    athlete_services.device_link_revoke(link=revoked)
    return [athlete.pk, discharged.pk], [s.pk for s in sessions], [link.pk, revoked.pk]


@pytest.fixture
def dataset(
    therapist: User,
    outsider: User,
    time_machine: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Dataset]:
    """The two clinics' data, the therapist's token, and Django run as a server runs it."""
    time_machine.move_to(NOW, tick=True)
    athletes, sessions, links = _fill_clinic(therapist)
    foreign_athletes, foreign_sessions, foreign_links = _fill_clinic(outsider)
    _token, secret = AuthToken.objects.create(therapist)
    data = Dataset(
        therapist=therapist,
        token=secret,
        athletes=tuple(athletes),
        sessions=tuple(sessions),
        device_links=tuple(links),
        foreign_athletes=tuple(foreign_athletes[:1]),
        foreign_sessions=tuple(foreign_sessions[:2]),
        foreign_device_links=tuple(foreign_links[:1]),
    )
    # Hundreds of requests within one test: lift the rate limits. DRF's own throttles
    # read the rates once, at import, so their class attribute is patched as well.
    rates = {"anon": "100000/min", "user": "100000/min", "login": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _current.append(data)
    try:
        yield data
    finally:
        _current.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The running test's dataset, for the generation hooks (its ids differ from run to run).
_current: list[Dataset] = []


def _stored(value: Any, ids: tuple[int, ...]) -> Any:
    return str(ids[0]) if isinstance(value, str) else ids[0]


# Loaded once, at import, from the app itself (no database needed for the schema). Not
# through `schemathesis.pytest.from_fixture`: its lazy loader reads `Node._nodeid`, which
# pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    WSGIHandler(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
                # The test sends the therapist's token; generate no other credentials.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


@schema.hook
def map_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> dict[str, Any] | None:
    # About half the generated ids become a stored object's id (ours, or another
    # clinic's), chosen by a checksum of the generated value: deterministic, and spread
    # over every stored id.
    if not path_parameters:
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        ids = _current[-1].ids_for(context.operation.path, name)
        pick = zlib.crc32(repr(value).encode()) % (2 * len(ids)) if ids else 0
        if pick < len(ids):
            mapped[name] = _stored(value, ids[pick:])
    return mapped


@schema.hook
def map_body(context: schemathesis.HookContext, body: Any) -> Any:
    # The token endpoint: the therapist's right email and password a third of the time.
    if context.operation.path != "/api/v1/auth/token/" or zlib.crc32(repr(body).encode()) % 3:
        return body
    return {"email": _current[-1].therapist.email, "password": DEFAULT_PASSWORD}


def _aim_coverage_case(case: schemathesis.Case, data: Dataset) -> None:
    """Send a coverage case about a body or query value to our first stored object.

    Coverage cases (boundary and invalid values, one parameter at a time) are not drawn
    through the hooks: their path ids are placeholders that would answer 404 before the
    value under test is even read. Those that test a path parameter are left alone.
    """
    meta = case.meta
    if meta is None or meta.phase.name != "coverage" or not case.path_parameters:
        return
    if getattr(meta.phase.data, "parameter_location", None) == "path":
        return
    for name, value in case.path_parameters.items():
        ids = data.ids_for(case.operation.path, name)
        if ids:
            case.path_parameters[name] = _stored(value, ids)


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, dataset: Dataset) -> None:
    _aim_coverage_case(case, dataset)
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Token {dataset.token}"}, checks=CHECKS)
        transaction.set_rollback(True)


# What fuzzing found, pinned down: each answered a 500 or a page that is not the API's.
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        # A therapist id beyond any integer column: OverflowError (SQLite), DataError (PG).
        ("get", "/api/v1/athletes/?therapist=99999999999999999999", 400),
        ("get", "/api/v1/athletes/?therapist=9.3e%2B42", 400),
        ("get", "/api/v1/athletes/?therapist=1.5", 400),
        # A path parameter the routes refuse: Django's HTML 404, or for a write its CSRF 403.
        ("get", "/api/v1/athletes/-1/progression/", 404),
        ("get", "/api/v1/athletes/%C2%84/sessions/", 404),
        ("post", "/api/v1/athletes/%C2%84/sessions/", 404),
        ("patch", "/api/v1/sessions/0.5/", 404),
        ("delete", "/api/v1/device-links/0.5/", 404),
    ],
)
def test_what_fuzzing_found_answers_the_apis_json(
    api_client: Any, method: str, path: str, status: int
) -> None:
    response = getattr(api_client, method)(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    if status == 404:
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    else:
        assert "therapist" in response.json()
