"""Athlete phone pages: opened with a passwordless, revocable link from the PT.

The link's token is exchanged for a session on first open and leaves the address bar at
once (redirect). Every phone request re-checks the link, so revoking it or letting it
expire ends phones already signed in with it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from athletes.models import AthleteStatus, DeviceLink
from athletes.services import device_link_token_hash
from progressions.selectors import athlete_progression

SESSION_KEY = "phone_device_link_id"


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request: HttpRequest, status: int) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return _no_referrer(
        render(request, "athletes/phone/link_refused.html", {"gone": status == 410}, status=status)
    )


@never_cache
@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange a link token for a phone session and drop the token from the address bar."""
    link = (
        DeviceLink.objects.select_related("athlete")
        .filter(token_hash=device_link_token_hash(token))
        .first()
    )
    if link is None:
        return _refused(request, 404)
    now = timezone.now()
    if not link.is_usable(now) or link.athlete.status == AthleteStatus.DISCHARGED:
        return _refused(request, 410)
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    DeviceLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return _no_referrer(redirect("phone:home"))


def phone_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through only a phone signed in with a link that still opens."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        link_id = request.session.get(SESSION_KEY)
        link = (
            DeviceLink.objects.select_related("athlete__clinic").filter(pk=link_id).first()
            if link_id
            else None
        )
        if link is None:
            return _refused(request, 404)
        if not link.is_usable(timezone.now()) or link.athlete.status == AthleteStatus.DISCHARGED:
            return _refused(request, 410)
        request.phone_athlete = link.athlete  # type: ignore[attr-defined]
        return _no_referrer(view(request, *args, **kwargs))

    return wrapped


@never_cache
@require_GET
@phone_login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greet the athlete with today's suggested session and their target cadence."""
    athlete = request.phone_athlete  # type: ignore[attr-defined]
    progression = athlete_progression(athlete)
    return render(
        request,
        "athletes/phone/home.html",
        {"athlete": athlete, "progression": progression},
    )
