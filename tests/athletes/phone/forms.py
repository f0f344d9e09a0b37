"""Helpers shared by the tests in this folder: what the phone's log form posts."""

from __future__ import annotations

import uuid
from typing import Any

from athletes.models import Athlete
from tests.support.clock import TODAY


def running_session(athlete: Athlete, **fields: Any) -> dict[str, Any]:
    """A valid phone form post for a flat run today; ``fields`` override or drop (None)."""
    data: dict[str, Any] = {
        "athlete": str(athlete.pk),  # whose page it was posted from
        "date": TODAY.isoformat(),
        "activity": "run",
        "terrain": "flat",
        "surface": "road",
        "duration_min": "25",
        "intensity": "easy",
        "pain_during": "1",
        "pain_after": "1",
        "client_id": str(uuid.uuid4()),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}
