"""Reads for athletes, each scoped to the requesting therapist's clinic."""

from __future__ import annotations

from django.db.models import QuerySet

from athletes.models import Athlete
from itbrehab.accounts.models import User


def athletes_for_user(user: User) -> QuerySet[Athlete]:
    """Return the athletes of the user's clinic (none for a user without one)."""
    if user.clinic_id is None:
        return Athlete.objects.none()
    return Athlete.objects.filter(clinic_id=user.clinic_id).select_related("therapist")
