"""Clinics and the therapists who log in to them."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from itbrehab.db import range_check, range_validators

TIME_ZONE_UNKNOWN = "Unknown time zone: use an IANA name such as Europe/London."
USER_CLINIC_REQUIRED = "A therapist must belong to a clinic."
CLINIC_ADMIN_ACTIVE = "A clinic admin must be an active therapist of a clinic."
THERAPIST_MOVE_WITH_ATHLETES = (
    "This therapist still has athletes in their clinic: hand them to a colleague before "
    "moving the therapist to another clinic."
)


@functools.cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA time-zone name."""
    if value not in _time_zone_names():
        raise ValidationError(TIME_ZONE_UNKNOWN, code="invalid_time_zone")


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so a review day compares with it directly.
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class Clinic(models.Model):
    name = models.CharField(max_length=200, validators=[ProhibitNullCharactersValidator()])
    # "Today", "the future" and the weekly review hour are all judged in this zone.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    review_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text="Day the weekly stage-review email goes out, in the clinic's time zone.",
    )
    review_hour = models.PositiveSmallIntegerField(
        default=8,
        validators=range_validators(0, 23),
        help_text="Hour (0–23, clinic time) the weekly stage-review email goes out.",
    )
    # For clinics whose mail leaves their control (SPEC §7): the weekly email then carries
    # only the counts and a link, never an athlete's name, stage or pain.
    review_email_counts_only = models.BooleanField(
        "weekly email: counts and a link only",
        default=False,
        help_text="Leave athletes' names, stages and pain out of the weekly stage-review email.",
    )
    # SPEC §11: remote therapeutic monitoring (US billing codes: data days, management
    # time, the monthly report). On unless a clinic admin turns it off (clinics outside
    # the US).
    rtm_enabled = models.BooleanField(
        "remote therapeutic monitoring (US)",
        default=True,
        help_text="Count data days and management time and offer the monthly RTM report.",
    )
    # The event types some live webhook endpoint of the clinic wants, kept by
    # ``itbrehab.webhooks.services``: a write, which has its athlete's clinic loaded
    # already, knows without a query whether to write an event to the outbox.
    webhook_events = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="clinic_name_unique_ci",
                violation_error_message="A clinic with this name already exists.",
            ),
            range_check("clinic", "review_weekday", 0, 6),
            range_check("clinic", "review_hour", 0, 23),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> dt.date:
        """Return today's date in the clinic's time zone."""
        return timezone.localdate(timezone=self.zone)


class UserManager(BaseUserManager["User"]):
    """Create users who log in by email; emails are stored lower-case."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Log-in is case-insensitive: people type their address however they like.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A therapist (or a site administrator, who needs no clinic)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(
        "email address", unique=True, validators=[ProhibitNullCharactersValidator()]
    )
    # A therapist sees only their clinic's athletes.
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="therapists"
    )
    # SPEC §8: a clinic admin manages the clinic's team (invite, deactivate, make admin).
    # Every therapist still sees and treats every athlete of the clinic; the Django admin
    # stays for superusers.
    is_clinic_admin = models.BooleanField(
        "clinic admin",
        default=False,
        help_text="Manages the clinic's therapists: invites, deactivates, makes admins.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message="A user with this email address already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(clinic__isnull=False) | models.Q(is_superuser=True),
                name="user_clinic_required_unless_superuser",
                violation_error_message=USER_CLINIC_REQUIRED,
            ),
            # Deactivating an admin takes the role too, so "the clinic's active admins"
            # and "the clinic's admins" are one set.
            models.CheckConstraint(
                condition=models.Q(is_clinic_admin=False)
                | models.Q(is_active=True, clinic__isnull=False),
                name="user_clinic_admin_active",
                violation_error_message=CLINIC_ADMIN_ACTIVE,
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    # set_unusable_password() (the admin's "password-based authentication: disabled")
    # changes the password without the raw value set_password() leaves for save().
    _password_disabled = False

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_disabled = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the user; after a password change, revoke every API token they hold (SPEC §7).

        Every way to change a password ends here: the change and reset pages, the admin,
        ``manage.py changepassword``, our services (``create_therapist``). Django marks a
        change by leaving the raw password in ``_password`` until this save (its own
        ``password_changed`` hook reads it); a password rehashed at login clears it first,
        so upgrading the hasher revokes nothing. The user's other browser sessions end on
        their next request, as their session hash no longer matches the password.
        """
        password_changed = (
            self._password is not None or self._password_disabled
        ) and not self._state.adding
        super().save(*args, **kwargs)
        self._password_disabled = False
        if password_changed:
            self.auth_token_set.all().delete()  # knox's AuthToken rows

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()
        if self.clinic_id is None and not self.is_superuser:
            raise ValidationError({"clinic": USER_CLINIC_REQUIRED})
        if self.pk is not None and self._moves_away_from_their_athletes():
            raise ValidationError({"clinic": THERAPIST_MOVE_WITH_ATHLETES})

    def _moves_away_from_their_athletes(self) -> bool:
        """Return whether the clinic changes while athletes of the old one are theirs.

        Their athletes would stay in the old clinic with a therapist who can no longer
        see them, and the new clinic's emails would list them.
        """
        stored = User.objects.filter(pk=self.pk).values_list("clinic_id", flat=True).first()
        if stored is None or stored == self.clinic_id:
            return False
        return self.athletes.filter(clinic_id=stored).exists()
