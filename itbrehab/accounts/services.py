"""Writes for clinics and therapists, and the clinic admin's team actions (SPEC §8)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from itbrehab.accounts.invitations import invitation_email
from itbrehab.accounts.models import Clinic, User

THERAPIST_EMAIL_OTHER_CLINIC = "This email already belongs to a therapist of another clinic."
THERAPIST_ALREADY_ON_TEAM = "This email already belongs to a therapist of your clinic."
THERAPIST_INVITE_INACTIVE = (
    "This therapist of your clinic is deactivated: re-activate them instead of inviting."
)
NO_LONGER_ADMIN = "You are no longer a clinic admin: another admin changed your role."
CANNOT_DEACTIVATE_SELF = "You cannot deactivate yourself: ask another admin of the clinic."
LAST_ADMIN = (
    "{name} is the clinic's last admin: make another therapist admin first, "
    "so someone can still manage the team."
)
API_TOKEN_LIMIT_REACHED = (
    "This account already holds {limit} API tokens, the most it may. Revoke one "
    "(DELETE /api/v1/auth/token/ with it), or change the password to revoke them all."
)


class ApiTokenLimitReached(Exception):
    """The user already holds ``TOKEN_LIMIT_PER_USER`` live API tokens."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(API_TOKEN_LIMIT_REACHED.format(limit=limit))


@transaction.atomic
def clinic_get_or_create(*, name: str, time_zone: str = "UTC") -> tuple[Clinic, bool]:
    """Return the clinic called ``name`` (any case) and whether it was created now."""
    existing = Clinic.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing, False
    clinic = Clinic(name=name.strip(), time_zone=time_zone)
    clinic.full_clean()
    clinic.save()
    return clinic, True


@transaction.atomic
def therapist_create_or_update(
    *,
    clinic: Clinic,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    validate: bool = True,
    make_admin: bool = False,
) -> tuple[User, bool]:
    """Create the therapist, or reset the password of the one with this email.

    ``make_admin`` makes them a clinic admin (it never takes the role away). Returns the
    user and whether it was created. Raises ``ValidationError`` for a weak password (when
    ``validate``), a bad email, or an email taken in another clinic.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    created = user is None
    if user is None:
        user = User(email=email.strip().lower(), clinic=clinic)
    elif user.clinic_id != clinic.pk:
        raise ValidationError({"email": THERAPIST_EMAIL_OTHER_CLINIC})
    if first_name:
        user.first_name = first_name
    if last_name:
        user.last_name = last_name
    if validate:
        validate_password(password, user)
    user.set_password(password)
    if make_admin:
        user.is_clinic_admin = True
    user.full_clean(exclude=["password"])
    user.save()
    return user, created


def therapist_invite(*, admin: User, email: str, first_name: str, last_name: str) -> User:
    """Add a therapist to the admin's clinic and email them a set-your-password link.

    The new therapist has no usable password until they follow the link. Inviting again
    someone who never set their password sends a fresh link (the old one may have
    expired). Raises ``ValidationError`` on ``email`` when it belongs to a therapist of
    another clinic, or to one of this clinic who is already in (or deactivated).
    """
    if not admin.is_clinic_admin:
        raise ValueError("Only a clinic admin invites therapists.")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
        if user is None:
            user = User(email=email.strip().lower(), clinic_id=admin.clinic_id)
            user.set_unusable_password()
        elif user.clinic_id != admin.clinic_id:
            raise ValidationError({"email": THERAPIST_EMAIL_OTHER_CLINIC})
        elif not user.is_active:
            raise ValidationError({"email": THERAPIST_INVITE_INACTIVE})
        elif user.has_usable_password() or user.last_login is not None:
            raise ValidationError({"email": THERAPIST_ALREADY_ON_TEAM})
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.full_clean(exclude=["password"])
        user.save()
    # After the commit: an email never invites to a row that was rolled back.
    invitation_email(user=user, invited_by=admin)
    return user


def _lock_clinic_team(admin: User, therapist: User) -> None:
    """Lock the clinic's row and re-read the therapist's role under that lock.

    Two admins demoting each other at once then still leave one admin: the second
    finds they are no longer an admin. Raises ``ValidationError`` in that case.
    """
    if therapist.clinic_id != admin.clinic_id:
        raise ValueError("Only an admin of the therapist's own clinic manages them.")
    Clinic.objects.select_for_update().only("pk").get(pk=admin.clinic_id)
    admin.refresh_from_db(fields=["is_active", "is_clinic_admin"])
    therapist.refresh_from_db(fields=["is_active", "is_clinic_admin"])
    if not admin.is_clinic_admin:  # demoted by another admin since the page loaded
        raise ValidationError(NO_LONGER_ADMIN, code="not_admin")


def _refuse_losing_the_last_admin(therapist: User) -> None:
    others = User.objects.filter(clinic_id=therapist.clinic_id, is_clinic_admin=True).exclude(
        pk=therapist.pk
    )
    if therapist.is_clinic_admin and not others.exists():
        raise ValidationError(LAST_ADMIN.format(name=therapist), code="last_admin")


@transaction.atomic
def therapist_deactivate(*, admin: User, therapist: User) -> User:
    """Deactivate a therapist of the admin's clinic: they can no longer log in or use the API.

    Their browser sessions and API tokens end now (deleted, so a later re-activation does
    not revive them; until then ``is_active`` refuses them anyway); an admin loses the
    role. Their athletes stay in the clinic, still theirs until reassigned. Raises
    ``ValidationError`` for oneself or the clinic's last admin.
    """
    _lock_clinic_team(admin, therapist)
    if therapist.pk == admin.pk:
        raise ValidationError(CANNOT_DEACTIVATE_SELF, code="self")
    _refuse_losing_the_last_admin(therapist)
    therapist.is_active = False
    therapist.is_clinic_admin = False
    therapist.save(update_fields=["is_active", "is_clinic_admin"])
    therapist.auth_token_set.all().delete()  # knox's AuthToken rows
    end_browser_sessions(therapist)
    return therapist


def end_browser_sessions(user: User, *, keep: str | None = None) -> None:
    """Delete the user's stored browser sessions, except the one whose key is ``keep``.

    Sessions carry the user id only inside their signed data, so each live one is read;
    a therapist session lives at most ``SESSION_ABSOLUTE_TIMEOUT`` (its row expires
    then), which keeps the scan to the sessions of the last hours.
    """
    user_id = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    ended = [
        s.pk
        for s in live.exclude(pk=keep or "").iterator()
        if s.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()


@transaction.atomic
def therapist_reactivate(*, admin: User, therapist: User) -> User:
    """Let a deactivated therapist of the admin's clinic log in again (as a plain therapist)."""
    _lock_clinic_team(admin, therapist)
    therapist.is_active = True
    therapist.save(update_fields=["is_active"])
    return therapist


@transaction.atomic
def therapist_set_admin(*, admin: User, therapist: User, is_admin: bool) -> User:
    """Give a therapist the clinic-admin role, or take it away (never from the last admin).

    Raises ``ValidationError`` for a deactivated therapist or the clinic's last admin.
    """
    _lock_clinic_team(admin, therapist)
    if not is_admin:
        _refuse_losing_the_last_admin(therapist)
    therapist.is_clinic_admin = is_admin
    therapist.full_clean(exclude=["password"])
    therapist.save(update_fields=["is_clinic_admin"])
    return therapist


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """Issue an API token to ``user``; return the row and the secret (shown only now).

    Raises ``ApiTokenLimitReached`` when the user already holds knox's
    ``TOKEN_LIMIT_PER_USER`` live tokens. Expired tokens do not count: they are deleted
    here, the one place where they would matter (a request deletes only the expired
    token it presents: ``itbrehab.api_auth``).
    """
    # Lock the user's row: two logins at once cannot both take the last place.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    user.auth_token_set.filter(expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and user.auth_token_set.count() >= limit:
        raise ApiTokenLimitReached(limit)
    return AuthToken.objects.create(user)


@transaction.atomic
def clinic_rtm_set(*, admin: User, enabled: bool) -> Clinic:
    """Turn remote therapeutic monitoring (SPEC §11) on or off for the admin's clinic.

    Off hides the athlete page's section and the report and refuses the RTM API; the
    data days and logged time stay, and count again when it is turned back on. Raises
    ``PermissionDenied`` for anyone but a clinic admin.
    """
    if not (admin.is_clinic_admin and admin.clinic_id):
        raise PermissionDenied("Only a clinic admin changes the clinic's settings.")
    clinic = admin.clinic
    clinic.rtm_enabled = enabled
    clinic.save(update_fields=["rtm_enabled"])
    return clinic
