"""PT pages: the dashboard and the athlete page (SPEC §4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes import services
from athletes.athlete_page import athlete_page
from athletes.dashboard import SORTS, dashboard_table
from athletes.forms import (
    AthleteCreateForm,
    AthleteForm,
    DecisionForm,
    SessionCreateForm,
    SessionDeleteForm,
    SessionEditForm,
    SettingsForm,
    WatchFileForm,
)
from athletes.lefs.selectors import lefs_chart
from athletes.models import Athlete, AthleteStatus, DeviceLink, SessionLog, SessionSource
from athletes.rtm_page import rtm_context
from athletes.selectors import athlete_for_user, session_from_file
from athletes.services import link_url
from athletes.watch_files import WatchFileError
from athletes.watch_import import already_logged, pt_summary, session_initial
from athletes.watch_uploads import read_uploaded_watch_file
from progressions.models import StageReview
from progressions.rules.protocol import Recommendation, StageCode, stage_definition
from progressions.services import stage_review_decide


def _one_of(request: HttpRequest, name: str, allowed: set[str]) -> str:
    """Return the query parameter if it is one of ``allowed``, else "" (ignore junk)."""
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every athlete of the clinic in one table, most urgent first; filter and sort."""
    status = (
        AthleteStatus.DISCHARGED if request.GET.get("tab") == "discharged" else AthleteStatus.ACTIVE
    )
    filters = {
        "stage": _one_of(request, "stage", {c.value for c in StageCode}),
        "recommendation": _one_of(request, "recommendation", {r.value for r in Recommendation}),
        # NUL never matches a name, and PostgreSQL refuses it in a query parameter.
        "text": request.GET.get("q", "").replace("\x00", "").strip()[:100],
        "sort": _one_of(request, "sort", set(SORTS)) or "urgency",
    }
    if request.user.clinic_id:
        table = dashboard_table(request.user, status=status, **filters)
    else:
        table = render_to_string(
            "athletes/_dashboard_table.html", {"rows": [], "filters": filters, "tab": status}
        )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "athlete-table":
        response = HttpResponse(table)
    else:
        response = render(
            request,
            "athletes/dashboard.html",
            {
                "table": table,
                "tab": status,
                "filters": filters,
                "stages": StageCode.choices(),
                "recommendations": Recommendation.choices(),
                "today": request.user.clinic.today() if request.user.clinic_id else None,
            },
        )
    # One URL, two bodies (page or table fragment): caches and Back must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _athlete_page(
    request: HttpRequest,
    athlete: Athlete,
    *,
    decision_form: DecisionForm | None = None,
    settings_form: SettingsForm | None = None,
    shown_link: dict | None = None,
    rtm_form: forms.BaseForm | None = None,
) -> HttpResponse:
    """Render the athlete page, with the forms as submitted and a new link shown once.

    A form shown again with its errors may have put what was typed on ``athlete``: then the
    cached parts of the page are neither read nor written (``athlete_page``).
    """
    page = athlete_page(athlete, cached=request.method == "GET")
    new_link = page.link(shown_link["link"]) if shown_link else None
    new_link_url = link_url(request, shown_link["token"]) if shown_link and new_link else None
    return render(
        request,
        "athletes/athlete.html",
        {
            **page.context(),
            "decision_form": decision_form or DecisionForm(stage=athlete.stage),
            "settings_form": settings_form or SettingsForm(instance=athlete),
            "new_link": new_link,
            "new_link_url": new_link_url,
            "new_link_qr": segno.make(new_link_url, error="m").svg_inline(scale=4)
            if new_link_url
            else None,
            # SPEC §11: its own section, outside the cached parts (athletes.rtm_page).
            **rtm_context(athlete, rtm_form),
            "lefs": lefs_chart(athlete),  # its own section, outside the cached parts
        },
    )


@login_required
@require_GET
def athlete_detail(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The athlete page: ladder, gate checklist, charts, sessions, history, decisions.

    A phone link created just before is shown here once, then forgotten.
    """
    athlete = athlete_for_user(request.user, athlete_id)
    shown = request.session.pop(NEW_LINK_KEY, None)
    if not (shown and shown.get("athlete") == athlete.pk):
        shown = None
    return _athlete_page(request, athlete, shown_link=shown)


# The new link's secret waits in the (server-side) session only until the redirect shows
# it, so reloading the page can neither create a second link nor show this one again.
NEW_LINK_KEY = "new_phone_link"


@login_required
@require_POST
def athlete_decide(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Record this week's decision (and the stage change it implies)."""
    athlete = athlete_for_user(request.user, athlete_id)
    form = DecisionForm(request.POST, stage=athlete.stage)

    def decide(data: dict[str, Any]) -> tuple[int, str]:
        review = stage_review_decide(
            athlete=athlete,
            decision=data["decision"],
            reviewed_by=request.user,
            note=data["note"],
            back_off_to=data["back_off_to"] or None,
        )
        return athlete.pk, _decision_message(review)

    return _saved(request, form, decide) or _athlete_page(request, athlete, decision_form=form)


@login_required
@require_POST
def athlete_settings(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Change the athlete's gate minutes, pain max, cadences, distance unit and the
    sessions planned a week."""
    athlete = athlete_for_user(request.user, athlete_id)
    form = SettingsForm(request.POST, instance=athlete)

    def save(data: dict[str, Any]) -> tuple[int, str]:
        services.athlete_update(athlete=athlete, **data)
        return athlete.pk, "Settings saved."

    return _saved(request, form, save) or _athlete_page(request, athlete, settings_form=form)


@login_required
@require_POST
def athlete_link_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Create a phone link, then show it once with its QR code (only its hash is kept)."""
    athlete = athlete_for_user(request.user, athlete_id)
    try:
        link, token = services.device_link_create(athlete=athlete, created_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("athlete", athlete_id=athlete.pk)
    if services.device_link_email(link=link, url=link_url(request, token)):
        messages.success(request, f"The link was also emailed to {athlete.email}.")
    request.session[NEW_LINK_KEY] = {"athlete": athlete.pk, "link": link.pk, "token": token}
    return redirect(reverse("athlete", kwargs={"athlete_id": athlete.pk}) + "#links-h")


@login_required
@require_POST
def athlete_link_revoke(request: HttpRequest, athlete_id: int, link_id: int) -> HttpResponse:
    """Revoke a phone link at once: phones signed in with it lose access."""
    athlete = athlete_for_user(request.user, athlete_id)
    link = get_object_or_404(DeviceLink, pk=link_id, athlete=athlete)
    services.device_link_revoke(link=link)
    messages.success(request, "Phone link revoked: it no longer opens.")
    return redirect("athlete", athlete_id=athlete.pk)


def _for_form(error: ValidationError, form: forms.BaseForm) -> ValidationError:
    """Keep a service error's field keys the form has; put the rest above the form."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (field if field in form.fields else "__all__"): messages
            for field, messages in error.error_dict.items()
        }
    )


def _saved(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], tuple[int, str]]
) -> HttpResponse | None:
    """Every PT form's path: a valid POST → its service → the message, back to the athlete.

    ``save`` writes through the service and returns the athlete's id and what to say.
    Returns None when there is nothing to save yet or it was refused: the reason is then
    on the form, beside its field, with what the PT entered kept for the page to show.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        athlete_id, message = save(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, _for_form(error, form))
        return None
    messages.success(request, message)
    return redirect("athlete", athlete_id=athlete_id)


def _decision_message(review: StageReview) -> str:
    change = review.stage_change
    if change is None:
        return f"Recorded: {review.get_decision_display().lower()} this week."
    if change.from_stage == change.to_stage:
        return (
            f"Recorded: {review.get_decision_display().lower()} — "
            f"{stage_definition(change.to_stage).name} restarted."
        )
    return (
        f"Recorded: {review.get_decision_display().lower()} — now in "
        f"{stage_definition(change.to_stage).name}."
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_create(request: HttpRequest) -> HttpResponse:
    """Add an athlete to the clinic (arriving at any stage)."""
    clinic_id = request.user.clinic_id
    form = AthleteCreateForm(request.POST or None, clinic_id=clinic_id)
    if request.method == "GET":
        form.initial.setdefault("therapist", request.user.pk)

    def create(data: dict[str, Any]) -> tuple[int, str]:
        data = dict(data)
        athlete = services.athlete_create(
            therapist=data.pop("therapist"), stage_started_on=data.pop("stage_started_on"), **data
        )
        return athlete.pk, f"{athlete.full_name} added."

    return _saved(request, form, create) or render(
        request,
        "athletes/athlete_form.html",
        {"form": form, "title": "Add an athlete"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_edit(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Edit an athlete's details; discharge or re-activate."""
    athlete = athlete_for_user(request.user, athlete_id)
    form = AthleteForm(request.POST or None, instance=athlete, clinic_id=request.user.clinic_id)

    def save(data: dict[str, Any]) -> tuple[int, str]:
        services.athlete_update(athlete=athlete, **data)
        return athlete.pk, "Details saved."

    return _saved(request, form, save) or render(
        request,
        "athletes/athlete_form.html",
        {"form": form, "title": f"Edit {athlete.full_name}", "athlete": athlete},
    )


@login_required
@require_POST
def athlete_status(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Discharge an athlete, or take a discharged athlete back on."""
    athlete = athlete_for_user(request.user, athlete_id)
    status = request.POST.get("status")
    if status not in {AthleteStatus.ACTIVE, AthleteStatus.DISCHARGED}:
        messages.error(request, "Choose active or discharged.")
    else:
        services.athlete_update(athlete=athlete, status=status)
        messages.success(
            request,
            f"{athlete.full_name} "
            + ("discharged." if status == AthleteStatus.DISCHARGED else "is active again."),
        )
    return redirect("athlete", athlete_id=athlete.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Log a session on the athlete's behalf (same validation as the API and the phone).

    A form filled from a watch file (``session_import``) carries the file's SHA-256: the
    session is stored with source ``file``, and saving the same file again stores no
    second session (the message says it was already logged).
    """
    athlete = athlete_for_user(request.user, athlete_id)
    form = _new_session_form(athlete, request.POST or None)

    def log(data: dict[str, Any]) -> tuple[int, str]:
        fields = {name: data[name] for name in form.Meta.fields}
        file_sha256 = data["file_sha256"]
        session, created = services.session_log_create_once(
            athlete=athlete,
            client_id=None,
            source=SessionSource.FILE if file_sha256 else SessionSource.WEB,
            file_sha256=file_sha256,
            **fields,
        )
        return athlete.pk, "Session logged." if created else already_logged(session)

    return _saved(request, form, log) or _session_create_page(request, athlete, form)


@login_required
@require_POST
def session_import(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Read an uploaded watch file into the "Log a session" form, to check; store nothing.

    The form comes back filled in with what the file says (first values only: the PT
    checks them and adds the pains), with the file's summary in words and its SHA-256
    hidden, and saves through ``session_create``. A file the reader refuses shows its
    message beside the file input, with the rest of the page as a new form shows it.
    """
    athlete = athlete_for_user(request.user, athlete_id)
    try:
        read = read_uploaded_watch_file(request, athlete=athlete)
    except WatchFileError as error:
        return _session_create_page(
            request,
            athlete,
            _new_session_form(athlete),
            import_form=WatchFileForm(refusal=str(error)),
        )
    stored = session_from_file(athlete, read.file_sha256)
    return _session_create_page(
        request,
        athlete,
        _new_session_form(athlete, initial=session_initial(read)),
        watch={
            "rows": pt_summary(read, target_cadence_spm=athlete.target_cadence_spm),
            "notes": read.summary.get("notes", []),
            "already": already_logged(stored) if stored else "",
        },
    )


def _new_session_form(
    athlete: Athlete, data: Any = None, *, initial: dict[str, Any] | None = None
) -> SessionCreateForm:
    """Return the "Log a session" form: as posted, or new (dated today unless ``initial``)."""
    return SessionCreateForm(
        data,
        instance=SessionLog(athlete=athlete),
        initial=initial if initial is not None else {"date": athlete.clinic.today()},
    )


def _session_create_page(
    request: HttpRequest,
    athlete: Athlete,
    form: SessionCreateForm,
    *,
    import_form: WatchFileForm | None = None,
    watch: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render "Log a session": the import block, what a file said (``watch``), the form."""
    return render(
        request,
        "athletes/session_form.html",
        {
            "form": form,
            "athlete": athlete,
            "title": "Log a session",
            "import_form": import_form if import_form is not None else WatchFileForm(),
            "watch": watch,
            # Saved once already with what a file said (shown again with its errors).
            "from_file": bool(form["file_sha256"].value()) and watch is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    """Correct a logged session (e.g. add the next-morning pain the athlete phoned in).

    Saved only on the version the form was opened on (SPEC §7): if the session changed
    meanwhile (the athlete's morning answer, a colleague, a clinic system) nothing is
    saved and the form comes back re-based on the stored session, what the PT typed kept
    and every field someone else changed marked (``SessionEditForm.rebase``).
    """
    athlete = athlete_for_user(request.user, athlete_id)
    session = get_object_or_404(SessionLog, pk=session_id, athlete=athlete)
    form = SessionEditForm(request.POST or None, instance=session)

    def correct(data: dict[str, Any]) -> tuple[int, str]:
        fields = {name: data[name] for name in form.Meta.fields}
        services.session_log_update(session=session, expected_version=data["version"], **fields)
        return athlete.pk, "Session corrected."

    try:
        saved = _saved(request, form, correct)
    except services.SessionChangedError as changed:
        saved, form = None, form.rebase(changed.current)
    except SessionLog.DoesNotExist:
        raise Http404("The session was deleted.") from None
    return saved or render(
        request,
        "athletes/session_form.html",
        {"form": form, "athlete": athlete, "session": session, "title": "Correct a session"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    """Delete a session once the PT confirms: hidden everywhere, kept for the audit log.

    Like a correction, it applies only to the version the PT saw: a session changed
    meanwhile (a morning answer, a colleague) is shown again as it is now, not deleted.
    """
    athlete = athlete_for_user(request.user, athlete_id)
    session = get_object_or_404(SessionLog, pk=session_id, athlete=athlete)
    posted = request.method == "POST"
    form = SessionDeleteForm(request.POST if posted else None, initial={"version": session.version})
    changed = False
    if posted and form.is_valid():
        try:
            services.session_log_delete(
                session=session, expected_version=form.cleaned_data["version"]
            )
        except services.SessionChangedError as error:
            session, changed = error.current, True
            form = SessionDeleteForm(initial={"version": session.version})
        except SessionLog.DoesNotExist:
            raise Http404("The session was deleted.") from None
        else:
            messages.success(request, f"Session of {session.date.day} {session.date:%b} deleted.")
            return redirect("athlete", athlete_id=athlete.pk)
    return render(
        request,
        "athletes/session_delete.html",
        {"form": form, "athlete": athlete, "session": session, "changed": changed},
    )
