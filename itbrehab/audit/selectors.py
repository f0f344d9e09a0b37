"""Reading the audit log: one clinic's events, newest first (SPEC §8).

What the audit page and ``GET /api/v1/audit-events/`` show: the writes, recorded by the
database's triggers in six event tables, and the reads, logins, logouts and MFA events
of ``AccessEvent``. One sequence numbers both kinds, so a page is the newest ids of the
two merged. Three queries whatever the number of events: the clinic's athletes (the
writes' scope), then one page of writes across the six tables (pghistory's ``Events``:
a UNION of them, each event joined to the previous event of its row, which gives an
update its "before") and one of access events. Counting the list for a paginator is two
queries more. A filter that only one kind can match (``action=read``) skips the other.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, overload

from django.db.models import Q, QuerySet
from pghistory.models import Events

from athletes.models import Athlete
from itbrehab.accounts.models import Clinic
from itbrehab.audit.access import note_read
from itbrehab.audit.context import SYSTEM, recording
from itbrehab.audit.models import EVENT_MODELS, OBJECT_TYPES, AccessAction, AccessEvent

WRITE_ACTIONS = ("create", "update", "delete")
ACTIONS = (*WRITE_ACTIONS, *AccessAction.values)
# Columns every event repeats: they say which row it is, not what changed in it.
_NOT_CHANGES = frozenset({"id"})


class AuditEvent(TypedDict):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: int | None
    athlete: int | None
    changes: dict[str, list[Any]]
    ip: str | None
    detail: str


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
        "detail": context.get("path") or "",
    }


def _as_access_event(row: AccessEvent) -> AuditEvent:
    if row.athlete_id is not None:
        object_type, object_id = "athlete", row.athlete_id
    elif row.therapist_id is not None:
        object_type, object_id = "therapist", row.therapist_id
    else:  # a page or response that listed the clinic's athletes
        object_type, object_id = "athlete_list", None
    return {
        "id": row.pk,
        "at": row.at,
        "actor": row.actor,
        "action": row.action,
        "object_type": object_type,
        "object_id": object_id,
        "athlete": row.athlete_id,
        "changes": {},
        "ip": row.ip,
        "detail": row.detail,
    }


class AuditEventList(Sequence[AuditEvent]):
    """The events of both kinds, newest first, rendered a slice at a time (a Paginator's need).

    A slice ``[start:stop]`` reads the newest ``stop`` ids of each kind and merges them:
    two queries for any page (a deep page reads more rows, never more queries).
    """

    def __init__(
        self, writes: QuerySet[Events] | None, accesses: QuerySet[AccessEvent] | None
    ) -> None:
        self._writes = writes
        self._accesses = accesses

    def count(self) -> int:  # type: ignore[override]
        return sum(qs.count() for qs in (self._writes, self._accesses) if qs is not None)

    def __len__(self) -> int:
        return self.count()

    def _newest(self, stop: int | None) -> Iterator[AuditEvent]:
        kinds: list[Iterable[AuditEvent]] = []
        if self._writes is not None:
            kinds.append(map(_as_event, self._writes[:stop] if stop is not None else self._writes))
        if self._accesses is not None:
            rows = self._accesses[:stop] if stop is not None else self._accesses
            kinds.append(map(_as_access_event, rows))
        return heapq.merge(*kinds, key=lambda event: event["id"], reverse=True)

    @overload
    def __getitem__(self, index: int) -> AuditEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[AuditEvent]: ...
    def __getitem__(self, index: int | slice) -> AuditEvent | list[AuditEvent]:
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop
            if start < 0 or (stop is not None and stop < 0) or index.step not in (None, 1):
                raise ValueError("The audit list takes forward slices only.")
            events = self._newest(stop)
            return list(itertools.islice(events, start, stop))
        page = self[index : index + 1]
        if not page:
            raise IndexError(index)
        return page[0]

    def __iter__(self) -> Iterator[AuditEvent]:
        return self._newest(None)


def audit_events_for_clinic(
    clinic: Clinic,
    *,
    athlete: Athlete | int | None = None,
    actor: str | None = None,
    action: str | None = None,
    date_after: dt.date | None = None,
    date_before: dt.date | None = None,
) -> AuditEventList:
    """Return the clinic's events, newest first, filtered as asked.

    ``athlete``: one athlete (another clinic's gives nothing; account events name no
    athlete); ``actor``: as the events name it (``"therapist 5"``, ``"phone link 12"``,
    ``"anonymous"``, ``"system"``); ``action``: one of SPEC §8's; ``date_after`` /
    ``date_before``: inclusive days in the clinic's time zone. The baseline snapshots
    taken when the audit was installed are not events. The scope query runs here; the
    events' queries when the list is sliced, counted or iterated. On SQLite no write is
    recorded (no triggers): the list holds the access events only.
    """
    athlete_id = athlete.pk if isinstance(athlete, Athlete) else athlete
    # The log shows athletes' data (a pain score's before and after): reading it is a read.
    note_read(athlete_id)
    zone = clinic.zone
    asked = _Filters(
        clinic=clinic,
        athlete_id=athlete_id,
        actor=actor,
        action=action,
        start=dt.datetime.combine(date_after, dt.time.min, tzinfo=zone) if date_after else None,
        end=dt.datetime.combine(date_before + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        if date_before
        else None,
    )
    writes = _writes(asked) if action is None or action in WRITE_ACTIONS else None
    accesses = _accesses(asked) if action is None or action in AccessAction.values else None
    return AuditEventList(writes, accesses)


@dataclass(frozen=True)
class _Filters:
    """What the list was asked for; ``start``/``end``: the days as instants, end excluded."""

    clinic: Clinic
    athlete_id: int | None
    actor: str | None
    action: str | None
    start: dt.datetime | None
    end: dt.datetime | None

    def timed(self, events: QuerySet[Any], field: str) -> QuerySet[Any]:
        if self.start is not None:
            events = events.filter(**{f"{field}__gte": self.start})
        if self.end is not None:
            events = events.filter(**{f"{field}__lt": self.end})
        return events


def _accesses(asked: _Filters) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.filter(clinic=asked.clinic).order_by("-id")
    if asked.athlete_id is not None:
        events = events.filter(athlete_id=asked.athlete_id)
    if asked.actor is not None:
        events = events.filter(actor=asked.actor)
    if asked.action is not None:
        events = events.filter(action=asked.action)
    return asked.timed(events, "at")


def _writes(asked: _Filters) -> QuerySet[Events] | None:
    if not recording():
        return None
    athletes = Athlete.objects.filter(clinic=asked.clinic).only("pk")
    if asked.athlete_id is not None:
        athletes = athletes.filter(pk=asked.athlete_id)
    scope = list(athletes)
    if not scope:
        return None
    events = (
        Events.objects.across(*EVENT_MODELS)
        .references(*scope)
        .filter(pgh_label__in=WRITE_ACTIONS)
        .order_by("-pgh_id")  # one sequence numbers every event table, in write order
    )
    actor, action = asked.actor, asked.action
    if actor is not None:
        named = Q(pgh_context__actor=actor)
        events = events.filter(named | Q(pgh_context__isnull=True) if actor == SYSTEM else named)
    if action == "delete":
        events = events.filter(Q(pgh_label="delete") | _HIDDEN)
    elif action == "update":
        events = events.filter(pgh_label="update").exclude(_HIDDEN)
    elif action is not None:
        events = events.filter(pgh_label=action)
    return asked.timed(events, "pgh_created_at")
