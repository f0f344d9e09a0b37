"""Password pages: change (logged in) and reset by email (logged out), Django's views.

Whichever way a password changes, ``User.save()`` revokes the user's API tokens and
Django ends their other browser sessions on their next request (session auth hash).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpResponse
from django.urls import reverse_lazy

from itbrehab.accounts.forms import PasswordChangeForm, SetPasswordForm
from itbrehab.accounts.invitations import invitation_hours, invitation_token_generator

WELCOME = "Welcome to {clinic}: your password is set and you are logged in."
PASSWORD_CHANGED = (
    "Your password is changed. Your other sessions have ended and your API tokens are "
    "revoked: log in again wherever you still need them."
)


def reset_link_minutes() -> int:
    """Return how long a password-reset link works, in minutes."""
    return settings.PASSWORD_RESET_TIMEOUT // 60


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password; back to the dashboard with a message saying what it ended."""

    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: Form) -> HttpResponse:
        # Django keeps this session logged in (update_session_auth_hash); every other
        # session of the user fails the hash check on its next request.
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_CHANGED)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: the same answer whether or not the address has an account."""

    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        # The link starts with SITE_URL, as every link we email does, never with the
        # Host header of the request that asked for it.
        return {"site_url": settings.SITE_URL, "valid_minutes": reset_link_minutes()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "valid_minutes": reset_link_minutes()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "valid_minutes": reset_link_minutes()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link (which then stops working)."""

    form_class = SetPasswordForm


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """Set one's first password from an invitation link, then land on the dashboard logged in.

    Django's reset view with the invitation's token generator: the link works once,
    within ``INVITATION_TIMEOUT``, and never for a deactivated therapist.
    """

    form_class = SetPasswordForm
    token_generator = invitation_token_generator
    template_name = "registration/invitation_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("dashboard")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "valid_hours": invitation_hours()}

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, WELCOME.format(clinic=form.user.clinic))
        return response
