"""Athlete phone pages: opened with a passwordless, revocable link from the PT.

The link's token is exchanged for a session on first open and leaves the address bar at
once (redirect). Every phone request re-checks the link, so revoking it or letting it
expire ends phones already signed in with it. A phone session reaches only its own
athlete's pages under /m/ (``PhoneScopeMiddleware``).

One phone, one athlete (SPEC §7): a phone signed in for one athlete that opens another
athlete's link is asked before it switches (``switch``), and every post from a phone page
names the athlete it was entered for (the ``athlete`` field): a post for anyone but the
phone's current athlete is answered 409 and stored nowhere, so a session kept in the
phone's offline outbox for Ana never lands on Ben's record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes import services
from athletes.models import (
    RUNNING_TYPES,
    SESSION_INPUT_FIELDS,
    Athlete,
    AthleteStatus,
    DeviceLink,
    PainContext,
    SessionLog,
    SessionSource,
)
from athletes.words import describe_suggestion
from itbrehab.client_ip import client_ip
from progressions.rules import SuggestedSession
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    Intensity,
    Recommendation,
    Surface,
    Terrain,
    stage_definition,
)
from progressions.selectors import athlete_progression

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
ATHLETE_MISSING = "This page is out of date: open it again, then save."

# A step rate to run to: walking has its own rhythm, and a rest day has none.
METRONOME_FOR = frozenset({Activity.WALK_RUN, Activity.RUN})

PAIN_WORDS = {
    0: "none",
    1: "barely",
    2: "mild",
    3: "uncomfortable",
    4: "moderate",
    5: "distracting",
    6: "distressing",
    7: "hard to ignore",
    8: "intense",
    9: "severe",
    10: "worst imaginable",
}


def link_url(request: HttpRequest, token: str) -> str:
    """Return the absolute phone address that opens with ``token``."""
    return request.build_absolute_uri(reverse("phone:open", kwargs={"token": token}))


def _opens(link: DeviceLink, now: dt.datetime) -> bool:
    """Return whether the link still signs a phone in: usable and its athlete active."""
    return link.is_usable(now) and link.athlete.status != AthleteStatus.DISCHARGED


def _wants_json(request: HttpRequest) -> bool:
    """Return whether the phone's outbox (not a form) sent the request."""
    return "application/json" in request.headers.get("Accept", "")


def _no_referrer(response: HttpResponse) -> HttpResponse:
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
    if _wants_json(request):
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
    from django.core.cache import cache

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


def phone_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through only a phone signed in with a link that still opens."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        link = _session_link(request)
        if link is None:
            return _refused(request, 404)
        if not _opens(link, timezone.now()):
            return _refused(request, 410)
        request.phone_athlete = link.athlete  # type: ignore[attr-defined]
        # No token in these addresses: the site-wide "same-origin" policy is kept, since
        # under "no-referrer" Chromium posts forms with "Origin: null" and CSRF refuses them.
        return view(request, *args, **kwargs)

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


def _for_another_athlete(request: HttpRequest, athlete: Athlete) -> HttpResponse | None:
    """Return a 409 when a post names an athlete other than the phone's, else None.

    Each phone form carries the athlete it was shown for (``athlete``), and the outbox
    keeps it with a session saved offline. Checked before anything else in the post, so
    nothing of another athlete's entry is stored, validated or shown on this record. A
    post without the field is left to the caller (an out-of-date page: 400 or a message).
    """
    claimed = request.POST.get("athlete", "")
    if not claimed or claimed == str(athlete.pk):
        return None
    if _wants_json(request):
        return JsonResponse({"error": OTHER_ATHLETE, "code": "other_athlete"}, status=409)
    context = {"athlete": athlete, "message": OTHER_ATHLETE}
    return render(request, "athletes/phone/not_sent.html", context, status=409)


# --- Helpers ---------------------------------------------------------------------------


def _morning_question(athlete: Athlete, today: dt.date) -> SessionLog | None:
    """Return yesterday's (or the day before's) running session still waiting for its answer."""
    return (
        SessionLog.objects.filter(
            athlete=athlete,
            activity__in=RUNNING_TYPES,
            pain_next_morning__isnull=True,
            date__gte=today - dt.timedelta(days=2),
            date__lt=today,
        )
        .order_by("-date", "-id")
        .first()
    )


# --- Pages ------------------------------------------------------------------------------


@never_cache
@require_GET
@phone_login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greet the athlete: the morning question first, then today's suggested session.

    The session is said from its fields, never from ``reason`` (written for the PT). On
    ``advance`` the athlete learns the gate is met and that the PT decides; the session
    stays the current stage's until the PT records the advance. A rest day says rest or
    cross-train. The metronome is offered for running sessions only.
    """
    athlete: Athlete = request.phone_athlete  # type: ignore[attr-defined]
    today = athlete.clinic.today()
    progression = athlete_progression(athlete, today=today)
    suggestion = progression.suggested_next_session
    morning = _morning_question(athlete, today)
    recent = list(SessionLog.objects.filter(athlete=athlete).order_by("-date", "-id")[:3])
    return render(
        request,
        "athletes/phone/home.html",
        {
            "athlete": athlete,
            "suggestion": suggestion,
            "suggestion_words": describe_suggestion(suggestion),
            "gate_met": progression.recommendation == Recommendation.ADVANCE,
            "offer_metronome": not suggestion.rest_day and suggestion.activity in METRONOME_FOR,
            "morning": morning,
            "recent": recent,
            "ladder": DEFAULT_LADDER,
            "current_order": stage_definition(athlete.stage).order,
            "pain_scale": PAIN_WORDS.items(),
            # A rest-day check-in makes no sense once today's session is logged.
            "ask_check_in": not morning
            and not any(s.date == today for s in recent)
            and not athlete.pain_scores.filter(date=today).exists(),
        },
    )


# Asked elsewhere (pain next morning, on the home page) or not at all on a phone.
PHONE_OMITS = frozenset({"distance_km", "pain_before", "pain_next_morning"})


class PhoneSessionForm(forms.ModelForm):
    """The thumb form: chips and steppers post the same fields as the API."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Whose session this is, as the page said: the view answers 409 for anyone else's.
    athlete = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": ATHLETE_MISSING}
    )

    class Meta:
        model = SessionLog
        # The PT's fields less what a phone never asks right after a run.
        fields = [f for f in SESSION_INPUT_FIELDS if f not in PHONE_OMITS]


def _initial_from(s: SuggestedSession, today: dt.date) -> dict[str, Any]:
    """Return the log form's first values: today's suggestion (of the current stage).

    On a rest day only the date: the athlete chooses what they did (cross-training, a
    walk), and nothing nudges them towards a run.
    """
    if s.rest_day:
        return {"date": today, "client_id": uuid.uuid4()}
    return {
        "date": today,
        "activity": str(s.activity) if s.activity else "",
        "terrain": str(s.terrain) if s.terrain else "",
        "surface": str(s.surface) if s.surface else "",
        "incline_percent": s.incline_percent,
        "duration_min": s.duration_min,
        "run_interval_sec": s.run_interval_sec,
        "walk_interval_sec": s.walk_interval_sec,
        "repeats": s.repeats,
        "intensity": str(s.intensity) if s.intensity else "",
        "client_id": uuid.uuid4(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
@phone_login_required
def log_session(request: HttpRequest) -> HttpResponse:
    """Log a session: pre-filled with today's suggestion, so saving it is three taps."""
    athlete: Athlete = request.phone_athlete  # type: ignore[attr-defined]
    today = athlete.clinic.today()
    if request.method == "POST":
        if conflict := _for_another_athlete(request, athlete):
            return conflict
        form = PhoneSessionForm(request.POST, instance=SessionLog(athlete=athlete))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PhoneSessionForm.Meta.fields}
            try:
                session, created = services.session_log_create_once(
                    athlete=athlete,
                    client_id=form.cleaned_data["client_id"],
                    source=SessionSource.PHONE,
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if _wants_json(request):
                    return JsonResponse(
                        {"id": session.pk, "created": created}, status=201 if created else 200
                    )
                return redirect(f"{reverse('phone:home')}?saved=1")
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    else:
        progression = athlete_progression(athlete, today=today)
        form = PhoneSessionForm(initial=_initial_from(progression.suggested_next_session, today))
    return render(
        request,
        "athletes/phone/log.html",
        {
            "athlete": athlete,
            "form": form,
            "today": today,
            "activities": Activity.choices(),
            "terrains": Terrain.choices(),
            "surfaces": Surface.choices(),
            "intensities": Intensity.choices(),
            "pain_scale": list(PAIN_WORDS.items()),
        },
    )


@require_POST
@phone_login_required
def morning_answer(request: HttpRequest) -> HttpResponse:
    """Store the next-morning pain of yesterday's session."""
    athlete: Athlete = request.phone_athlete  # type: ignore[attr-defined]
    if conflict := _for_another_athlete(request, athlete):
        return conflict
    if not request.POST.get("athlete"):
        return redirect(f"{reverse('phone:home')}?error=stale")
    session = SessionLog.objects.filter(
        athlete=athlete, pk=request.POST.get("session") or 0
    ).first()
    if session is None:
        raise Http404("No such session.")
    # The question was asked because the answer was missing. If the PT has recorded it
    # since, the phone must not overwrite it (SPEC §7: no lost update): the write is made
    # on the version read here, still empty, and refused if anything changed meanwhile.
    if session.pain_next_morning is not None:
        return redirect(f"{reverse('phone:home')}?error=answered")
    try:
        services.session_log_update(
            session=session, expected_version=session.version, pain_next_morning=_score(request)
        )
    except (ValidationError, ValueError):
        return redirect(f"{reverse('phone:home')}?error=morning")
    except (services.SessionChangedError, SessionLog.DoesNotExist):
        return redirect(f"{reverse('phone:home')}?error=stale")
    return redirect(f"{reverse('phone:home')}?saved=morning")


@require_POST
@phone_login_required
def check_in(request: HttpRequest) -> HttpResponse:
    """Record a rest-day pain check-in."""
    athlete: Athlete = request.phone_athlete  # type: ignore[attr-defined]
    # Nothing else ties a check-in to an athlete: a page left open for Ana must not
    # record her knee on Ben's record.
    if conflict := _for_another_athlete(request, athlete):
        return conflict
    if not request.POST.get("athlete"):
        return redirect(f"{reverse('phone:home')}?error=stale")
    try:
        services.pain_score_create(
            athlete=athlete,
            date=athlete.clinic.today(),
            score=_score(request),
            context=PainContext.REST,
        )
    except (ValidationError, ValueError):
        return redirect(f"{reverse('phone:home')}?error=checkin")
    return redirect(f"{reverse('phone:home')}?saved=checkin")


def _score(request: HttpRequest) -> int:
    score = int(request.POST.get("score", ""))
    if not 0 <= score <= 10:
        raise ValueError(score)
    return score


@require_GET
@phone_login_required
def metronome(request: HttpRequest) -> HttpResponse:
    """A metronome at the athlete's target cadence."""
    athlete: Athlete = request.phone_athlete  # type: ignore[attr-defined]
    return render(request, "athletes/phone/metronome.html", {"athlete": athlete})


# --- Installable web app ------------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the phone pages install like an app."""
    return JsonResponse(
        {
            "name": "ITB Rehab",
            "short_name": "ITB Rehab",
            "start_url": reverse("phone:home"),
            "scope": PHONE_PREFIX,
            "display": "standalone",
            "background_color": "#f5f7f9",
            "theme_color": "#1f6f8b",
            "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /m/ so its scope covers the phone pages.

    The pages (``PAGES``) hold the athlete's data: the worker keeps the last copy of each
    for offline use and forgets them all when the server signs the phone out.
    """
    pages = [reverse("phone:home"), reverse("phone:log"), reverse("phone:metronome")]
    shell = [
        *pages,
        static("css/phone.css"),
        static("js/phone.js"),
        static("js/metronome.js"),
        static("favicon.svg"),
    ]
    worker = (settings.BASE_DIR / "static" / "js" / "phone-sw.js").read_text()
    # A new release (new static hashes or a new worker) gets a new cache.
    version = hashlib.sha256(json.dumps([shell, worker]).encode()).hexdigest()[:12]
    constants = {
        "SHELL": shell,
        "VERSION": version,
        "PAGES": pages,
        "STATIC_URL": settings.STATIC_URL,
    }
    body = "".join(f"const {name} = {json.dumps(value)};\n" for name, value in constants.items())
    body += worker
    response = HttpResponse(body, content_type="text/javascript")
    response["Service-Worker-Allowed"] = PHONE_PREFIX
    response["Cache-Control"] = "no-cache"
    return response
