"""Reads for athletes, each scoped to the requesting therapist's clinic or to one athlete.

Every view and API endpoint reaches athletes and their rows through these helpers, which
answer 404 alike for "does not exist" and "not yours", and note for the audit which
athlete (or the clinic's list) the request read (``itbrehab.audit.access``). A phone
reads only its own athlete's rows (``morning_question``): its link chose the athlete.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from athletes.models import RUNNING_TYPES, Athlete, DeviceLink, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.access import note_read


def _clinic_athletes(user: User) -> QuerySet[Athlete]:
    if not user.is_authenticated or user.clinic_id is None:
        return Athlete.objects.none()
    return Athlete.objects.filter(clinic_id=user.clinic_id).select_related("therapist", "clinic")


def athletes_for_user(user: User) -> QuerySet[Athlete]:
    """Return the athletes of the user's clinic (none for a user without one).

    A request that uses it shows the clinic's list: the audit records one read of it.
    """
    note_read()
    return _clinic_athletes(user)


def athlete_for_user(user: User, athlete_id: int | str) -> Athlete:
    """Return the athlete if it belongs to the user's clinic; raise Http404 otherwise.

    The audit records one read of this athlete for the request, if it answers 200.
    """
    try:
        athlete = _clinic_athletes(user).get(pk=int(athlete_id))
    except (Athlete.DoesNotExist, ValueError, TypeError):
        raise Http404("No such athlete.") from None
    note_read(athlete.pk)
    return athlete


def sessions_for_user(user: User) -> QuerySet[SessionLog]:
    """Return the session logs of the user's clinic (the API notes the one it shows)."""
    if not user.is_authenticated or user.clinic_id is None:
        return SessionLog.objects.none()
    return SessionLog.objects.filter(athlete__clinic_id=user.clinic_id)


def device_links_for_user(user: User) -> QuerySet[DeviceLink]:
    """Return the phone links of the user's clinic."""
    if not user.is_authenticated or user.clinic_id is None:
        return DeviceLink.objects.none()
    return DeviceLink.objects.filter(athlete__clinic_id=user.clinic_id)


def with_last_session(athletes: QuerySet[Athlete]) -> QuerySet[Athlete]:
    """Annotate each athlete with their newest session's date and pains (one query in all)."""
    latest = SessionLog.objects.filter(athlete=OuterRef("pk")).order_by("-date", "-id")
    return athletes.annotate(
        last_session_date=Subquery(latest.values("date")[:1]),
        last_pain_during=Subquery(latest.values("pain_during")[:1]),
        last_pain_after=Subquery(latest.values("pain_after")[:1]),
        last_pain_next_morning=Subquery(latest.values("pain_next_morning")[:1]),
    )


def session_from_file(athlete: Athlete, file_sha256: str) -> SessionLog | None:
    """Return the athlete's live session read from this watch file, if stored (one query)."""
    return SessionLog.objects.filter(athlete=athlete, file_sha256=file_sha256).first()


def morning_question(athlete: Athlete, today: dt.date) -> SessionLog | None:
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
