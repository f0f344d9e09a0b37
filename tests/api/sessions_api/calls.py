"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connections

from athletes.models import Athlete

TODAY = dt.date(2026, 3, 4)  # a Wednesday; the clinic is in London


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


WALK = {
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": "8.0",
    "duration_min": 30,
    "intensity": "easy",
    "pain_during": 1,
    "pain_after": 1,
}


def sessions_url(athlete: Athlete, query: str = "") -> str:
    return f"/api/v1/athletes/{athlete.pk}/sessions/" + (f"?{query}" if query else "")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@contextlib.contextmanager
def shared_by_threads(tmp_path: Path) -> Iterator[None]:
    """Let other threads write to the test database at the same time as this one.

    PostgreSQL: nothing to do. SQLite: the test database lives in memory with a shared
    cache, which refuses a second writer at once ("database table is locked") instead of
    waiting; production uses a file, where the second writer waits for the first. So run
    on a file copy of the test database, as production would, and put memory back after.
    """
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(tmp_path / "concurrent.sqlite3")
    memory.backup(copy)
    copy.close()
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(tmp_path / "concurrent.sqlite3")
    connection.connection = None  # keep the in-memory one open: closing it would drop it
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original_name
        connection.connection = memory
