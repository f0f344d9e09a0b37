"""The athlete's phone pages: home, the log form, the morning and rest-day answers, the
metronome, and what installs them like an app (the manifest and the service worker).

Each page is for the athlete whose link signed the phone in (``phone_login_required``);
each post first checks it was entered for that athlete (``post_for_another_athlete``).
The athlete reads a suggestion in their own words (``words``), never its ``reason``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes import services
from athletes.forms import PhoneSessionForm
from athletes.lefs.selectors import lefs_state
from athletes.models import (
    RUNNING_TYPES,
    Athlete,
    PainContext,
    PainSource,
    SessionLog,
    SessionSource,
)
from athletes.phone.access import (
    PHONE_PREFIX,
    PhoneRequest,
    phone_login_required,
    post_for_another_athlete,
    wants_json,
)
from athletes.phone.words import PAIN_WORDS, describe_suggestion, describe_watch_file
from athletes.selectors import morning_question, session_from_file
from athletes.watch_files import WatchFileError
from athletes.watch_import import READ_FIELDS, already_logged, session_initial
from athletes.watch_uploads import read_uploaded_watch_file
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
from progressions.stored import stored_progression

# A step rate to run to: walking has its own rhythm, and a rest day has none.
METRONOME_FOR = frozenset({Activity.WALK_RUN, Activity.RUN})


@never_cache
@require_GET
@phone_login_required
def home(request: PhoneRequest) -> HttpResponse:
    """Greet the athlete: the nudges and the morning question first, then today's session.

    The session is said from its fields, never from ``reason`` (written for the PT). On
    ``advance`` the athlete learns the gate is met and that the PT decides; the session
    stays the current stage's until the PT records the advance. A rest day says rest or
    cross-train. The metronome is offered for running sessions only. The knee
    questionnaire (LEFS) is offered when due or unfinished (``athletes.phone.lefs``).
    """
    athlete = request.phone_athlete
    today = athlete.clinic.today()
    progression = stored_progression(athlete, today=today)
    suggestion = progression.suggested_next_session
    morning = morning_question(athlete, today)
    recent = list(SessionLog.objects.filter(athlete=athlete).order_by("-date", "-id")[:3])
    lefs = lefs_state(athlete)
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
            # Nudges (a gentle line each): yesterday's session still waits for its morning
            # answer (the question below); the knee questionnaire is due.
            "nudge_morning": morning is not None and morning.date == today - dt.timedelta(days=1),
            "lefs": lefs,
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
def log_session(request: PhoneRequest) -> HttpResponse:
    """Log a session: pre-filled with today's suggestion, so saving it is three taps.

    A form filled from a watch file (``import_watch_file``) posts the file's SHA-256 too:
    the session is stored with source ``file``, once for that file. A post that stored
    nothing new (the file's session, or this ``client_id``, already stored) goes home
    with ``?saved=again``, or answers 200 instead of 201 to the outbox.
    """
    athlete = request.phone_athlete
    today = athlete.clinic.today()
    if request.method == "POST":
        if conflict := post_for_another_athlete(request):
            return conflict
        form = PhoneSessionForm(request.POST, instance=SessionLog(athlete=athlete))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PhoneSessionForm.Meta.fields}
            file_sha256 = form.cleaned_data["file_sha256"]
            try:
                session, created = services.session_log_create_once(
                    athlete=athlete,
                    client_id=form.cleaned_data["client_id"],
                    source=SessionSource.FILE if file_sha256 else SessionSource.PHONE,
                    file_sha256=file_sha256,
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if wants_json(request):
                    return JsonResponse(
                        {"id": session.pk, "created": created}, status=201 if created else 200
                    )
                return redirect(f"{reverse('phone:home')}?saved={'1' if created else 'again'}")
        if wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    else:
        form = _suggested_form(athlete, today)
    return _log_page(request, form)


@never_cache
@require_POST
@phone_login_required
def import_watch_file(request: PhoneRequest) -> HttpResponse:
    """Read the athlete's watch file into the log form, to check and complete; store nothing.

    The log form comes back filled in with what the file says, what it recorded in plain
    words, and the file's SHA-256 (hidden); the athlete adds the pains and saves through
    ``log_session`` (or the outbox, offline). A file the reader refuses shows its message
    beside the file picker, above the usual form (today's suggestion). phone.js never
    posts here offline: it says the import needs a connection.
    """
    athlete = request.phone_athlete
    if conflict := post_for_another_athlete(request):
        return conflict
    try:
        read = read_uploaded_watch_file(request, athlete=athlete)
    except WatchFileError as error:
        return _log_page(
            request, _suggested_form(athlete, athlete.clinic.today()), import_error=str(error)
        )
    fields = tuple(name for name in READ_FIELDS if name in PhoneSessionForm.Meta.fields)
    form = PhoneSessionForm(
        initial={**session_initial(read, fields=fields), "client_id": uuid.uuid4()}
    )
    stored = session_from_file(athlete, read.file_sha256)
    return _log_page(
        request,
        form,
        watch={
            "lines": describe_watch_file(read),
            "already": already_logged(stored) if stored else "",
            # Pain during is required for these; the athlete is told before saving.
            "running": read.session.get("activity") in RUNNING_TYPES,
        },
    )


def _suggested_form(athlete: Athlete, today: dt.date) -> PhoneSessionForm:
    """Return the log form filled in with today's suggestion (of the current stage)."""
    progression = stored_progression(athlete, today=today)
    return PhoneSessionForm(initial=_initial_from(progression.suggested_next_session, today))


def _log_page(
    request: PhoneRequest,
    form: PhoneSessionForm,
    *,
    watch: dict[str, Any] | None = None,
    import_error: str = "",
) -> HttpResponse:
    """Render the log page: the import block, what a watch file said (``watch``), the form."""
    athlete = request.phone_athlete
    return render(
        request,
        "athletes/phone/log.html",
        {
            "athlete": athlete,
            "form": form,
            "today": athlete.clinic.today(),
            "activities": Activity.choices(),
            "terrains": Terrain.choices(),
            "surfaces": Surface.choices(),
            "intensities": Intensity.choices(),
            "pain_scale": list(PAIN_WORDS.items()),
            "watch": watch,
            "import_error": import_error,
        },
    )


def _home_post_refused(request: PhoneRequest) -> HttpResponse | None:
    """Return why a post from the home page is not stored (409, or a stale page), else None."""
    if conflict := post_for_another_athlete(request):
        return conflict
    if not request.POST.get("athlete"):
        return redirect(f"{reverse('phone:home')}?error=stale")
    return None


@require_POST
@phone_login_required
def morning_answer(request: PhoneRequest) -> HttpResponse:
    """Store the next-morning pain of yesterday's session."""
    athlete = request.phone_athlete
    if refused := _home_post_refused(request):
        return refused
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
def check_in(request: PhoneRequest) -> HttpResponse:
    """Record a rest-day pain check-in."""
    athlete = request.phone_athlete
    # Nothing else ties a check-in to an athlete: a page left open for Ana must not
    # record her knee on Ben's record.
    if refused := _home_post_refused(request):
        return refused
    try:
        services.pain_score_create(
            athlete=athlete,
            date=athlete.clinic.today(),
            score=_score(request),
            context=PainContext.REST,
            source=PainSource.PHONE,
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
def metronome(request: PhoneRequest) -> HttpResponse:
    """A metronome at the athlete's target cadence."""
    athlete = request.phone_athlete
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
