"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import re
from typing import Any

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.models import StageChange, StageReview
from tests.support.clock import days_ago
from tests.support.sessions import walk


def gate_met(athlete: Athlete) -> None:
    """Two tolerated 30-minute uphill walks: the engine recommends advance."""
    walk(athlete, 4)
    walk(athlete, 2)


def written() -> tuple[int, int, int]:
    """Return the counts a refused decision must leave alone."""
    return (
        StageChange.objects.count(),
        StageReview.objects.exclude(decision="").count(),
        StageReview.objects.count(),
    )


def html_of(response: Any) -> str:
    return response.content.decode()


def field_error(html: str, field: str) -> str:
    """Return the error shown beside the form field ``field`` ("" if none)."""
    match = re.search(rf'<p class="error" id="id_{field}_error" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else ""


def assert_errors_are_announced_with_their_field(html: str, field: str) -> None:
    """The field is marked invalid and points at its error (and help) by id."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert f"id_{field}_error" in described
    for element_id in described:
        assert f'id="{element_id}"' in html


def form_errors(html: str) -> str:
    """Return the errors shown above a form ("" if none)."""
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, flags=re.S)
    return match.group(1) if match else ""


def settings_data(athlete: Athlete, **changes: Any) -> dict[str, Any]:
    data = {
        "walk_gate_minutes": athlete.walk_gate_minutes,
        "gate_pain_max": athlete.gate_pain_max,
        "preferred_cadence_spm": athlete.preferred_cadence_spm or "",
        "target_cadence_spm": "",
        "distance_unit": athlete.distance_unit,
        "planned_sessions_per_week": athlete.planned_sessions_per_week,
    }
    data.update(changes)
    return data


def athlete_data(pt_user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": "Lena",
        "last_name": "Fischer",
        "email": "lena@example.com",
        "phone": "+44 7700 900456",
        "affected_side": "right",
        "therapist": pt_user.pk,
        "preferred_cadence_spm": "160",
        "distance_unit": "km",
        "stage": "uphill_walk",
        "stage_started_on": "",
    }
    data.update(changes)
    return data


def session_data(**changes: Any) -> dict[str, Any]:
    data = {
        "date": days_ago(1).isoformat(),
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "incline_percent": "8.0",
        "duration_min": "35",
        "distance_km": "",
        "run_interval_sec": "",
        "walk_interval_sec": "",
        "repeats": "",
        "intensity": "easy",
        "cadence_spm": "",
        "pain_before": "0",
        "pain_during": "1",
        "pain_after": "1",
        "pain_next_morning": "",
        "notes": "Phoned in: felt fine.",
    }
    data.update(changes)
    return data
