"""The one-variable check stored with each session (SPEC §1), kept true in one place.

Each running-type session stores the variables it changed and the warnings it raised,
compared with the athlete's running-type session recorded just before it. A new session
is stored by :func:`new_session_store` with its check already in the INSERT, after one
read of :func:`sessions_around_new`; an edit or a delete calls
:func:`session_neighbours_refresh` (and :func:`session_variables_refresh`);
``manage.py refresh_session_variables`` calls :func:`athlete_session_variables_refresh`
after the rules change.

Also here: :func:`session_record`, the engine's frozen view of a stored session, which
the progression selectors read too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Subquery

from athletes.models import RUNNING_TYPES, Athlete, SessionLog
from progressions.rules import SessionRecord, changed_variables, session_warnings
from progressions.rules.protocol import Activity, Intensity, Surface, Terrain


def session_record(session: SessionLog) -> SessionRecord:
    """Return the engine's frozen view of a stored session.

    The pk is the recording order; ``created_at`` the recording time, which decides
    whether a session dated on the day of a stage change counts (recorded after it). An
    unsaved session has neither yet (None): enough for ``changed_variables``, which
    compares what was done, not when it was recorded.
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


def _check(session: SessionLog, before: SessionLog | None) -> bool:
    """Set the session's changed variables and warnings against ``before``; True if new."""
    current = session_record(session)
    previous = session_record(before) if before is not None else None
    changed = [str(v) for v in changed_variables(previous, current)]
    warnings = [w.as_dict() for w in session_warnings(previous, current)]
    if (changed, warnings) == (session.changed_variables, session.warnings):
        return False
    session.changed_variables = changed
    session.warnings = warnings
    return True


def _store_variables(session: SessionLog, before: SessionLog | None) -> bool:
    """Store the session's changed variables and warnings against ``before``; True if new."""
    if not _check(session, before):
        return False
    SessionLog.objects.filter(pk=session.pk).update(
        changed_variables=session.changed_variables, warnings=session.warnings
    )
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


@dataclass(frozen=True, slots=True)
class SessionsAround:
    """What storing a new session needs to know, read in one query.

    ``replay``: the session already stored with the new one's ``client_id`` (deleted or
    not) or read from the same watch file (live); ``before``: the running-type session the
    new one follows (its "previous"); ``after``: the running-type session that will follow
    it (whose "previous" it becomes).
    """

    replay: SessionLog | None = None
    before: SessionLog | None = None
    after: SessionLog | None = None


def _first_pk(queryset: QuerySet[SessionLog]) -> Subquery:
    return Subquery(queryset.values("pk")[:1])


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return SessionLog._meta.get_field("date").to_python(value)
    except ValidationError:
        return None  # full_clean() reports it beside the field


def sessions_around_new(session: SessionLog, *, replay_of: uuid.UUID | None) -> SessionsAround:
    """Return the sessions around the unsaved ``session``, in one query (none if nothing to ask).

    With ``replay_of``, the athlete's session stored under that ``client_id``; with a
    ``file_sha256`` on ``session``, the athlete's live session read from that file. For a
    running-type session, the running-type sessions just before and just after its date:
    a new row is recorded after every stored one, so one dated the same day comes before
    it. Each is a scalar subquery on the live sessions' (athlete, date, id) index, so the
    cost does not grow with the history.
    """
    wanted: list[QuerySet[SessionLog]] = []
    if replay_of is not None:
        # A deleted session keeps its client_id: a late retry of it is a replay, not a new one.
        wanted.append(
            SessionLog.all_objects.filter(
                athlete_id=session.athlete_id, client_id=replay_of
            ).order_by()
        )
    if session.file_sha256:
        # The same watch file again: the live session read from it (once deleted, a new
        # import of the file is a new session).
        wanted.append(
            SessionLog.objects.filter(
                athlete_id=session.athlete_id, file_sha256=session.file_sha256
            ).order_by()
        )
    day = _date_or_none(session.date)
    if session.is_running_type and day is not None:
        running = SessionLog.objects.filter(
            athlete_id=session.athlete_id, activity__in=RUNNING_TYPES
        )
        wanted.append(running.filter(date__lte=day).order_by("-date", "-id"))
        wanted.append(running.filter(date__gt=day).order_by("date", "id"))
    if not wanted:
        return SessionsAround()
    condition = Q()
    for queryset in wanted:
        condition |= Q(pk=_first_pk(queryset))
    replay = before = after = None
    for row in SessionLog.all_objects.filter(condition).order_by():
        if (replay_of is not None and str(row.client_id) == str(replay_of)) or (
            session.file_sha256 and row.file_sha256 == session.file_sha256 and not row.deleted_at
        ):
            replay = row
        elif day is not None and row.date <= day:
            before = row
        else:
            after = row
    return SessionsAround(replay=replay, before=before, after=after)


def new_session_store(session: SessionLog, around: SessionsAround) -> None:
    """INSERT the validated, unsaved ``session`` with its check; re-check the one after it.

    The changed variables go in the INSERT. A warning names its session, whose id exists
    only after the INSERT, so a warned session is completed by one UPDATE, which also
    carries the following session's new check if it changed (a session logged before an
    existing one): at most one statement after the INSERT, none for most sessions.
    Call inside a transaction.
    """
    _check(session, around.before)
    session.save(force_insert=True)
    stale = []
    if session.warnings:
        _check(session, around.before)  # now with its id
        stale.append(session)
    if around.after is not None and session.is_running_type and _check(around.after, session):
        stale.append(around.after)
    if stale:
        SessionLog.objects.bulk_update(stale, ["changed_variables", "warnings"])
