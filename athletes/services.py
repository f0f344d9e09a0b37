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
from progressions.selectors import next_running_session
from progressions.services import session_neighbours_refresh, session_variables_refresh


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
    """Store one session and its one-variable check; the next session's check follows.

    Raises ``ValidationError`` and writes nothing when any value is invalid.
    """
    session = SessionLog(athlete=athlete, **fields)
    session.full_clean()
    session.save()
    session_neighbours_refresh(session)
    return session


@transaction.atomic
def session_log_update(*, session: SessionLog, **fields: Any) -> SessionLog:
    """Change some fields of a stored session (e.g. ``pain_next_morning`` the day after).

    Recomputes the one-variable check of this session, of the session now after it and of
    the one that followed it before (a changed date can move it). Raises
    ``ValidationError`` and writes nothing when the result would be invalid.
    """
    followed_before = next_running_session(session)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    session_neighbours_refresh(session)
    if followed_before is not None:
        session_variables_refresh(followed_before)
    return session


@transaction.atomic
def session_log_delete(*, session: SessionLog) -> None:
    """Delete a session; the session that followed it is compared with its new previous one."""
    following = next_running_session(session)
    session.delete()
    if following is not None:
        session_variables_refresh(following)


@transaction.atomic
def pain_score_create(*, athlete: Athlete, date: dt.date, score: int, context: str) -> PainScore:
    """Store a daily pain check-in; raise ``ValidationError`` and write nothing if invalid."""
    pain_score = PainScore(athlete=athlete, date=date, score=score, context=context)
    pain_score.full_clean()
    pain_score.save()
    return pain_score
