"""The Django admin: for site administrators (superusers) only, never for therapists.

Therapists work in the app's own pages, which check clinic ownership; the admin sees
every clinic, so staff status alone must not open it. The clinical record (sessions,
pain scores, stage changes, reviews) is read-only here: it changes only through the
services, which validate it and keep the engine's bookkeeping right.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, refusing anyone who is not a superuser."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class SuperuserAdminSite(admin.AdminSite):
    site_header = "ITB Rehab administration"
    site_title = "ITB Rehab admin"
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        """Let in active superusers only (Django's default lets in any active staff user)."""
        user = request.user
        return bool(user.is_active and user.is_superuser)


class ReadOnlyAdminMixin:
    """Show the rows; never add, change or delete them from the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
