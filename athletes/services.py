"""Writes for athletes, their sessions and pain check-ins.

Keyword-only, atomic, and validated with ``full_clean()`` so the dashboard, the API, the
phone pages and the demo loader all enforce the same rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import User


@transaction.atomic
def athlete_create(
    *,
    therapist: User,
    first_name: str,
    last_name: str,
    affected_side: str,
    stage_started_on: dt.date | None = None,
    **fields: Any,
) -> Athlete:
    """Create an athlete in the therapist's clinic; the stage starts today unless given.

    ``fields`` are further Athlete fields (email, phone, cadences, gate settings, stage).
    Raises ``ValidationError`` and writes nothing when any value is invalid.
    """
    athlete = Athlete(
        clinic=therapist.clinic,
        therapist=therapist,
        first_name=first_name,
        last_name=last_name,
        affected_side=affected_side,
        stage_started_on=stage_started_on or therapist.clinic.today(),
        **fields,
    )
    if "target_cadence_spm" in fields:
        athlete.target_cadence_is_manual = fields["target_cadence_spm"] is not None
    athlete.full_clean()
    athlete.save()
    return athlete


@transaction.atomic
def session_log_create(*, athlete: Athlete, **fields: Any) -> SessionLog:
    """Store one session for ``athlete``; raise ``ValidationError`` and write nothing if invalid."""
    session = SessionLog(athlete=athlete, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def pain_score_create(*, athlete: Athlete, date: dt.date, score: int, context: str) -> PainScore:
    """Store a daily pain check-in; raise ``ValidationError`` and write nothing if invalid."""
    pain_score = PainScore(athlete=athlete, date=date, score=score, context=context)
    pain_score.full_clean()
    pain_score.save()
    return pain_score
