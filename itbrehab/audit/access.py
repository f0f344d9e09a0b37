"""Who read athletes' data, and every login, failed login, logout and MFA event (SPEC §8).

**Reads.** The clinic-scoped access helpers (``athletes.selectors``) note what a request
reached: one athlete (``athlete_for_user``) or the clinic's list (``athletes_for_user``
and the lists built on it). ``ReadAuditMiddleware`` then writes one ``AccessEvent`` when
the response showed it: a therapist's request answered 200 (a redirect after a write, a
404 or a refusal showed nothing; the write itself is in the trigger-written log). One
INSERT per request whatever the page lists, never one per row. A request that reached
one athlete names them; one that reached several, or a list, names none. A phone reads
only its own athlete's data and is not a PT read; the athlete's writes are audited.

**Accounts.** Django's ``user_logged_in``, ``user_logged_out`` and ``user_login_failed``
signals (pages and the API token endpoint alike) and the MFA views' calls to
``record_mfa`` write the account events, in the therapist's clinic. A wrong second-factor
code is sent as a failed login (the lockout counts it) marked ``second_factor=True``, and
recorded as an MFA event. A failed login with an email that is no therapist's belongs to
no clinic: axes' own log keeps it for the operators, and nothing typed is stored here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from itbrehab.accounts.models import User
from itbrehab.audit.context import ANONYMOUS, actor_of, therapist_actor
from itbrehab.audit.models import AccessAction, AccessEvent
from itbrehab.client_ip import client_ip

# What recording a read adds to a request that showed athletes' data: one INSERT.
READ_EVENT_QUERIES = 1


@dataclass
class _Reads:
    athletes: set[int] = field(default_factory=set)
    listed: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("audit_reads", default=None)


def note_read(athlete_id: int | None = None) -> None:
    """Note that this request reached one athlete's data (an id) or the clinic's list (None).

    Outside a request (a task, a command, a test calling a selector) it does nothing.
    """
    reads = _reads.get()
    if reads is None:
        return
    if athlete_id is None:
        reads.listed = True
    else:
        reads.athletes.add(athlete_id)


def _where(request: HttpRequest) -> str:
    """Return "GET /path/" (never the query string); "" for a request made up in code."""
    return f"{request.method} {request.path}"[:200] if request.method else ""


class ReadAuditMiddleware:
    """Record the one read event of a therapist's request that showed athletes' data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reads = _Reads()
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        # DRF sets the token's user on the request it wraps, so API calls count too (an API
        # client's bearer token too: ``itbrehab.api_clients.auth.ClientPrincipal``).
        user = getattr(request, "user", None)
        shown = reads.listed or reads.athletes
        if shown and response.status_code == 200 and user is not None and user.is_authenticated:
            single = len(reads.athletes) == 1 and not reads.listed
            one = next(iter(reads.athletes)) if single else None
            AccessEvent.objects.create(
                clinic_id=user.clinic_id,
                actor=actor_of(user),
                action=AccessAction.READ,
                athlete_id=one,
                detail=_where(request),
                ip=client_ip(request),
            )
        return response


def _account_event(
    action: str, user: User, request: HttpRequest | None, *, actor: str, detail: str = ""
) -> None:
    if user.clinic_id is None:  # a superuser without a clinic: no clinic's log to be in
        return
    AccessEvent.objects.create(
        clinic_id=user.clinic_id,
        actor=actor,
        action=action,
        therapist_id=user.pk,
        detail=(detail or (_where(request) if request is not None else ""))[:200],
        ip=client_ip(request) if request is not None else None,
    )


def record_mfa(user: User, request: HttpRequest | None, what: str) -> None:
    """Record an MFA event of ``user``: ``what`` says it ("authenticator app turned on")."""
    _account_event(AccessAction.MFA, user, request, actor=therapist_actor(user.pk), detail=what)


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if isinstance(user, User):
        _account_event(AccessAction.LOGIN, user, request, actor=therapist_actor(user.pk))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if isinstance(user, User):
        _account_event(AccessAction.LOGOUT, user, request, actor=therapist_actor(user.pk))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    if not isinstance(email, str) or not email:
        return
    user = User.objects.filter(email__iexact=email).only("pk", "clinic_id").first()
    if user is None:
        return
    if kwargs.get("second_factor"):
        # The password was right: a wrong code is the therapist's own MFA event (it
        # still counts toward the lockout, which reads the same signal).
        record_mfa(user, request, "wrong code")
    else:
        # Whoever typed the password is unknown: the account is what the event is about.
        _account_event(AccessAction.LOGIN_FAILED, user, request, actor=ANONYMOUS)
