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

One sequence numbers the events of all the tables (migrations 0002 and 0008), so an event's id is
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
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from athletes.models import Athlete, DeviceLink, LefsResponse, PainScore, RtmTime, SessionLog
from progressions.models import StageChange, StageReview

# The short names the audit speaks of (``object_type``), by event model.
OBJECT_TYPES: dict[str, str] = {
    "AthleteEvent": "athlete",
    "SessionLogEvent": "session",
    "PainScoreEvent": "pain_score",
    "DeviceLinkEvent": "device_link",
    "StageChangeEvent": "stage_change",
    "StageReviewEvent": "stage_review",
    "RtmTimeEvent": "rtm_time",
    "LefsResponseEvent": "lefs_response",
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


class RtmTimeEvent(_event_model(RtmTime, "RtmTimeEvent")):  # type: ignore[misc]
    pass


# The LEFS the athlete answers on the phone (SPEC §11): each saved answer is an update.
class LefsResponseEvent(_event_model(LefsResponse, "LefsResponseEvent")):  # type: ignore[misc]
    pass


EVENT_MODELS: tuple[type[models.Model], ...] = (
    AthleteEvent,
    SessionLogEvent,
    PainScoreEvent,
    DeviceLinkEvent,
    StageChangeEvent,
    StageReviewEvent,
    RtmTimeEvent,
    LefsResponseEvent,
)


class AccessAction(models.TextChoices):
    """SPEC §8's actions that are not writes: they are rows of ``AccessEvent``."""

    READ = "read"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    MFA = "mfa"


class AccessEvent(models.Model):
    """One read of athletes' data, login, failed login, logout or MFA event (SPEC §8).

    Written by the app (``access.py``), one row per request at most, not by triggers: a
    read changes no row a trigger could see. Numbered from the write events' sequence on
    PostgreSQL (migration 0005), so the audit list orders both kinds exactly; append-only
    by the same database guard. Unlike the write events it is recorded on SQLite too.

    ``athlete`` is the one athlete a page or response showed, or empty for a list of the
    clinic's athletes and for the account events; ``therapist`` is the account a login,
    logout or MFA event is about (the one whose email a failed login tried). Neither is a
    database foreign key: the log outlives what it names.
    """

    at = models.DateTimeField(default=timezone.now)
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor = models.CharField(max_length=100)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    athlete = models.ForeignKey(
        Athlete,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The page or endpoint ("GET /api/v1/athletes/5/sessions/", never a query string), or
    # what happened for an MFA event ("authenticator app turned on").
    detail = models.CharField(max_length=200)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "-id"], name="audit_access_clinic_newest"),
            models.Index(fields=["athlete", "-id"], name="audit_access_athlete_newest"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} at {self.at:%Y-%m-%d %H:%M:%S}"
