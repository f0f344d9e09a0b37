"""Writes for clinics and therapists."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from itbrehab.accounts.models import Clinic, User

THERAPIST_EMAIL_OTHER_CLINIC = "This email already belongs to a therapist of another clinic."
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
) -> tuple[User, bool]:
    """Create the therapist, or reset the password of the one with this email.

    Returns the user and whether it was created. Raises ``ValidationError`` for a weak
    password (when ``validate``), a bad email, or an email taken in another clinic.
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
    user.full_clean(exclude=["password"])
    user.save()
    return user, created


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """Issue an API token to ``user``; return the row and the secret (shown only now).

    Raises ``ApiTokenLimitReached`` when the user already holds knox's
    ``TOKEN_LIMIT_PER_USER`` live tokens. Expired tokens do not count: they are deleted
    here, as knox itself deletes them only when one is presented.
    """
    # Lock the user's row: two logins at once cannot both take the last place.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    user.auth_token_set.filter(expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and user.auth_token_set.count() >= limit:
        raise ApiTokenLimitReached(limit)
    return AuthToken.objects.create(user)
