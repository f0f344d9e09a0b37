"""Invitations: an email whose link lets a new therapist set their first password.

The link is Django's password-reset link with its own token generator: a different salt
(a reset token never opens an invitation, nor the reverse), its own lifetime
(``INVITATION_TIMEOUT``, longer than a reset link's hour) and the user's active flag in
the hash, so deactivating an invitee kills their link. Like a reset link it works once:
setting the password changes the hash it was made from.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from itbrehab.accounts.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "itbrehab.accounts.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        """Return whether ``token`` is this user's and younger than ``INVITATION_TIMEOUT``.

        Django's own check reads ``PASSWORD_RESET_TIMEOUT``; the signature part is the same.
        """
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > settings.INVITATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()


def invitation_hours() -> int:
    """Return how long an invitation link works, in hours."""
    return settings.INVITATION_TIMEOUT // 3600


def invitation_url(user: User) -> str:
    """Return the absolute set-your-password link for ``user`` (starting with SITE_URL)."""
    path = reverse(
        "invitation_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def invitation_email(*, user: User, invited_by: User) -> None:
    """Send ``user`` the invitation to set their password and join ``invited_by``'s clinic."""
    context = {
        "user": user,
        "invited_by": invited_by,
        "clinic": user.clinic,
        "url": invitation_url(user),
        "valid_hours": invitation_hours(),
    }
    send_mail(
        subject=f"ITB Rehab: set your password to join {user.clinic}",
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
