"""/healthz answers 200 when the database and the broker answer, 503 naming what does not."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from itbrehab.celery import app as celery_app


def test_healthz_is_ok_when_database_and_broker_answer(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_names_an_unreachable_broker(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1: a real connection attempt that is refused.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unreachable"}


def test_healthz_names_an_unreachable_database(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unreachable", "broker": "ok"}


def test_healthz_takes_no_post(client: Client, db: None) -> None:
    assert client.post("/healthz").status_code == 405
