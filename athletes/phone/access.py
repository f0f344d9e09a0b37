"""Who a phone request is for: the link exchange, the phone's sign-in and its scope.

The link's token is exchanged for a session on first open (``open_link``) and leaves the
address bar at once (redirect). Every phone request re-checks the link
(``phone_login_required``), so revoking it or letting it expire ends phones already signed
in with it. A phone session reaches only its own athlete's pages under /m/
(``PhoneScopeMiddleware``), and one address opens only so many links a minute.

One phone, one athlete (SPEC §7): a phone signed in for one athlete that opens another
athlete's link is asked before it switches (``switch``), and every post from a phone page
names the athlete it was entered for (the ``athlete`` field): a post for anyone but the
phone's current athlete is answered 409 and stored nowhere (``post_for_another_athlete``),
so a session kept in the phone's offline outbox for Ana never lands on Ben's record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.conf import settings
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from athletes import services
from athletes.models import Athlete, AthleteStatus, DeviceLink
from itbrehab.audit.context import name_phone_link
from itbrehab.client_ip import client_ip

SESSION_KEY = "phone_device_link_id"
# Another athlete's link opened on a signed-in phone waits here until the phone confirms.
PENDING_KEY = "phone_pending_link_id"
PHONE_PREFIX = "/m/"
OPEN_RATE_LIMIT = 20  # link opens a minute from one address: enough for any real phone

# A post from a phone page for an athlete other than the one the phone is signed in for
# (a session kept offline before the phone switched, a page left open in another tab).
# It names nobody: the phone itself knows whose it was.
OTHER_ATHLETE = (
    "Not saved: this was entered for another athlete, and this phone is now signed in "
    "for someone else."
)

P = ParamSpec("P")


class PhoneRequest(HttpRequest):
    """A request from a phone whose link still opens: ``phone_login_required`` let it in."""

    phone_athlete: Athlete


def _opens(link: DeviceLink, now: dt.datetime) -> bool:
    """Return whether the link still signs a phone in: usable and its athlete active."""
    return link.is_usable(now) and link.athlete.status != AthleteStatus.DISCHARGED


def wants_json(request: HttpRequest) -> bool:
    """Return whether the phone's outbox (not a form) sent the request."""
    return "application/json" in request.headers.get("Accept", "")


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """Return the response, sent without a Referer (its address held a link's token)."""
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request: HttpRequest, status: int, *, sign_out: bool = True) -> HttpResponse:
    """Answer 404 (unknown) or 410 (revoked, expired, discharged) with the refusal page.

    ``sign_out`` ends the phone session and tells the browser to drop what it cached
    (``Clear-Site-Data: "cache"``). Not "storage": that would also wipe localStorage, where
    the outbox keeps sessions not sent yet, and nothing entered may be lost. Chromium does
    not empty Cache Storage for "cache" (nor lets a service worker read the header), so
    the worker forgets its cached pages on any 404/410 of a phone page, and phone.js does
    too on a page marked ``data-signed-out``.
    """
    if sign_out:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(PENDING_KEY, None)
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": "This link no longer works." if status == 410 else "Not signed in."},
            status=status,
        )
    else:
        context = {"gone": status == 410, "signed_out": status if sign_out else None}
        response = render(request, "athletes/phone/link_refused.html", context, status=status)
    if sign_out:
        response["Clear-Site-Data"] = '"cache"'
    return _no_referrer(response)


def _too_many_opens(request: HttpRequest) -> bool:
    """Count a link open from the request's address; return whether it is one too many."""
    key = f"phone-open:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > OPEN_RATE_LIMIT
    except ValueError:  # expired between add and incr
        return False


def _session_link(request: HttpRequest, key: str = SESSION_KEY) -> DeviceLink | None:
    """Return the link stored under ``key`` in the phone's session, or None (one query)."""
    link_id = request.session.get(key)
    if not link_id:
        return None
    return DeviceLink.objects.select_related("athlete__clinic").filter(pk=link_id).first()


def _sign_in(request: HttpRequest, link: DeviceLink, now: dt.datetime) -> HttpResponse:
    """Sign the phone in with ``link`` and send it to the athlete's home page."""
    request.session.cycle_key()
    request.session.pop(PENDING_KEY, None)
    request.session[SESSION_KEY] = link.pk
    if not request.user.is_authenticated:
        name_phone_link(link.pk)  # the audit names the link from this write on
    # A new person on this phone gets a new CSRF secret, as a password login would; the
    # outbox reads the current one from the cookie at each send.
    rotate_token(request)
    if not request.user.is_authenticated:
        # Signed in for as long as the link lasts (not the default two weeks): the app
        # installed on the home screen opens at /m/, with no link to tap again. A day
        # more, so a phone back after the link expired is told so (410), not "unknown".
        request.session.set_expiry(link.expires_at + dt.timedelta(days=1))
    DeviceLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return redirect("phone:home")


@never_cache
@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange a link token for a phone session and drop the token from the address bar.

    A fresh phone, or one signed in for the same athlete, is signed in at once. A phone
    signed in for another athlete is sent to ``switch`` to confirm first; the link waits
    in its session, so the token never reaches a page that posts (under this response's
    "no-referrer", Chromium would post with "Origin: null", which CSRF refuses). A link
    that does not open signs out the phone only when the phone's own link no longer opens.
    """
    if _too_many_opens(request):
        return _no_referrer(
            render(request, "athletes/phone/link_refused.html", {"slow_down": True}, status=429)
        )
    now = timezone.now()
    current = _session_link(request)
    if current is not None and not _opens(current, now):
        current = None
    link = (
        DeviceLink.objects.select_related("athlete")
        .filter(token_hash=services.device_link_token_hash(token))
        .first()
    )
    if link is None or not _opens(link, now):
        # Another valid link on this phone stays signed in: a stale text message must not
        # sign Ana out of her own pages.
        return _refused(request, 404 if link is None else 410, sign_out=current is None)
    if current is None or current.athlete_id == link.athlete_id:
        return _no_referrer(_sign_in(request, link, now))
    request.session[PENDING_KEY] = link.pk
    return _no_referrer(redirect("phone:switch"))


@never_cache
@require_http_methods(["GET", "POST"])
def switch(request: HttpRequest) -> HttpResponse:
    """Ask before this phone changes athlete: "signed in for Ana. Switch to Ben?".

    GET shows the question; POST ``choice=switch`` signs in with the waiting link,
    ``choice=keep`` forgets it and keeps the current athlete. With no link waiting (or one
    that no longer opens) nothing changes. The page names the current athlete by first
    name only: whoever holds Ben's link learns nothing else of Ana here.
    """
    now = timezone.now()
    pending = _session_link(request, PENDING_KEY)
    if pending is None or not _opens(pending, now):
        request.session.pop(PENDING_KEY, None)
        if pending is not None and request.method == "POST":
            # Ben's link was revoked while the question was open: Ana stays signed in.
            return _refused(request, 410, sign_out=False)
        return redirect("phone:home")
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice == "switch":
            return _sign_in(request, pending, now)
        if choice == "keep":
            request.session.pop(PENDING_KEY, None)
            return redirect("phone:home")
        return HttpResponseBadRequest("choice: switch or keep.")
    current = _session_link(request)
    return render(
        request,
        "athletes/phone/switch.html",
        {
            "current_name": current.athlete.first_name
            if current is not None and _opens(current, now)
            else None,
            "pending_name": pending.athlete.first_name,
        },
    )


def phone_login_required(
    view: Callable[Concatenate[PhoneRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Let through only a phone signed in with a link that still opens.

    The view gets a ``PhoneRequest``: ``request.phone_athlete`` is the link's athlete.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        link = _session_link(request)
        if link is None:
            return _refused(request, 404)
        if not _opens(link, timezone.now()):
            return _refused(request, 410)
        phone_request = cast(PhoneRequest, request)
        phone_request.phone_athlete = link.athlete
        # No token in these addresses: the site-wide "same-origin" policy is kept, since
        # under "no-referrer" Chromium posts forms with "Origin: null" and CSRF refuses them.
        return view(phone_request, *args, **kwargs)

    return wrapped


class PhoneScopeMiddleware:
    """A phone session (no PT logged in) reaches nothing outside /m/ and static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            SESSION_KEY in request.session
            and not request.user.is_authenticated
            and not request.path.startswith((PHONE_PREFIX, settings.STATIC_URL, "/static/"))
        ):
            raise Http404("Not a phone page.")
        return self.get_response(request)


def post_for_another_athlete(request: PhoneRequest) -> HttpResponse | None:
    """Return a 409 when a post names an athlete other than the phone's, else None.

    Each phone form carries the athlete it was shown for (``athlete``), and the outbox
    keeps it with a session saved offline. Checked before anything else in the post, so
    nothing of another athlete's entry is stored, validated or shown on this record. A
    post without the field is left to the caller (an out-of-date page: 400 or a message).
    """
    athlete = request.phone_athlete
    claimed = request.POST.get("athlete", "")
    if not claimed or claimed == str(athlete.pk):
        return None
    if wants_json(request):
        return JsonResponse({"error": OTHER_ATHLETE, "code": "other_athlete"}, status=409)
    context = {"athlete": athlete, "message": OTHER_ATHLETE}
    return render(request, "athletes/phone/not_sent.html", context, status=409)
