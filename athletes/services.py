"""Writes for athletes, their sessions and pain check-ins.

Keyword-only, atomic, and validated with ``full_clean()`` so the dashboard, the API, the
phone pages and the demo loader all enforce the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from athletes.models import (
    DEVICE_LINK_DAYS_DEFAULT,
    Athlete,
    AthleteStatus,
    DeviceLink,
    PainContext,
    PainScore,
    PainSource,
    SessionLog,
)
from athletes.session_checks import (
    new_session_store,
    next_running_log,
    session_neighbours_refresh,
    session_variables_refresh,
    sessions_around_new,
)
from itbrehab.accounts.models import User
from progressions.stored import progression_refresh

STAGE_START_IN_FUTURE = "The stage cannot start in the future (clinic time)."


# HOT_PATH: session logs and pain scores are written by phones, integrations and imports.
# Every CHECK constraint on them has a Python twin (field validators and ``clean()``), so
# their ``full_clean`` skips Django's constraint queries (one SELECT per constraint); the
# database still enforces every constraint on write.


@transaction.atomic
def athlete_create(
    *,
    therapist: User,
    first_name: str,
    last_name: str,
    affected_side: str,
    stage_started_on: dt.date | None = None,
    **fields: Any,
) -> Athlete:
    """Create an athlete in the therapist's clinic; the stage starts today unless given.

    ``fields`` are further Athlete fields (email, phone, cadences, gate settings, stage).
    Raises ``ValidationError`` and writes nothing when any value is invalid, or when the
    stage would start in the future (no stage change could then be dated after it).
    """
    today = therapist.clinic.today()
    if stage_started_on is not None and stage_started_on > today:
        raise ValidationError({"stage_started_on": STAGE_START_IN_FUTURE})
    athlete = Athlete(
        clinic=therapist.clinic,
        therapist=therapist,
        first_name=first_name,
        last_name=last_name,
        affected_side=affected_side,
        stage_started_on=stage_started_on or today,
        **fields,
    )
    if "target_cadence_spm" in fields:
        athlete.target_cadence_is_manual = fields["target_cadence_spm"] is not None
    athlete.full_clean()
    athlete.save()
    progression_refresh(athlete)
    return athlete


@transaction.atomic
def session_log_create(*, athlete: Athlete, **fields: Any) -> SessionLog:
    """Store one session and its one-variable check; the next session's check follows.

    Raises ``ValidationError`` and writes nothing when any value is invalid.
    """
    session, _created = _session_store(athlete=athlete, replay_of=None, fields=fields)
    return session


def _session_store(
    *, athlete: Athlete, replay_of: uuid.UUID | None, fields: dict[str, Any]
) -> tuple[SessionLog, bool]:
    """Store a new session, or return the one stored under ``replay_of`` (its client_id).

    The write path every new session takes (API, phone, PT page, demo), in the caller's
    one transaction: one read (the replay and the sessions around it), the INSERT with
    the one-variable check, at most one UPDATE (``new_session_store``), then the
    athlete's stored progression.
    """
    session = SessionLog(athlete=athlete, **fields)
    around = sessions_around_new(session, replay_of=replay_of)
    if around.replay is not None:
        return around.replay, False
    # The athlete was just loaded by the caller, so its foreign key needs no query here
    # (the database still enforces it); CHECKs: see HOT_PATH.
    session.full_clean(exclude=["athlete"], validate_constraints=False)
    new_session_store(session, around)
    progression_refresh(athlete, "session.created", session=session.pk)
    return session, True


SESSION_CHANGED = (
    "This session was changed since it was loaded: it is now at version {version}. "
    "Nothing was saved; load it again and make the change on the current version."
)


class SessionChangedError(Exception):
    """A change was based on an older version of a session than the one stored.

    ``current`` is the session as stored now, so the caller can show both values or answer
    with the current version. Nothing was written.
    """

    def __init__(self, current: SessionLog) -> None:
        self.current = current
        super().__init__(SESSION_CHANGED.format(version=current.version))


def _lock(session: SessionLog) -> None:
    """Reload ``session`` from its row, locked until the transaction ends.

    The athlete and clinic come in the same query (``clean()`` reads the clinic's today);
    only the session's row is locked.
    """
    session.refresh_from_db(
        from_queryset=SessionLog.objects.select_for_update(of=("self",)).select_related(
            "athlete__clinic"
        )
    )


@transaction.atomic
def session_log_update(
    *, session: SessionLog, expected_version: int | None = None, **fields: Any
) -> SessionLog:
    """Change some fields of a stored session and return it at its new version.

    ``expected_version`` is the version the change was based on (the PT's form, an API
    client's ``If-Match`` or ``version``). The write is a compare-and-swap: one
    ``UPDATE … WHERE version = expected``, so of two changes based on the same version
    exactly one is stored. If the session moved on, ``SessionChangedError`` carries it as
    stored now and nothing is written. Without ``expected_version`` (the phone's morning
    answer, which sets one field whatever the others say) the row is locked and reloaded
    first, so the change applies to the session as stored now and overwrites nothing.
    Values equal to the stored ones store nothing (the version stays).

    Recomputes the one-variable check of this session, of the session now after it and of
    the one that followed it before (a changed date can move it). Raises
    ``ValidationError`` and writes nothing when the result would be invalid, and
    ``SessionLog.DoesNotExist`` when the session was deleted meanwhile.
    """
    if expected_version is None:
        _lock(session)
        expected_version = session.version
    elif session.version != expected_version:
        raise SessionChangedError(SessionLog.objects.get(pk=session.pk))
    followed_before = next_running_log(session)
    attnames = [SessionLog._meta.get_field(name).attname for name in fields]
    stored = {attname: getattr(session, attname) for attname in attnames}
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean(validate_constraints=False)  # see HOT_PATH
    changed = {a: getattr(session, a) for a in attnames if getattr(session, a) != stored[a]}
    if not changed:
        return session  # nothing to store: the version stays, so no one else's form goes stale
    columns = {
        **changed,
        "version": expected_version + 1,
        "updated_at": timezone.now(),  # auto_now applies to save(), not to update()
    }
    if not SessionLog.objects.filter(pk=session.pk, version=expected_version).update(**columns):
        # Another change was stored between loading the session and this UPDATE.
        raise SessionChangedError(SessionLog.objects.get(pk=session.pk))
    session.version, session.updated_at = columns["version"], columns["updated_at"]
    session_neighbours_refresh(session)
    if followed_before is not None:
        session_variables_refresh(followed_before)
    progression_refresh(session.athlete, "session.updated", session=session.pk)
    return session


@transaction.atomic
def session_log_delete(*, session: SessionLog, expected_version: int | None = None) -> None:
    """Delete a session: it is hidden everywhere and kept for the audit log (SPEC §8).

    The session that followed it is compared with its new previous one. With
    ``expected_version`` the session is deleted only if it is still at that version (the
    row is locked, then compared); else ``SessionChangedError`` and nothing is deleted.
    """
    if expected_version is not None:
        _lock(session)
        if session.version != expected_version:
            raise SessionChangedError(session)
    following = next_running_log(session)
    session.deleted_at = timezone.now()
    session.version += 1
    session.save(update_fields=["deleted_at", "version", "updated_at"])
    if following is not None:
        session_variables_refresh(following)
    progression_refresh(session.athlete, "session.deleted", session=session.pk)


@transaction.atomic
def pain_score_create(
    *,
    athlete: Athlete,
    date: dt.date,
    score: int,
    context: str = PainContext.OTHER,
    source: str = PainSource.WEB,
) -> PainScore:
    """Store a daily pain check-in (``context`` defaults to other, SPEC §2).

    ``source`` says who sent it: only the phone's are RTM data days (SPEC §11).
    Raises ``ValidationError`` and writes nothing if invalid.
    """
    pain_score = PainScore(athlete=athlete, date=date, score=score, context=context, source=source)
    pain_score.full_clean(validate_constraints=False)  # see HOT_PATH
    pain_score.save()
    progression_refresh(athlete, "pain_score.created", pain_score=pain_score.pk)
    return pain_score


DEVICE_LINK_DAYS_RANGE = "A link lasts between 1 and 365 days."
DEVICE_LINK_DISCHARGED = "A discharged athlete cannot get a phone link."


def device_link_token_hash(token: str) -> str:
    """Return the stored form of a link token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(request: HttpRequest, token: str) -> str:
    """Return the absolute phone address that opens with ``token``."""
    return request.build_absolute_uri(reverse("phone:open", kwargs={"token": token}))


@transaction.atomic
def device_link_create(
    *, athlete: Athlete, created_by: User, days: int = DEVICE_LINK_DAYS_DEFAULT
) -> tuple[DeviceLink, str]:
    """Create a phone link; return it with its secret token (shown once, never stored)."""
    if not 1 <= days <= 365:
        raise ValidationError({"expires_in_days": DEVICE_LINK_DAYS_RANGE})
    if athlete.status == AthleteStatus.DISCHARGED:
        raise ValidationError({"athlete": DEVICE_LINK_DISCHARGED})
    token = secrets.token_urlsafe(32)
    link = DeviceLink.objects.create(
        athlete=athlete,
        token_hash=device_link_token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return link, token


@transaction.atomic
def device_link_revoke(*, link: DeviceLink) -> DeviceLink:
    """Revoke the link at once (phones signed in with it lose access); idempotent."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


STAGE_ONLY_BY_CHANGE = "The stage changes only through a stage change (POST …/stage-changes/)."


@transaction.atomic
def athlete_update(*, athlete: Athlete, **fields: Any) -> Athlete:
    """Change an athlete's details or settings; the stage is not among them.

    Setting ``target_cadence_spm`` fixes the target by hand; setting it to None lets it
    follow the preferred rate again. Raises ``ValidationError`` and writes nothing when
    a value is invalid.
    """
    for name in ("stage", "stage_started_on", "stage_changed_at", "stage_entry_session"):
        if name in fields and fields[name] != getattr(athlete, name):
            raise ValidationError({name: STAGE_ONLY_BY_CHANGE})
    if "target_cadence_spm" in fields:
        athlete.target_cadence_is_manual = fields["target_cadence_spm"] is not None
    discharging = (
        fields.get("status") == AthleteStatus.DISCHARGED
        and athlete.status != AthleteStatus.DISCHARGED
    )
    for name, value in fields.items():
        setattr(athlete, name, value)
    athlete.full_clean()
    athlete.save()
    if discharging:
        # A discharged athlete's phone links end with the care: revoked, not only refused
        # while discharged, so re-activating the athlete never revives an old link.
        DeviceLink.objects.filter(athlete=athlete, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    progression_refresh(athlete)
    return athlete


def session_log_create_once(
    *, athlete: Athlete, client_id: uuid.UUID | None, **fields: Any
) -> tuple[SessionLog, bool]:
    """Store a session unless one with this ``client_id``, or read from the same watch
    file (``file_sha256`` among ``fields``), is already stored.

    Returns ``(session, created)``: a replayed ``client_id`` or file returns the stored session,
    also when two identical requests race (the unique constraint decides, not a check).
    One transaction (no savepoint when called outside one): the race's IntegrityError
    ends it, and the stored session is read after, outside it.
    """
    try:
        with transaction.atomic():
            return _session_store(
                athlete=athlete, replay_of=client_id, fields={**fields, "client_id": client_id}
            )
    except (IntegrityError, ValidationError):
        # Another request with this client_id committed after the check: the INSERT met
        # the unique constraint, or validation refused this body meanwhile. Either way
        # the stored session answers, as it would have had the check already seen it.
        existing = None
        if client_id is not None:
            # A deleted session keeps its client_id: a late retry of it is a replay too.
            existing = SessionLog.all_objects.filter(athlete=athlete, client_id=client_id).first()
        if existing is None and fields.get("file_sha256"):
            existing = SessionLog.objects.filter(
                athlete=athlete, file_sha256=fields["file_sha256"]
            ).first()
        if existing is None:
            raise
        return existing, False


def device_link_email(*, link: DeviceLink, url: str) -> bool:
    """Email the phone link to the athlete, if they have an address; return whether sent."""
    athlete = link.athlete
    if not athlete.email:
        return False
    context = {"athlete": athlete, "url": url, "link": link, "therapist": link.created_by}
    send_mail(
        subject=f"Your ITB Rehab link from {link.created_by.get_full_name() or 'your PT'}",
        message=render_to_string("emails/device_link.txt", context),
        from_email=None,
        recipient_list=[athlete.email],
    )
    return True
