"""What the audit log stores: one event row per create, update or delete (SPEC §8).

django-pghistory keeps, for each tracked model, an event table written by PostgreSQL
triggers (``INSERT``/``UPDATE``/``DELETE`` on the tracked table), so a service's
``save()``, a ``QuerySet.update()`` and raw SQL are all recorded alike. Each event holds
the whole row: after the write for a create or an update, before it for a delete; the
"before" of an update is the previous event of the same row, so the selector computes
the difference on read (``selectors.audit_events_for_clinic``).

The tracked models are declared here, not in their own apps, so every table, and no
migration outside ``itbrehab/audit/migrations``, belongs to the audit. The triggers are
not in any migration at all: ``PGTRIGGER_MIGRATIONS = False`` (settings) would otherwise
put them in the tracked models' apps; ``PGTRIGGER_INSTALL_ON_MIGRATE`` installs them (and
the append-only guard below) at the end of every ``migrate`` instead.

One sequence numbers the events of all six tables (migration 0002), so an event's id is
unique across the audit and orders writes exactly; its time is ``clock_timestamp()``, the
moment of the write (``PGHISTORY_CREATED_AT_FUNCTION``). Rows that existed when the audit
was installed got one "snapshot" event each (migration 0003), the "before" of their first
update; the selector never lists snapshots.

Who, from where and through which path is the write's context (``context.py``), stored
in each event row itself (``pgh_context``, JSON), not in pghistory's shared context table
that its triggers update: so the guard below protects the "who" as well as the values.

Append-only (SPEC §8): each event table carries a ``pgtrigger.Protect`` trigger that
refuses UPDATE and DELETE, whoever asks (the app, the admin, a bug, raw SQL). TRUNCATE
and dropping the trigger stay possible for the table's owner: a database role without
those rights is the next step for a deployment that needs it.

On SQLite (the embedded ``make run`` default) the tables exist but nothing writes to
them: triggers and the per-statement context are PostgreSQL features (see the README).
"""

from __future__ import annotations

import pghistory
from django.db import models

from athletes.models import Athlete, DeviceLink, PainScore, SessionLog
from progressions.models import StageChange, StageReview

# The short names the audit speaks of (``object_type``), by event model.
OBJECT_TYPES: dict[str, str] = {
    "AthleteEvent": "athlete",
    "SessionLogEvent": "session",
    "PainScoreEvent": "pain_score",
    "DeviceLinkEvent": "device_link",
    "StageChangeEvent": "stage_change",
    "StageReviewEvent": "stage_review",
}


def _event_model(
    tracked: type[models.Model], name: str, exclude: list[str] | None = None
) -> type[models.Model]:
    """Return the abstract event model of ``tracked``: its three row triggers, append-only.

    Labels are the audit's own actions (create, update, delete). An update that changes
    nothing (a save with the same values) is not an event.
    """
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent("create"),
        pghistory.UpdateEvent("update"),
        pghistory.DeleteEvent("delete"),
        exclude=exclude,
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        app_label="audit",
        model_name=f"{name}Base",
    )


class AthleteEvent(_event_model(Athlete, "AthleteEvent")):  # type: ignore[misc]
    pass


class SessionLogEvent(_event_model(SessionLog, "SessionLogEvent")):  # type: ignore[misc]
    pass


class PainScoreEvent(_event_model(PainScore, "PainScoreEvent")):  # type: ignore[misc]
    pass


# The link's token hash is a credential's fingerprint, not a fact about the athlete.
class DeviceLinkEvent(_event_model(DeviceLink, "DeviceLinkEvent", ["token_hash"])):  # type: ignore[misc]
    pass


class StageChangeEvent(_event_model(StageChange, "StageChangeEvent")):  # type: ignore[misc]
    pass


class StageReviewEvent(_event_model(StageReview, "StageReviewEvent")):  # type: ignore[misc]
    pass


EVENT_MODELS: tuple[type[models.Model], ...] = (
    AthleteEvent,
    SessionLogEvent,
    PainScoreEvent,
    DeviceLinkEvent,
    StageChangeEvent,
    StageReviewEvent,
)
