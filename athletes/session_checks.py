"""The one-variable check stored with each session (SPEC §1), kept true in one place.

Each running-type session stores the variables it changed and the warnings it raised,
compared with the athlete's running-type session recorded just before it. The session
services call :func:`session_neighbours_refresh` (and :func:`session_variables_refresh`)
whenever a session is saved, edited or deleted; ``manage.py refresh_session_variables``
calls :func:`athlete_session_variables_refresh` after the rules change.

Also here: :func:`session_record`, the engine's frozen view of a stored session, which
the progression selectors read too.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from athletes.models import RUNNING_TYPES, Athlete, SessionLog
from progressions.rules import SessionRecord, changed_variables, session_warnings
from progressions.rules.protocol import Activity, Intensity, Surface, Terrain


def session_record(session: SessionLog) -> SessionRecord:
    """Return the engine's frozen view of a stored session.

    The pk is the recording order; ``created_at`` the recording time, which decides
    whether a session dated on the day of a stage change counts (recorded after it).
    """
    return SessionRecord(
        id=session.pk,
        date=session.date,
        recorded_seq=session.pk,
        activity=Activity(session.activity),
        terrain=Terrain(session.terrain) if session.terrain else None,
        surface=Surface(session.surface) if session.surface else None,
        incline_percent=(
            Decimal(session.incline_percent) if session.incline_percent is not None else None
        ),
        duration_min=session.duration_min,
        distance_km=Decimal(session.distance_km) if session.distance_km is not None else None,
        run_interval_sec=session.run_interval_sec,
        walk_interval_sec=session.walk_interval_sec,
        repeats=session.repeats,
        intensity=Intensity(session.intensity) if session.intensity else None,
        cadence_spm=session.cadence_spm,
        pain_before=session.pain_before,
        pain_during=session.pain_during,
        pain_after=session.pain_after,
        pain_next_morning=session.pain_next_morning,
        stopped_early=session.stopped_early,
        recorded_at=session.created_at,
    )


def previous_running_log(session: SessionLog) -> SessionLog | None:
    """Return the athlete's running-type session stored just before ``session``.

    The ORM twin of the rules' ``previous_running_session``, which searches a list.
    """
    return (
        SessionLog.objects.filter(athlete_id=session.athlete_id, activity__in=RUNNING_TYPES)
        .filter(Q(date__lt=session.date) | Q(date=session.date, id__lt=session.pk))
        .order_by("-date", "-id")
        .first()
    )


def next_running_log(session: SessionLog) -> SessionLog | None:
    """Return the athlete's running-type session stored just after ``session``."""
    return (
        SessionLog.objects.filter(athlete_id=session.athlete_id, activity__in=RUNNING_TYPES)
        .filter(Q(date__gt=session.date) | Q(date=session.date, id__gt=session.pk))
        .order_by("date", "id")
        .first()
    )


def session_variables_refresh(session: SessionLog) -> None:
    """Store the session's changed variables and warnings against the one before it."""
    _store_variables(session, previous_running_log(session))


def _store_variables(session: SessionLog, before: SessionLog | None) -> bool:
    """Store the session's changed variables and warnings against ``before``; True if new."""
    current = session_record(session)
    previous = session_record(before) if before is not None else None
    changed = [str(v) for v in changed_variables(previous, current)]
    warnings = [w.as_dict() for w in session_warnings(previous, current)]
    if (changed, warnings) == (session.changed_variables, session.warnings):
        return False
    session.changed_variables = changed
    session.warnings = warnings
    SessionLog.objects.filter(pk=session.pk).update(changed_variables=changed, warnings=warnings)
    return True


def athlete_session_variables_refresh(*, athlete: Athlete) -> int:
    """Recompute every stored one-variable check of the athlete; return how many changed.

    For after the rules change (``manage.py refresh_session_variables``): the checks are
    stored with each session when it is written, so older rows keep the old rules' answer
    until refreshed. Reads the athlete's sessions once, in recording order.
    """
    updated = 0
    previous_running: SessionLog | None = None
    for session in SessionLog.objects.filter(athlete=athlete).order_by("date", "id"):
        updated += _store_variables(session, previous_running if session.is_running_type else None)
        if session.is_running_type:
            previous_running = session
    return updated


def session_neighbours_refresh(session: SessionLog) -> None:
    """Refresh ``session`` and the running-type session after it (whose 'previous' it is)."""
    session_variables_refresh(session)
    following = next_running_log(session)
    if following is not None:
        session_variables_refresh(following)
