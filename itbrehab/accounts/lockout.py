"""The account django-axes counts failed logins against (per account and address)."""

from __future__ import annotations

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """Return the lower-cased login email from the credentials, else from the posted form.

    The login page posts ``username`` and the API passes ``email``: both must count
    toward the same account, whatever the capitalisation.
    """
    for source in (credentials or {}, getattr(request, "POST", {})):
        for key in ("email", "username"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None
