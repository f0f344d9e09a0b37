"""Every API error answers one JSON shape, and nothing answers 500 (SPEC §3).

- 401/403/404/405/406/415/429: ``{"detail": "…", "code": "…"}``;
- 400: ``{"field": ["message", …]}`` (``non_field_errors`` for the whole body; a body that
  is not JSON at all is a ``parse_error`` with ``detail`` and ``code``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory, SessionLogFactory
from tests.support.api import token_client


@pytest.fixture
def client(therapist: User) -> APIClient:
    client = token_client(therapist)
    client.raise_request_exception = False  # a 500 must show as a 500, not as a traceback
    return client


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return AthleteFactory(therapist=therapist)


@pytest.fixture
def session(athlete: Athlete) -> SessionLog:
    return SessionLogFactory(athlete=athlete)


def assert_detail_and_code(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["code"] == code


# --- One shape for every status but 400 -------------------------------------------------


def test_401_without_credentials(db: None) -> None:
    response = APIClient().get("/api/v1/athletes/")

    assert_detail_and_code(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "0" * 64,
        "Token",
        "Token a b",
        "Bearer abc",
        "Token \x00",
    ],
    ids=["unknown", "empty", "spaces", "other-scheme", "nul"],
)
def test_401_with_a_bad_token(db: None, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/athletes/")

    # An unknown scheme is no credentials at all; a malformed or unknown token is refused.
    expected = "not_authenticated" if header.startswith("Bearer") else "authentication_failed"
    assert_detail_and_code(response, 401, expected)


def test_403_for_a_user_who_is_not_a_clinics_therapist(db: None) -> None:
    admin = User.objects.create_superuser("admin@itbrehab.example", DEFAULT_PASSWORD)

    assert_detail_and_code(token_client(admin).get("/api/v1/athletes/"), 403, "permission_denied")


def test_403_for_a_browser_write_without_csrf(therapist: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(therapist)

    response = client.post("/api/v1/athletes/", {"first_name": "Sam"})

    assert_detail_and_code(response, 403, "permission_denied")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/athletes/{missing}/",
        "/api/v1/athletes/{missing}/sessions/",
        "/api/v1/athletes/{missing}/progression/",
        "/api/v1/sessions/{missing}/",
        "/api/v1/athletes/{theirs}/",
        "/api/v1/athletes/{theirs}/stage-changes/",
    ],
)
def test_404_for_a_missing_or_another_clinics_object(
    client: APIClient, outsider: User, path: str
) -> None:
    theirs = AthleteFactory(therapist=outsider)

    response = client.get(path.format(missing=987_654, theirs=theirs.pk))

    assert_detail_and_code(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/athletes/sam/"),
        ("PATCH", "/api/v1/athletes/sam/"),
        ("GET", "/api/v1/athletes/1.5/"),
        ("GET", "/api/v1/athletes/-1/"),
        ("GET", "/api/v1/athletes/0x1/"),
        ("GET", "/api/v1/athletes/%C3%A9/"),
        ("GET", "/api/v1/athletes/abc/sessions/"),
        ("POST", "/api/v1/athletes/abc/sessions/"),
        ("GET", "/api/v1/athletes/abc/progression/"),
        ("GET", "/api/v1/sessions/abc/"),
        ("DELETE", "/api/v1/sessions/abc/"),
        ("DELETE", "/api/v1/device-links/abc/"),
        ("GET", "/api/v1/athletes/99999999999999999999999999/"),
        ("GET", "/api/v1/athletes/99999999999999999999999999/progression/"),
        ("GET", "/api/v1/sessions/9223372036854775808/"),
        ("DELETE", "/api/v1/device-links/99999999999999999999999999/"),
        ("GET", "/api/v1/no-such-thing/"),
    ],
)
def test_404_for_an_id_that_is_not_a_number_or_too_big(
    client: APIClient, athlete: Athlete, method: str, path: str
) -> None:
    response = client.generic(method, path, data="{}", content_type="application/json")

    assert_detail_and_code(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/athletes/{athlete}/"),
        ("PUT", "/api/v1/athletes/{athlete}/"),
        ("POST", "/api/v1/sessions/{session}/"),
        ("PUT", "/api/v1/sessions/{session}/"),
        ("POST", "/api/v1/athletes/{athlete}/progression/"),
        ("POST", "/api/v1/stages/"),
        ("GET", "/api/v1/auth/token/"),
    ],
)
def test_405_for_a_method_the_endpoint_does_not_offer(
    client: APIClient, athlete: Athlete, session: SessionLog, method: str, path: str
) -> None:
    response = client.generic(
        method,
        path.format(athlete=athlete.pk, session=session.pk),
        data="{}",
        content_type="application/json",
    )

    assert_detail_and_code(response, 405, "method_not_allowed")
    assert method not in response["Allow"]


def test_406_when_the_client_accepts_only_html(client: APIClient, athlete: Athlete) -> None:
    response = client.get("/api/v1/athletes/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_415_for_a_form_encoded_body(client: APIClient) -> None:
    response = client.post(
        "/api/v1/athletes/",
        "first_name=Sam&last_name=Okafor&affected_side=left",
        content_type="application/x-www-form-urlencoded",
    )

    assert_detail_and_code(response, 415, "unsupported_media_type")


def test_429_for_a_token_over_its_rate(therapist: User, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "1/min",
        },
    }
    client = token_client(therapist)
    client.get("/api/v1/stages/")

    response = client.get("/api/v1/stages/")

    assert_detail_and_code(response, 429, "throttled")
    assert "Retry-After" in response


def test_429_for_a_locked_out_login(therapist: User) -> None:
    for _ in range(10):
        APIClient().post("/api/v1/auth/token/", {"email": therapist.email, "password": "nope"})

    response = APIClient().post(
        "/api/v1/auth/token/", {"email": therapist.email, "password": DEFAULT_PASSWORD}
    )

    assert_detail_and_code(response, 429, "locked_out")


# --- 400: keyed by field ------------------------------------------------------------------


def test_400_names_each_bad_field_with_a_list_of_messages(client: APIClient) -> None:
    response = client.post(
        "/api/v1/athletes/",
        {"first_name": "", "affected_side": "sideways", "walk_gate_minutes": 90},
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"first_name", "last_name", "affected_side", "walk_gate_minutes"}
    for messages in body.values():
        assert isinstance(messages, list)
        assert all(isinstance(m, str) and m for m in messages)


def test_400_from_a_rule_in_a_service_is_keyed_by_field_too(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.post(
        f"/api/v1/athletes/{athlete.pk}/sessions/",
        {"date": dt.date.today().isoformat(), "activity": "run", "duration_min": 30},
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"terrain", "pain_during"}
    assert all(isinstance(m, list) for m in body.values())


def test_400_for_a_body_that_is_not_an_object_uses_non_field_errors(client: APIClient) -> None:
    response = client.post("/api/v1/athletes/", [1, 2, 3])

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


def test_400_for_malformed_json_is_a_parse_error(client: APIClient) -> None:
    response = client.post("/api/v1/athletes/", "{oops", content_type="application/json")

    assert_detail_and_code(response, 400, "parse_error")


# --- Nothing answers 500 -------------------------------------------------------------------


ODD_REQUESTS = [
    ("GET", "/api/v1/athletes/?page=0"),
    ("GET", "/api/v1/athletes/?page=-1"),
    ("GET", "/api/v1/athletes/?page=abc"),
    ("GET", "/api/v1/athletes/?page=99999999999999999999999"),
    ("GET", "/api/v1/athletes/?page_size=0"),
    ("GET", "/api/v1/athletes/?page_size=-5"),
    ("GET", "/api/v1/athletes/?page_size=abc"),
    ("GET", "/api/v1/athletes/?therapist=99999999999999999999999"),
    ("GET", "/api/v1/athletes/?therapist=-1"),
    ("GET", "/api/v1/athletes/?search=%00"),
    ("GET", "/api/v1/athletes/?search=" + "x" * 5000),
    ("GET", "/api/v1/athletes/?search=%F0%9F%8F%83%E2%80%8D%E2%99%80%EF%B8%8F"),
    ("GET", "/api/v1/athletes/?search=%27%3B%20DROP%20TABLE%20athletes_athlete%3B--"),
    ("GET", "/api/v1/athletes/?stage=%00"),
    ("GET", "/api/v1/athletes/?recommendation=%00"),
    ("GET", "/api/v1/athletes/?status=active&status=discharged"),
    ("GET", "/api/v1/athletes/{athlete}/sessions/?date_after=99999-01-01"),
    ("GET", "/api/v1/athletes/{athlete}/sessions/?date_after=0000-01-01"),
    ("GET", "/api/v1/athletes/{athlete}/sessions/?date_before=%00"),
    ("GET", "/api/v1/athletes/{athlete}/sessions/?activity=%00"),
    ("GET", "/api/v1/athletes/{athlete}/sessions/?page=2"),
    ("PATCH", "/api/v1/athletes/{athlete}/"),
    ("PATCH", "/api/v1/sessions/{session}/"),
    ("POST", "/api/v1/athletes/{athlete}/sessions/"),
    ("POST", "/api/v1/athletes/{athlete}/device-links/"),
    ("POST", "/api/v1/auth/token/"),
]

ODD_BODIES = [
    "",
    "null",
    "0",
    '"text"',
    "{}",
    '{"id": 5, "athlete": 999999999999999999999999}',
    '{"date": "9999-12-31"}',
    '{"date": "0001-01-01", "activity": "walk", "duration_min": 1}',
    '{"duration_min": 1e309}',
    '{"duration_min": 99999999999999999999999999999}',
    '{"incline_percent": "1e5"}',
    '{"distance_km": "1e-7"}',
    '{"client_id": 340282366920938463463374607431768211456}',
    '{"client_id": -1}',
    '{"therapist": 99999999999999999999999}',
    '{"therapist": -1}',
    '{"email": "a@' + "b" * 300 + '.example"}',
    '{"notes": "\\u0000"}',
    '{"first_name": "\\ud800"}',
    '{"expires_in_days": 1e400}',
    '{"password": null, "email": null}',
    "[" * 2000 + "]" * 2000,
]


ODD_CASES = [
    pytest.param(method, path, body, id=f"{method} {path} body{i}")
    for method, path in ODD_REQUESTS
    for i, body in enumerate(ODD_BODIES if method != "GET" else [""])
]


@pytest.mark.parametrize(("method", "path", "body"), ODD_CASES)
def test_nothing_answers_500(
    client: APIClient,
    athlete: Athlete,
    session: SessionLog,
    method: str,
    path: str,
    body: str,
) -> None:
    response = client.generic(
        method,
        path.format(athlete=athlete.pk, session=session.pk),
        data=body,
        content_type="application/json",
    )

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json"
        assert isinstance(response.json(), dict)
