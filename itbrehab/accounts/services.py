"""Writes for clinics and therapists."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from itbrehab.accounts.models import Clinic, User

THERAPIST_EMAIL_OTHER_CLINIC = "This email already belongs to a therapist of another clinic."


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
