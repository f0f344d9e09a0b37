"""A therapist's browser session ends when idle too long, and a fixed time after login anyway.

SPEC §7: 30 minutes without a request, 12 hours in any case (``SESSION_IDLE_TIMEOUT``,
``SESSION_ABSOLUTE_TIMEOUT``). The session itself carries when it started and when it was
last seen (seconds since the epoch, the session being JSON). To keep page query budgets,
the last-seen time is written at most once a minute (``SEEN_WRITE_INTERVAL``): a request
within a minute of the last write reads the session it loads anyway and writes nothing,
so "idle" is measured from a moment up to a minute before the last request.

Each write also moves the session's own expiry (database row and cookie) to the deadline
plus ``ENDED_NOTICE``: long enough that the next request still finds the session and can
say why it ended, short enough that no dead session lingers for days. The middleware,
not that expiry, is what ends the session on time.

A phone session (``athletes.phone.access``: a link, no user) is left alone: it lasts as
long as its link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

STARTED_KEY = "browser_session_started_at"
SEEN_KEY = "browser_session_seen_at"
SEEN_WRITE_INTERVAL = 60  # seconds: the last-seen time is at most this stale
ENDED_NOTICE = dt.timedelta(hours=1)

SESSION_IDLE_ENDED = (
    "Your session ended after {minutes} minutes without activity. Please log in again."
)
SESSION_TOO_OLD = "Your session ended {hours} hours after you logged in. Please log in again."
SESSION_ENDED_CODE = "session_expired"

# The session-authenticated API answers JSON, never a redirect to the login page.
API_PREFIX = "/api/v1/"


def idle_ended_message() -> str:
    """Return the message shown after an idle session ended, with the configured minutes."""
    return SESSION_IDLE_ENDED.format(
        minutes=int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
    )


def too_old_message() -> str:
    """Return the message shown after a session reached its absolute limit."""
    return SESSION_TOO_OLD.format(
        hours=int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
    )


def _now() -> int:
    return int(timezone.now().timestamp())


def _stamp(session: SessionBase, *, started: int, seen: int) -> None:
    """Record the times and move the session's expiry to its deadline (plus the notice)."""
    deadline = min(
        seen + settings.SESSION_IDLE_TIMEOUT.total_seconds(),
        started + settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds(),
    )
    session[STARTED_KEY] = started
    session[SEEN_KEY] = seen
    session.set_expiry(dt.datetime.fromtimestamp(deadline, tz=dt.UTC) + ENDED_NOTICE)


def _ended_because(session: SessionBase, now: int) -> str | None:
    """Return why a logged-in session has ended (a message), or None while it lasts.

    Writes the last-seen time when the stored one is a minute old or more. A session
    without the times (logged in before this existed) starts counting now. A clock that
    went back (the stored time is in the future) ends nothing and writes nothing.
    """
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if started is None or seen is None:
        _stamp(session, started=now, seen=now)
        return None
    if now - started >= settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return too_old_message()
    if now - seen >= settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return idle_ended_message()
    if now - seen >= SEEN_WRITE_INTERVAL:
        _stamp(session, started=started, seen=now)
    return None


class SessionLimitMiddleware:
    """End a therapist's idle or too old browser session before the view runs.

    The user is logged out and the request goes on as anonymous: a PT page then redirects
    to the login page with ``?next=`` (``login_required``), where the message says why.
    The session-authenticated API answers 401 JSON naming the reason instead; a request
    that brings its own ``Authorization`` header goes on with that token, and the token
    login (which needs no session) goes on as anonymous.

    It reads the session that ``request.user`` (or the phone pages) load anyway, and
    touches only sessions with a logged-in user: anonymous and phone sessions are never
    written or ended here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if auth.SESSION_KEY in request.session:
            reason = _ended_because(request.session, _now())
            if reason is not None:
                auth.logout(request)
                refusal = _say_why(request, reason)
                if refusal is not None:
                    return refusal
        return self.get_response(request)


def _say_why(request: HttpRequest, reason: str) -> JsonResponse | None:
    """Tell why the session ended: a message for the next page, or the API's 401 answer.

    Returns None when the request should go on (as anonymous).
    """
    if not request.path_info.startswith(API_PREFIX):
        messages.info(request, reason)
        return None
    if "authorization" in request.headers or request.path_info == reverse("v1:token"):
        return None  # a token of its own, or the token login, which needs no session
    # The API's error shape ({detail, code}) and the scheme its first authenticator names.
    response = JsonResponse({"detail": reason, "code": SESSION_ENDED_CODE}, status=401)
    response["WWW-Authenticate"] = "Token"
    return response


@receiver(user_logged_in, dispatch_uid="itbrehab.accounts.browser_sessions.start")
def start_browser_session(
    sender: type, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Start both clocks when a browser session logs a user in (login page, reset, tests).

    The API's token login sends the same signal with a request that holds no logged-in
    session: it is left alone, so no session is created for a clinic system.
    """
    session = getattr(request, "session", None)
    if session is None or session.get(auth.SESSION_KEY) != user._meta.pk.value_to_string(user):
        return
    now = _now()
    _stamp(session, started=now, seen=now)
