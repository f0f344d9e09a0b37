"""Bad input gets a 400 naming the field, and changes nothing (SPEC §2, §3).

Every writable field of every write endpoint is tried with a wrong type, values just
outside both ends of its range, null where null is not allowed, missing when required,
too long, with a NUL character, an unknown choice and a date in the future; then the
body itself: malformed JSON, a JSON array, form encoding (415). After each request the
row count of every table is what it was, and a PATCHed row still holds its old values.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.forms.models import model_to_dict
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.models import Athlete, DeviceLink, PainScore, SessionLog
from itbrehab.accounts.models import User
from progressions import services as progression_services
from progressions.models import StageChange, StageReview
from tests.factories import AthleteFactory, SessionLogFactory

TODAY = dt.date(2026, 3, 4)  # a Wednesday; the clinic is in London
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()
ABSENT = object()  # drop the key from the body
NUL = "Sam\x00Okafor"

TABLES = (Athlete, SessionLog, PainScore, StageChange, StageReview, DeviceLink)


def row_counts() -> dict[str, int]:
    """Return the number of rows of every table the API writes to."""
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(therapist)[1]}")
    return client


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    """In stage 2 (uphill_jog) since ten days ago, with one earlier change on record."""
    athlete = AthleteFactory(
        therapist=therapist,
        first_name="Sam",
        last_name="Okafor",
        stage_started_on=now - dt.timedelta(days=30),
    )
    progression_services.stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=therapist,
        reason="Walks 45 minutes comfortably.",
        effective_date=now - dt.timedelta(days=10),
    )
    athlete.refresh_from_db()
    return athlete


@pytest.fixture
def session(athlete: Athlete, now: dt.date) -> SessionLog:
    """A walk–run, so every interval field may be PATCHed."""
    return SessionLogFactory(
        athlete=athlete,
        date=now - dt.timedelta(days=2),
        activity="walk_run",
        run_interval_sec=60,
        walk_interval_sec=120,
        repeats=5,
    )


# --- The endpoints and a valid body for each -----------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {athlete} and {session} placeholders
    valid: dict[str, Any] = field(default_factory=dict)  # merged under each bad value


VALID_SESSION = {
    "date": YESTERDAY,
    "activity": "walk_run",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": "6.0",
    "duration_min": 30,
    "run_interval_sec": 60,
    "walk_interval_sec": 120,
    "repeats": 5,
    "intensity": "easy",
    "cadence_spm": 170,
    "pain_before": 0,
    "pain_during": 1,
    "pain_after": 1,
    "notes": "Felt fine.",
}

ENDPOINTS = {
    e.name: e
    for e in (
        Endpoint(
            "athlete-create",
            "POST",
            "/api/v1/athletes/",
            {"first_name": "Noor", "last_name": "Haddad", "affected_side": "right"},
        ),
        Endpoint("athlete-patch", "PATCH", "/api/v1/athletes/{athlete}/"),
        Endpoint("session-create", "POST", "/api/v1/athletes/{athlete}/sessions/", VALID_SESSION),
        # A PATCH says which version it is based on (428 without): the session's first.
        Endpoint("session-patch", "PATCH", "/api/v1/sessions/{session}/", {"version": 1}),
        Endpoint(
            "pain-score-create",
            "POST",
            "/api/v1/athletes/{athlete}/pain-scores/",
            {"date": YESTERDAY, "score": 2, "context": "morning"},
        ),
        Endpoint(
            "stage-change-create",
            "POST",
            "/api/v1/athletes/{athlete}/stage-changes/",
            {"to_stage": "uphill_walk", "reason": "Sore again."},
        ),
        Endpoint(
            "review-create",
            "POST",
            "/api/v1/athletes/{athlete}/reviews/",
            {"decision": "hold", "note": "One more week."},
        ),
        Endpoint("device-link-create", "POST", "/api/v1/athletes/{athlete}/device-links/"),
    )
}


# --- What each field accepts ----------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A writable field: its kind and limits, from SPEC §2 and the model."""

    name: str
    kind: str  # text, int, decimal, choice, date, bool, uuid, email, id
    low: Any = None
    high: Any = None
    step: Any = 1  # the smallest step past a bound
    max_length: int | None = None
    required: bool = False
    nullable: bool = False
    future_ok: bool = True


PAIN = {"kind": "int", "low": 0, "high": 10, "nullable": True}

FIELDS: dict[str, list[Field]] = {
    "athlete": [
        Field("first_name", "text", max_length=100, required=True),
        Field("last_name", "text", max_length=100, required=True),
        Field("email", "email", max_length=254),
        Field("phone", "text", max_length=32),
        Field("affected_side", "choice", required=True),
        Field("preferred_cadence_spm", "int", 120, 220, nullable=True),
        Field("target_cadence_spm", "int", 120, 230, nullable=True),
        Field("walk_gate_minutes", "int", 30, 45),
        Field("gate_pain_max", "int", 0, 3),
        Field("distance_unit", "choice"),
        Field("status", "choice"),
        Field("stage", "choice"),
        Field("stage_started_on", "date", future_ok=False),
        Field("therapist", "id"),
    ],
    "session": [
        Field("date", "date", required=True, future_ok=False),
        Field("activity", "choice", required=True),
        Field("terrain", "choice"),  # null: required for walk_run (cross-field)
        Field("surface", "choice", nullable=True),
        Field("incline_percent", "decimal", "0", "15", step="0.1", nullable=True),
        Field("duration_min", "int", 1, 300, required=True),
        Field("distance_km", "decimal", "0", "200", step="0.01", nullable=True),
        Field("run_interval_sec", "int", 1, 3600),  # null: intervals come as a set
        Field("walk_interval_sec", "int", 1, 3600),
        Field("repeats", "int", 1, 100),
        Field("intensity", "choice", nullable=True),
        Field("cadence_spm", "int", 100, 230, nullable=True),
        Field("pain_before", **PAIN),
        Field("pain_during", "int", 0, 10),  # null: required for running types
        Field("pain_after", **PAIN),
        Field("pain_next_morning", **PAIN),
        Field("stopped_early", "bool"),
        Field("notes", "text", max_length=2000),
        Field("source", "choice"),
        Field("client_id", "uuid", nullable=True),
        Field("version", "int", 1, 2**31 - 1),
    ],
    "pain-score": [
        Field("date", "date", required=True, future_ok=False),
        Field("score", "int", 0, 10, required=True),
        Field("context", "choice"),
    ],
    "stage-change": [
        Field("to_stage", "choice", required=True),
        Field("reason", "text", max_length=2000),
        Field("effective_date", "date", future_ok=False),
    ],
    "review": [
        Field("decision", "choice", required=True),
        Field("note", "text", max_length=2000),
        Field("back_off_to", "choice"),
    ],
    "device-link": [Field("expires_in_days", "int", 1, 365)],
}

ENDPOINT_FIELDS = {
    "athlete-create": "athlete",
    "athlete-patch": "athlete",
    "session-create": "session",
    "session-patch": "session",
    "pain-score-create": "pain-score",
    "stage-change-create": "stage-change",
    "review-create": "review",
    "device-link-create": "device-link",
}


def _step_past(value: Any, step: Any, sign: int) -> Any:
    if isinstance(value, str):  # a decimal, sent as a string like clients do
        from decimal import Decimal

        return str(Decimal(value) + sign * Decimal(step))
    return value + sign * step


def bad_values(f: Field, creating: bool) -> list[tuple[str, Any]]:
    """Return (label, value) pairs that ``f`` must refuse."""
    values: list[tuple[str, Any]] = []
    wrong_type = {
        "text": [["Sam"], {"name": "Sam"}, True],
        "email": [["pt@x.example"], "not-an-email"],
        "int": ["twelve", [5], "1.5", True],
        "decimal": ["steep", [5], "NaN", "Infinity"],
        "choice": [["left"], {"v": 1}, 3],
        "date": ["yesterday", 20260301, "2026-02-30", "03/04/2026", "2026-03-01T10:00:00"],
        "bool": ["maybe", [True], 2],
        "uuid": ["not-a-uuid", [1], "1234"],
        "id": ["Alex", [1], 1.5],
    }[f.kind]
    values += [(f"wrong-type-{i}", v) for i, v in enumerate(wrong_type)]
    if f.low is not None:
        values.append(("below-range", _step_past(f.low, f.step, -1)))
        values.append(("above-range", _step_past(f.high, f.step, +1)))
    if not f.nullable:
        values.append(("null", None))
    if f.required and creating:
        values.append(("missing", ABSENT))
    if f.max_length is not None:
        values.append(("too-long", "a" * (f.max_length + 1)))
    if f.kind in ("text", "email"):
        values.append(("nul-byte", NUL if f.kind == "text" else "pt\x00@riverside.example"))
    if f.kind == "choice":
        values += [("unknown-choice", "sideways"), ("empty-choice", "")]
    if f.kind == "date" and not f.future_ok:
        values.append(("future", TOMORROW))
    return values


def _field_cases() -> list[Any]:
    cases = []
    for endpoint_name, group in ENDPOINT_FIELDS.items():
        creating = endpoint_name.endswith("-create")
        for f in FIELDS[group]:
            if endpoint_name == "athlete-patch" and f.name in ("stage", "stage_started_on"):
                continue  # refused whatever the value: see test_patching_the_stage_…
            for label, value in bad_values(f, creating):
                cases.append(
                    pytest.param(
                        endpoint_name, f.name, value, id=f"{endpoint_name}-{f.name}-{label}"
                    )
                )
    return cases


# --- Sending and checking --------------------------------------------------------------


def url(endpoint: Endpoint, athlete: Athlete, session: SessionLog) -> str:
    return endpoint.path.format(athlete=athlete.pk, session=session.pk)


def patched_row(endpoint: Endpoint, athlete: Athlete, session: SessionLog) -> dict | None:
    if endpoint.method != "PATCH":
        return None
    model = Athlete if "athlete" in endpoint.name else SessionLog
    pk = athlete.pk if model is Athlete else session.pk
    return model_to_dict(model.objects.get(pk=pk))


def assert_refused(
    client: APIClient,
    endpoint: Endpoint,
    athlete: Athlete,
    session: SessionLog,
    body: Any,
    *,
    raw: str | bytes | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """Send the bad request; assert a 4xx JSON answer and nothing written. Return the JSON."""
    counts, row = row_counts(), patched_row(endpoint, athlete, session)

    response = client.generic(
        endpoint.method,
        url(endpoint, athlete, session),
        data=raw if raw is not None else json.dumps(body),
        content_type=content_type,
    )

    assert response.status_code in (400, 415), response.content
    assert response["Content-Type"] == "application/json"
    assert row_counts() == counts
    assert patched_row(endpoint, athlete, session) == row
    return response.json() | {"_status": response.status_code}


@pytest.mark.parametrize(("endpoint_name", "field_name", "value"), _field_cases())
def test_a_bad_value_answers_400_naming_the_field_and_writes_nothing(
    client: APIClient,
    athlete: Athlete,
    session: SessionLog,
    endpoint_name: str,
    field_name: str,
    value: Any,
) -> None:
    endpoint = ENDPOINTS[endpoint_name]
    body = {**endpoint.valid, field_name: value}
    if value is ABSENT:
        del body[field_name]

    answer = assert_refused(client, endpoint, athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer
    assert all(isinstance(m, str) and m for m in answer[field_name]), answer


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
def test_the_valid_bodies_of_the_matrix_are_accepted(
    client: APIClient, athlete: Athlete, session: SessionLog, endpoint_name: str
) -> None:
    # The bad-value cases above change one field of these bodies: these must pass.
    endpoint = ENDPOINTS[endpoint_name]
    response = client.generic(
        endpoint.method,
        url(endpoint, athlete, session),
        data=json.dumps(endpoint.valid),
        content_type="application/json",
    )

    assert response.status_code in (200, 201), response.content


# --- Bodies that are not a JSON object ---------------------------------------------------


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
@pytest.mark.parametrize(
    ("label", "raw"),
    [
        ("truncated", '{"first_name": "Sam", '),
        ("single-quotes", "{'first_name': 'Sam'}"),
        ("not-json", "first_name=Sam"),
        ("nan", '{"duration_min": NaN}'),
        ("bad-utf8", b'{"first_name": "\xff\xfe"}'),
    ],
)
def test_malformed_json_answers_400_parse_error(
    client: APIClient,
    athlete: Athlete,
    session: SessionLog,
    endpoint_name: str,
    label: str,
    raw: str | bytes,
) -> None:
    answer = assert_refused(client, ENDPOINTS[endpoint_name], athlete, session, None, raw=raw)

    assert answer == {"detail": answer["detail"], "code": "parse_error", "_status": 400}


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
@pytest.mark.parametrize("body", [[], [{"first_name": "Sam"}], "a string", 42, None])
def test_a_body_that_is_not_an_object_answers_400(
    client: APIClient, athlete: Athlete, session: SessionLog, endpoint_name: str, body: Any
) -> None:
    answer = assert_refused(client, ENDPOINTS[endpoint_name], athlete, session, body)

    assert answer.pop("_status") == 400
    assert list(answer) == ["non_field_errors"], answer


@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"],
)
def test_a_body_that_is_not_json_answers_415(
    client: APIClient,
    athlete: Athlete,
    session: SessionLog,
    endpoint_name: str,
    content_type: str,
) -> None:
    answer = assert_refused(
        client,
        ENDPOINTS[endpoint_name],
        athlete,
        session,
        None,
        raw="first_name=Sam&last_name=Okafor&affected_side=left",
        content_type=content_type,
    )

    assert answer == {
        "detail": answer["detail"],
        "code": "unsupported_media_type",
        "_status": 415,
    }


# --- Rules across fields (SPEC §1–§3) ----------------------------------------------------


INTERVALS = ("run_interval_sec", "walk_interval_sec", "repeats")
WALK = {**{k: v for k, v in VALID_SESSION.items() if k not in INTERVALS}, "activity": "walk"}


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        *(
            pytest.param({**WALK, "activity": a, "terrain": None}, "terrain", id=f"{a}-no-terrain")
            for a in ("walk", "run")
        ),
        pytest.param({**VALID_SESSION, "terrain": None}, "terrain", id="walk_run-no-terrain"),
        *(
            pytest.param(
                {**WALK, "activity": a, "pain_during": None}, "pain_during", id=f"{a}-no-pain"
            )
            for a in ("walk", "run")
        ),
        pytest.param({**VALID_SESSION, "pain_during": None}, "pain_during", id="walk_run-no-pain"),
        pytest.param(
            {
                **VALID_SESSION,
                "duration_min": 14,
                "run_interval_sec": 60,
                "walk_interval_sec": 120,
                "repeats": 5,
            },
            "repeats",
            id="intervals-longer-than-the-session",
        ),
        *(
            pytest.param(
                {**VALID_SESSION, "activity": a, "terrain": "flat", "pain_during": 1},
                "run_interval_sec",
                id=f"intervals-on-{a}",
            )
            for a in ("walk", "run", "cross_training", "strength")
        ),
        pytest.param({**VALID_SESSION, "repeats": None}, "repeats", id="intervals-incomplete"),
    ],
)
def test_a_session_breaking_a_rule_across_fields_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["session-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


def test_the_interval_total_may_equal_the_duration(client: APIClient, athlete: Athlete) -> None:
    body = {**VALID_SESSION, "duration_min": 15}  # (60 + 120) s × 5 = 15 min exactly

    response = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("patch", "field_name"),
    [
        ({"activity": "walk"}, "run_interval_sec"),  # intervals stay: only for walk_run
        ({"duration_min": 10}, "repeats"),  # 15 min of intervals in 10
        ({"terrain": None}, "terrain"),
        ({"pain_during": None}, "pain_during"),
        ({"date": TOMORROW}, "date"),
        ({"client_id": "5f0c2b8e-3f5a-4a3e-9a57-3f3b0f1f7c11"}, "client_id"),
    ],
    ids=["activity", "duration", "terrain", "pain_during", "date", "client_id"],
)
def test_a_patch_that_breaks_a_session_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, patch: dict, field_name: str
) -> None:
    endpoint = ENDPOINTS["session-patch"]
    answer = assert_refused(client, endpoint, athlete, session, {**endpoint.valid, **patch})

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"to_stage": "hills_trails", "reason": "Doing great."}, "to_stage"),  # skips flat_run
        ({"to_stage": "full_training", "reason": "Doing great."}, "to_stage"),
        ({"to_stage": "uphill_jog"}, "reason"),  # a restart, with no reason
        ({"to_stage": "uphill_jog", "reason": " "}, "reason"),
        ({"to_stage": "flat_run"}, "reason"),  # against a hold recommendation, no reason
        ({"to_stage": "flat_run", "reason": "   "}, "reason"),
        ({"to_stage": "uphill_walk", "effective_date": "2026-02-20"}, "effective_date"),
        ({"to_stage": "uphill_walk", "effective_date": TOMORROW}, "effective_date"),
    ],
    ids=[
        "skips-a-stage",
        "skips-to-the-end",
        "restart-without-reason",
        "restart-with-blank-reason",
        "advance-without-reason",
        "advance-with-blank-reason",
        "before-the-previous-change",
        "future",
    ],
)
def test_a_stage_change_breaking_a_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["stage-change-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer
    assert Athlete.objects.get(pk=athlete.pk).stage == "uphill_jog"


def test_a_discharged_athlete_cannot_change_stage(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    answer = assert_refused(
        client, ENDPOINTS["stage-change-create"], athlete, session, {"to_stage": "uphill_walk"}
    )

    assert answer.pop("_status") == 400
    assert "to_stage" in answer


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"decision": "advance"}, "note"),  # against a hold recommendation, no note
        ({"decision": "back_off", "back_off_to": "flat_run"}, "back_off_to"),  # later
        ({"decision": "back_off", "back_off_to": "uphill_jog"}, "note"),  # restart, no note
    ],
    ids=["advance-without-note", "back-off-forward", "restart-without-note"],
)
def test_a_review_breaking_a_rule_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, body: dict, field_name: str
) -> None:
    answer = assert_refused(client, ENDPOINTS["review-create"], athlete, session, body)

    assert answer.pop("_status") == 400
    assert field_name in answer, answer


def test_a_second_review_in_one_week_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    path = f"/api/v1/athletes/{athlete.pk}/reviews/"
    assert client.post(path, {"decision": "hold"}).status_code == 201

    answer = assert_refused(
        client, ENDPOINTS["review-create"], athlete, session, {"decision": "hold"}
    )

    assert answer.pop("_status") == 400
    assert "decision" in answer


def test_a_discharged_athlete_gets_no_phone_link(
    client: APIClient, athlete: Athlete, session: SessionLog
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    answer = assert_refused(client, ENDPOINTS["device-link-create"], athlete, session, {})

    assert answer.pop("_status") == 400
    assert answer  # names why


@pytest.mark.parametrize(
    "patch",
    [
        {"stage": "flat_run"},
        {"stage": "uphill_walk"},
        {"stage_started_on": "2026-03-01"},
        {"stage": "flat_run", "stage_started_on": "2026-03-01"},
    ],
)
def test_patching_the_stage_of_an_athlete_is_refused(
    client: APIClient, athlete: Athlete, session: SessionLog, patch: dict
) -> None:
    answer = assert_refused(client, ENDPOINTS["athlete-patch"], athlete, session, patch)

    assert answer.pop("_status") == 400
    assert set(answer) & set(patch), answer


def test_patching_the_stage_to_its_current_value_changes_nothing(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.patch(
        f"/api/v1/athletes/{athlete.pk}/",
        {"stage": athlete.stage, "stage_started_on": athlete.stage_started_on.isoformat()},
    )

    assert response.status_code == 200, response.content


def test_the_recommendation_is_read_only(client: APIClient, athlete: Athlete) -> None:
    response = client.patch(f"/api/v1/athletes/{athlete.pk}/", {"recommendation": "advance"})

    assert response.status_code == 200
    assert response.json()["recommendation"] == "hold"


def test_a_future_date_is_judged_in_the_clinics_time_zone(
    client: APIClient, athlete: Athlete, time_machine: Any
) -> None:
    # 00:30 in London on the 5th is still the 4th in UTC−: the 5th is "today" here.
    time_machine.move_to(dt.datetime(2026, 3, 5, 0, 30, tzinfo=dt.UTC), tick=False)
    body = {**VALID_SESSION, "date": "2026-03-05"}

    response = client.post(f"/api/v1/athletes/{athlete.pk}/sessions/", body)

    assert response.status_code == 201, response.content


def test_a_future_date_for_a_clinic_behind_utc(outsider: User, time_machine: Any) -> None:
    # 03:00 UTC on the 5th is still the 4th in Los Angeles: the 5th is the future there.
    time_machine.move_to(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC), tick=False)
    athlete = AthleteFactory(therapist=outsider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(outsider)[1]}")

    response = client.post(
        f"/api/v1/athletes/{athlete.pk}/pain-scores/", {"date": "2026-03-05", "score": 1}
    )

    assert response.status_code == 400
    assert "date" in response.json()
    assert not PainScore.objects.exists()
