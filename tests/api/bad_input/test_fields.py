"""Each field's bad values: a 400 naming the field, nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.bad_input.bodies import (
    ABSENT,
    ENDPOINTS,
    _field_cases,
    assert_refused,
    url,
)


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
