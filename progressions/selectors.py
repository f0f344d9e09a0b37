"""Reads that evaluate progressions: rows in, the pure engine's ``Progression`` out.

Both selectors run a fixed number of queries whatever the history length and however
many athletes: one for the sessions that can count (since the stage began, and the last
14 days for the pain trend) together with each athlete's last running-type session
before that (what the one-variable check and the suggestion compare with), one for the
pain check-ins of the last 14 days.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import F, Value, Window
from django.db.models.functions import Least, RowNumber

from athletes.models import RUNNING_TYPES, Athlete, PainScore, SessionLog
from athletes.session_checks import session_record
from progressions.rules import (
    AthleteSettings,
    PainScoreRecord,
    Progression,
    SessionRecord,
    SuggestedSession,
    evaluate,
)
from progressions.rules.protocol import GATE_WINDOW_DAYS, StageCode


def athlete_settings(athlete: Athlete) -> AthleteSettings:
    """Return the engine's view of the athlete's PT-adjustable settings."""
    return AthleteSettings(
        walk_gate_minutes=athlete.walk_gate_minutes,
        gate_pain_max=athlete.gate_pain_max,
        preferred_cadence_spm=athlete.preferred_cadence_spm,
        target_cadence_spm=athlete.target_cadence_spm,
        first_name=athlete.first_name,
    )


def _window_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=GATE_WINDOW_DAYS - 1)


def engine_inputs(
    athlete_ids: Sequence[int], today: dt.date
) -> tuple[dict[int, list[SessionRecord]], dict[int, list[PainScoreRecord]]]:
    """Load what the engine reads for these athletes on ``today``, in two queries.

    The sessions that can count and each athlete's last running-type session before them
    come in one (a UNION ALL), the pain check-ins in the other.

    What is loaded for ``today`` also serves any later day while nothing new arrives:
    the windows only move forward, over rows already loaded (``progressions.stored``
    relies on it to find until when an answer holds).
    """
    window_start = _window_start(today)
    # Each athlete's own cut-off: the earlier of the stage start and the 14-day window.
    cutoff = Least(F("athlete__stage_started_on"), Value(window_start))
    recent = SessionLog.objects.filter(
        athlete_id__in=athlete_ids, date__gte=cutoff, date__lte=today
    )
    before = (
        SessionLog.objects.filter(
            athlete_id__in=athlete_ids, activity__in=RUNNING_TYPES, date__lt=cutoff
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("athlete_id")],
                order_by=[F("date").desc(), F("id").desc()],
            )
        )
        .filter(newest=1)
    )
    sessions: dict[int, list[SessionRecord]] = defaultdict(list)
    # SQLite (the embedded default) takes no window-ordered subquery in a UNION: there
    # the two halves are two queries.
    loaded = (
        recent.annotate(newest=Value(1)).union(before, all=True)
        if connection.features.supports_slicing_ordering_in_compound
        else [*recent, *before]
    )
    for session in loaded:
        sessions[session.athlete_id].append(session_record(session))
    scores: dict[int, list[PainScoreRecord]] = defaultdict(list)
    for score in PainScore.objects.filter(
        athlete_id__in=athlete_ids, date__gte=window_start, date__lte=today
    ).only("athlete_id", "date", "score", "context", "created_at"):
        scores[score.athlete_id].append(
            PainScoreRecord(
                date=score.date,
                score=score.score,
                context=score.context,
                recorded_at=score.created_at,
            )
        )
    return sessions, scores


@dataclass
class EngineRow:
    """One athlete as stored now, the generation of its stored progression (None: no
    row) and what the engine reads for it: read together, at one moment. ``announced``:
    the row's ``announced_key`` (what ``progression.changed`` last announced)."""

    athlete: Athlete
    generation: int | None
    sessions: list[SessionRecord]
    scores: list[PainScoreRecord]
    announced: str = ""


_ENGINE_ROWS_SQL = f"""
SELECT a.*, sp.generation AS engine_generation, sp.announced_key AS engine_announced,
  (SELECT COALESCE(json_agg(to_jsonb(s)), '[]'::json) FROM {SessionLog._meta.db_table} s
     WHERE s.athlete_id = a.id AND s.deleted_at IS NULL
       AND s.date >= LEAST(a.stage_started_on, %s) AND s.date <= %s
  ) AS engine_sessions,
  (SELECT to_jsonb(b) FROM {SessionLog._meta.db_table} b
     WHERE b.athlete_id = a.id AND b.deleted_at IS NULL AND b.activity = ANY(%s)
       AND b.date < LEAST(a.stage_started_on, %s)
     ORDER BY b.date DESC, b.id DESC LIMIT 1
  ) AS engine_before,
  (SELECT COALESCE(json_agg(json_build_object(
       'date', p.date, 'score', p.score, 'context', p.context, 'created_at', p.created_at
     )), '[]'::json) FROM {PainScore._meta.db_table} p
     WHERE p.athlete_id = a.id AND p.date >= %s AND p.date <= %s
  ) AS engine_scores
FROM {Athlete._meta.db_table} a
LEFT JOIN progressions_storedprogression sp ON sp.athlete_id = a.id
WHERE a.id = ANY(%s)
"""


def _json(value: Any) -> Any:
    # Django has psycopg hand JSON over as text (its JSONField decodes it).
    return json.loads(value) if isinstance(value, str) else value


def _from_json(field: models.Field) -> Callable[[Any], Any]:
    """How a column's JSON value (``to_jsonb``) becomes the value the ORM would read."""
    if isinstance(field, models.JSONField):
        return lambda value: value
    if isinstance(field, models.DecimalField):
        # JSON carries 8.0 as a number: back to the column's Decimal("8.0").
        step = Decimal(1).scaleb(-field.decimal_places)
        return lambda value: Decimal(str(value)).quantize(step)
    if isinstance(field, models.DateTimeField | models.UUIDField):
        return field.to_python
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat
    return lambda value: value  # numbers, booleans and text arrive as Python reads them


@functools.cache
def _session_columns() -> tuple[list[str], list[tuple[str, Callable[[Any], Any]]]]:
    fields = SessionLog._meta.concrete_fields
    return [f.attname for f in fields], [(f.column, _from_json(f)) for f in fields]


def _session_from_json(data: dict[str, Any]) -> SessionLog:
    """Return the session a row's ``to_jsonb`` wrote, each column as the ORM reads it."""
    names, columns = _session_columns()
    values = [
        None if (value := data.get(column)) is None else convert(value)
        for column, convert in columns
    ]
    return SessionLog.from_db(connection.alias, names, values)


def engine_rows(athlete_ids: Sequence[int], today: dt.date) -> dict[int, EngineRow]:
    """Return each athlete as stored now with its generation and engine inputs.

    On PostgreSQL one query: the athlete, its stored progression's generation, the
    sessions that can count, the last running-type session before them (a LIMIT 1 on
    the athlete's sessions by date, not a sort of its history) and the pain check-ins,
    all read in one statement, so all at one moment. Elsewhere (SQLite) the athletes
    with their rows, then ``engine_inputs``.
    """
    if not athlete_ids:
        return {}
    if connection.vendor != "postgresql":
        athletes = Athlete.objects.filter(pk__in=athlete_ids).select_related("stored_progression")
        sessions, scores = engine_inputs(list(athlete_ids), today)
        rows = {}
        for athlete in athletes:
            try:
                generation: int | None = athlete.stored_progression.generation
                announced = athlete.stored_progression.announced_key
            except ObjectDoesNotExist:
                generation, announced = None, ""
            rows[athlete.pk] = EngineRow(
                athlete, generation, sessions[athlete.pk], scores[athlete.pk], announced
            )
        return rows
    window = _window_start(today)
    running = [str(activity) for activity in RUNNING_TYPES]
    # Positional: the audit's context may put its own placeholders in front (pghistory).
    params = [window, today, running, window, window, today, list(athlete_ids)]
    rows = {}
    for athlete in Athlete.objects.raw(_ENGINE_ROWS_SQL, params):
        found = [_session_from_json(s) for s in _json(athlete.engine_sessions)]
        if athlete.engine_before is not None:
            found.append(_session_from_json(_json(athlete.engine_before)))
        scores = [
            PainScoreRecord(
                date=dt.date.fromisoformat(p["date"]),
                score=p["score"],
                context=p["context"],
                recorded_at=models.DateTimeField().to_python(p["created_at"]),
            )
            for p in _json(athlete.engine_scores)
        ]
        rows[athlete.pk] = EngineRow(
            athlete,
            athlete.engine_generation,
            [session_record(s) for s in found],
            scores,
            athlete.engine_announced or "",
        )
    return rows


def evaluate_on(
    athlete: Athlete,
    today: dt.date,
    sessions: list[SessionRecord],
    scores: list[PainScoreRecord],
) -> Progression:
    entry = athlete.stage_entry_session
    return evaluate(
        stage=StageCode(athlete.stage),
        stage_since=athlete.stage_started_on,
        stage_changed_at=athlete.stage_changed_at,
        stage_entry=SuggestedSession.from_dict(entry) if entry else None,
        settings=athlete_settings(athlete),
        sessions=sessions,
        pain_scores=scores,
        today=today,
    )


def progressions_for_athletes(
    athletes: Iterable[Athlete], *, today: dt.date
) -> dict[int, Progression]:
    """Return ``{athlete.pk: Progression}`` for many athletes of one clinic in 2 queries.

    ``today`` is the clinic's today (``clinic.today()``); all athletes are judged on it.
    """
    athletes = list(athletes)
    if not athletes:
        return {}
    sessions, scores = engine_inputs([a.pk for a in athletes], today)
    return {
        athlete.pk: evaluate_on(athlete, today, sessions[athlete.pk], scores[athlete.pk])
        for athlete in athletes
    }


def athlete_progression(athlete: Athlete, *, today: dt.date | None = None) -> Progression:
    """Return the athlete's progression on ``today`` (default: the clinic's today)."""
    today = today or athlete.clinic.today()
    return progressions_for_athletes([athlete], today=today)[athlete.pk]
