"""Who made a write, from where: attached once per request or task (SPEC §8).

``pghistory.context`` puts this metadata in front of each write statement (no extra
query) and the triggers copy it into the event row. The keys:

- ``actor``: who, as the audit shows it: ``"therapist <user id>"`` (a PT page, or the
  API with a token: ``via`` says which), ``"api client <client id>"`` (a clinic system's
  bearer token, SPEC §10), ``"phone link <link id>"`` (the athlete's phone),
  ``"anonymous"`` or ``"system"`` (Celery tasks; management commands and shells write
  with no context at all, which the selector also reads as ``"system"``);
- ``user``: the therapist's id, or None; ``via``: ``page``, ``api``, ``phone``, ``task``;
- ``ip``: the client's address from ``itbrehab.client_ip`` (requests only);
- ``path``: the request's path (never its query string), or the task's name.

Only on PostgreSQL: pghistory sends ``set_config(...)`` with each statement, which
SQLite does not have, and SQLite has no triggers to read it anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory
from django.db import connection
from django.http import HttpRequest, HttpResponse
from pghistory import runtime

from itbrehab.client_ip import client_ip

SYSTEM = "system"
ANONYMOUS = "anonymous"


def recording() -> bool:
    """Return whether writes are audited here: PostgreSQL only (see the module doc)."""
    return connection.vendor == "postgresql"


def therapist_actor(user_id: int) -> str:
    return f"therapist {user_id}"


def phone_actor(link_id: int) -> str:
    return f"phone link {link_id}"


def _request_actor(request: HttpRequest) -> dict[str, Any]:
    """Return who the request is from, as far as the middleware can tell.

    A logged-in therapist wins over a phone link kept in the same browser's session. An
    API call with a token is anonymous here: DRF authenticates in the view, and
    ``name_api_user`` names the therapist then.
    """
    from athletes.phone.access import SESSION_KEY

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"actor": therapist_actor(user.pk), "user": user.pk, "via": "page"}
    link_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if link_id:
        return {"actor": phone_actor(link_id), "user": None, "via": "phone"}
    return {"actor": ANONYMOUS, "user": None, "via": "page"}


class AuditContextMiddleware:
    """Attach the request's actor, address and path to every write it makes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not recording():
            return self.get_response(request)
        where = {"ip": client_ip(request), "path": request.path}
        with pghistory.context(**_request_actor(request), **where):
            return self.get_response(request)


def name_api_user(user_id: int) -> None:
    """Name the therapist whose API token authenticated this request (no-op outside one)."""
    if recording():
        pghistory.context(actor=therapist_actor(user_id), user=user_id, via="api")


def name_api_client(actor: str) -> None:
    """Name the API client whose bearer token authenticated this request (``api client <id>``)."""
    if recording():
        pghistory.context(actor=actor, user=None, via="api")


def actor_of(user: Any) -> str:
    """Return how the audit names an authenticated requester: a therapist or an API client."""
    return getattr(user, "actor", None) or therapist_actor(user.pk)


def name_phone_link(link_id: int) -> None:
    """Name the phone link a phone just signed in with (its first write precedes the session)."""
    if recording():
        pghistory.context(actor=phone_actor(link_id), user=None, via="phone")


_task_contexts: dict[str, pghistory.context] = {}


def _inside_context() -> bool:
    """Return whether a context is already open (a task run eagerly inside a request)."""
    return hasattr(runtime._tracker, "value")  # pghistory has no public "is open"


def _task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    # A task run in-process by a request keeps the request's actor: calling
    # pghistory.context inside an open one would overwrite it.
    if recording() and task_id and not _inside_context():
        audit = pghistory.context(actor=SYSTEM, user=None, via="task", path=task.name)
        audit.__enter__()
        _task_contexts[task_id] = audit


def _task_ended(task_id: str | None = None, **kwargs: Any) -> None:
    audit = _task_contexts.pop(task_id or "", None)
    if audit is not None:
        audit.__exit__(None, None, None)


def connect_celery_signals() -> None:
    """Give every Celery task the actor "system" and its name as the path."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="audit-task-started")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="audit-task-ended")
