"""Reading the audit log of writes: one clinic's events, newest first (SPEC §8).

What the audit page and ``GET /api/v1/audit-events/`` show. Two queries whatever the
number of events: the clinic's athletes (the scope), then one page of events across
the six event tables (pghistory's ``Events``: a UNION of them, each event joined to the
previous event of its row, which gives an update its "before"). Counting the whole
list for a paginator is one query more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypedDict, overload

from django.db.models import Q, QuerySet
from pghistory.models import Events

from athletes.models import Athlete
from itbrehab.accounts.models import Clinic
from itbrehab.audit.context import SYSTEM, recording
from itbrehab.audit.models import EVENT_MODELS, OBJECT_TYPES

ACTIONS = ("create", "update", "delete")
# Columns every event repeats: they say which row it is, not what changed in it.
_NOT_CHANGES = frozenset({"id"})


class AuditEvent(TypedDict):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: int
    athlete: int
    changes: dict[str, list[Any]]
    ip: str | None


def _changes(action: str, data: dict[str, Any], diff: dict[str, Any] | None) -> dict[str, list]:
    """Return ``{column: [before, after]}`` for one event.

    A create has no before and a delete no after; an update's before is the previous
    event of the same row (a row older than the audit has its baseline "snapshot").
    """
    if action == "create":
        pairs = {key: [None, value] for key, value in data.items() if value is not None}
    elif action == "delete":
        pairs = {key: [value, None] for key, value in data.items() if value is not None}
    else:
        pairs = {key: list(pair) for key, pair in (diff or {}).items()}
    return {key: pair for key, pair in sorted(pairs.items()) if key not in _NOT_CHANGES}


# A session is deleted by hiding it (``SessionLog.deleted_at``, SPEC §8): that update is
# the session's delete in the log, and its changes say when.
_HIDDEN = Q(pgh_label="update", pgh_model="audit.SessionLogEvent", pgh_diff__has_key="deleted_at")


def _action(row: Events, changes: dict[str, list[Any]]) -> str:
    hidden = changes.get("deleted_at", [True])[0] is None
    return "delete" if row.pgh_label == "update" and hidden else row.pgh_label


def _as_event(row: Events) -> AuditEvent:
    model_name = row.pgh_model.rsplit(".", 1)[-1]
    object_type = OBJECT_TYPES[model_name]
    data: dict[str, Any] = row.pgh_data or {}
    context: dict[str, Any] = row.pgh_context or {}
    object_id = int(row.pgh_obj_id)
    changes = _changes(row.pgh_label, data, row.pgh_diff)
    return {
        "id": row.pgh_id,
        "at": row.pgh_created_at,
        # No context: a management command, a shell, a migration.
        "actor": context.get("actor") or SYSTEM,
        "action": _action(row, changes),
        "object_type": object_type,
        "object_id": object_id,
        "athlete": object_id if object_type == "athlete" else data["athlete_id"],
        "changes": changes,
        "ip": context.get("ip"),
    }


class AuditEventList(Sequence[AuditEvent]):
    """The events of a query, rendered a slice at a time (what Django's Paginator needs)."""

    def __init__(self, events: QuerySet[Events]) -> None:
        self._events = events

    def count(self) -> int:  # type: ignore[override]
        return self._events.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> AuditEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[AuditEvent]: ...
    def __getitem__(self, index: int | slice) -> AuditEvent | list[AuditEvent]:
        if isinstance(index, slice):
            return [_as_event(row) for row in self._events[index]]
        return _as_event(self._events[index])

    def __iter__(self) -> Iterator[AuditEvent]:
        return (_as_event(row) for row in self._events)


def audit_events_for_clinic(
    clinic: Clinic,
    *,
    athlete: Athlete | int | None = None,
    actor: str | None = None,
    action: str | None = None,
    date_after: dt.date | None = None,
    date_before: dt.date | None = None,
) -> AuditEventList:
    """Return the clinic's write events, newest first, filtered as asked.

    ``athlete``: one athlete (another clinic's gives nothing); ``actor``: as the events
    name it (``"therapist 5"``, ``"phone link 12"``, ``"system"``); ``action``: create,
    update or delete; ``date_after``/``date_before``: inclusive days in the clinic's
    time zone. The baseline snapshots taken when the audit was installed are not events.
    The scope query runs here; the events' query when the list is sliced or iterated.
    On SQLite nothing is recorded, and the list is empty (no query at all).
    """
    if not recording():
        return AuditEventList(Events.objects.none())
    athletes = Athlete.objects.filter(clinic=clinic).only("pk")
    if athlete is not None:
        athletes = athletes.filter(pk=athlete.pk if isinstance(athlete, Athlete) else athlete)
    scope = list(athletes)
    if not scope:
        return AuditEventList(Events.objects.none())
    events = (
        Events.objects.across(*EVENT_MODELS)
        .references(*scope)
        .filter(pgh_label__in=ACTIONS)
        .order_by("-pgh_id")  # one sequence numbers every event table, in write order
    )
    if actor is not None:
        named = Q(pgh_context__actor=actor)
        events = events.filter(named | Q(pgh_context__isnull=True) if actor == SYSTEM else named)
    if action == "delete":
        events = events.filter(Q(pgh_label="delete") | _HIDDEN)
    elif action == "update":
        events = events.filter(pgh_label="update").exclude(_HIDDEN)
    elif action is not None:
        events = events.filter(pgh_label=action)
    zone = clinic.zone
    if date_after is not None:
        start = dt.datetime.combine(date_after, dt.time.min, tzinfo=zone)
        events = events.filter(pgh_created_at__gte=start)
    if date_before is not None:
        end = dt.datetime.combine(date_before + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(pgh_created_at__lt=end)
    return AuditEventList(events)
