"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from athletes.models import Athlete, DeviceLink, PainScore, SessionLog
from progressions.models import StageChange, StageReview

TODAY = dt.date(2026, 3, 4)  # a Wednesday; the clinic is in London
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()
ABSENT = object()  # drop the key from the body
NUL = "Sam\x00Okafor"


TABLES = (Athlete, SessionLog, PainScore, StageChange, StageReview, DeviceLink)


def row_counts() -> dict[str, int]:
    """Return the number of rows of every table the API writes to."""
    return {model.__name__: model.objects.count() for model in TABLES}


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
