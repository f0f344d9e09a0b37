"""The schema documents reading a watch file honestly, and file_sha256 on the sessions POST.

Every real recording's answer is checked against the documented 200 response (the same
validation schemathesis applies to every answer in ``tests/api/test_schema_fuzz.py``), so
the schema cannot drift from what the endpoint answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from rest_framework.test import APIClient
from schemathesis.core.transport import Response as SchemathesisResponse

from athletes.api.session_files import READ_EXAMPLE
from athletes.models import Athlete
from tests.api.session_files.calls import READABLE, session_files_url, upload

PATH = "/api/v1/athletes/{athlete_pk}/session-files/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict[str, Any]:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def component(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_the_request_is_a_multipart_body_with_one_file(schema: dict[str, Any]) -> None:
    body = schema["paths"][PATH]["post"]["requestBody"]

    assert body["required"] is True
    assert list(body["content"]) == ["multipart/form-data"]
    request = component(schema, body["content"]["multipart/form-data"]["schema"])
    assert request["properties"]["file"]["type"] == "string"
    assert request["properties"]["file"]["format"] == "binary"
    assert request["required"] == ["file"]


def test_the_answers_are_documented_with_an_example_of_each(schema: dict[str, Any]) -> None:
    responses = schema["paths"][PATH]["post"]["responses"]

    assert {"200", "400", "401", "403", "404"} <= set(responses)
    ok = responses["200"]["content"]["application/json"]
    assert [example["value"] for example in ok["examples"].values()] == [READ_EXAMPLE]
    refused = responses["400"]["content"]["application/json"]["examples"]
    assert [list(example["value"]) for example in refused.values()] == [["file"]]
    read = component(schema, ok["schema"])
    assert set(read["properties"]) == {"session", "file_sha256", "summary"}


def test_the_summary_describes_its_main_keys(schema: dict[str, Any]) -> None:
    summary = schema["components"]["schemas"]["WatchSummary"]["properties"]

    for key in ("started_at", "moving_min", "elevation_source", "mean_grade_percent",
                "has_positions", "run_share", "notes", "intervals"):  # fmt: skip
        assert summary[key].get("description"), f"summary.{key} is not described"
    assert {"cadence", "laps", "ascent_m", "descent_m", "distance_km"} <= set(summary)


def test_file_sha256_is_described_on_the_sessions_post_and_read_only_after(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    post = components["SessionLogRequest"]["properties"]["file_sha256"]
    shown = components["SessionLog"]["properties"]["file_sha256"]

    assert "session-files" in post["description"]
    assert post["pattern"] == "^[0-9a-f]{64}$"
    assert post["nullable"] is True
    assert (shown["readOnly"], shown["nullable"]) == (True, True)
    assert "file_sha256" not in components["PatchedSessionLogRequest"]["properties"]
    create = schema["paths"]["/api/v1/athletes/{athlete_pk}/sessions/"]["post"]
    assert "watch file" in create["responses"]["200"]["description"]


@pytest.mark.parametrize("path", READABLE, ids=[path.name for path in READABLE])
def test_every_real_answer_conforms_to_the_documented_schema(
    client: APIClient, athlete: Athlete, schema: dict[str, Any], path: Path
) -> None:
    operation = schemathesis.openapi.from_dict(schema)[PATH]["POST"]
    answer = upload(client, athlete, path.read_bytes())
    assert answer.status_code == 200, answer.content

    request = requests.Request("POST", f"http://testserver{session_files_url(athlete)}")
    operation.validate_response(  # raises on any difference from the documented answer
        SchemathesisResponse(
            status_code=answer.status_code,
            headers={"content-type": [answer["Content-Type"]]},
            content=answer.content,
            request=request.prepare(),
            elapsed=0.0,
            verify=False,
        )
    )
