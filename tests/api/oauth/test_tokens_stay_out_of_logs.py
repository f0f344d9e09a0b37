"""Bearer tokens and client secrets never reach a log line (SPEC §7)."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.services import api_client_create
from itbrehab.logs import REDACTED, redact

pytestmark = pytest.mark.usefixtures("now")


def test_redaction_hides_a_bearer_token_a_secret_and_an_access_token() -> None:
    lines = [
        "GET /api/v1/athletes/ Bearer abcdefghijklmnopqrstuvwxyz012345",
        "body grant_type=client_credentials&client_secret=s3cr3tvalue&scope=read",
        '{"access_token": "AbCdEfGhIjKlMnOpQrStUvWxYz"}',
    ]

    clean = "\n".join(redact(line) for line in lines)

    for secret in ("abcdefghijklmnopqrstuvwxyz012345", "s3cr3tvalue", "AbCdEfGhIjKlMnOpQrStUvWxYz"):
        assert secret not in clean
    assert clean.count(REDACTED) == 3
    assert "grant_type=client_credentials" in clean


def test_a_refused_token_request_logs_neither_id_secret_nor_token(
    admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read"])
    caplog.set_level(logging.DEBUG)

    APIClient().post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": api_client.client_id,
            "client_secret": secret,
            "scope": "write",
        },
        format="multipart",
    )
    answer = (
        APIClient()
        .post(
            "/o/token/",
            {
                "grant_type": "client_credentials",
                "client_id": api_client.client_id,
                "client_secret": secret,
            },
            format="multipart",
        )
        .json()
    )
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {answer['access_token']}")
    bearer.get("/api/v1/audit-events/")  # refused: 403, logged as a warning

    logged = "\\n".join(record.getMessage() for record in caplog.records)
    assert secret not in logged
    assert answer["access_token"] not in logged
