"""Bodies that are not a JSON object: a 400 or 415, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.bad_input.bodies import (
    ENDPOINTS,
    assert_refused,
)


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
