"""Reads for the clinic admin's Team page, scoped to the admin's own clinic."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from itbrehab.accounts.models import User


def team_for_admin(admin: User) -> QuerySet[User]:
    """Return the therapists of the admin's clinic, each with ``athlete_count``, in one query.

    ``athlete_count`` counts the active (not discharged) athletes assigned to them in this
    clinic: the caseload someone must take over when they leave. Admins come first, then
    by name; deactivated therapists are listed too (they can be re-activated).
    """
    return (
        User.objects.filter(clinic_id=admin.clinic_id)
        .annotate(
            athlete_count=Count(
                "athletes",
                filter=Q(athletes__clinic_id=admin.clinic_id, athletes__status="active"),
                # AthleteStatus.ACTIVE: athletes imports accounts, never the reverse.
            )
        )
        .order_by("-is_active", "-is_clinic_admin", "last_name", "first_name", "email")
    )


def team_member_for_admin(admin: User, therapist_id: int | str) -> User:
    """Return the therapist if they belong to the admin's clinic; raise Http404 otherwise."""
    try:
        return User.objects.get(pk=int(therapist_id), clinic_id=admin.clinic_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such therapist in your clinic.") from None
