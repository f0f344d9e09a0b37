"""Completed LEFS responses for the tests, written as the phone's services leave them."""

from __future__ import annotations

import datetime as dt

from athletes.models import Athlete, LefsResponse


def answers_for(total: int) -> list[int]:
    """Return 20 answers (0–4) that add up to ``total`` (0–80)."""
    answers = [4] * (total // 4) + ([total % 4] if total % 4 else [])
    return answers + [0] * (20 - len(answers))


def completed_lefs(athlete: Athlete, total: int, at: dt.datetime) -> LefsResponse:
    """Store a LEFS of ``athlete`` completed at ``at`` with ``total``."""
    return LefsResponse.objects.create(
        athlete=athlete,
        source="phone",
        answers=answers_for(total),
        started_at=at - dt.timedelta(minutes=2),
        completed_at=at,
        total=total,
    )
