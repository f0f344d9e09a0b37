"""Every way a password changes revokes the user's API tokens and ends their sessions.

The change and reset pages have their own modules; here: the admin, ``create_therapist``
run again, the service, and what must NOT revoke anything (a profile edit, a password
rehashed at login when the hasher is upgraded).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from itbrehab.accounts.models import User
from itbrehab.accounts.services import therapist_create_or_update
from tests.factories import DEFAULT_PASSWORD
from tests.support.accounts import logged_in_browser, token_works

NEW_PASSWORD = "Glute-bridges-twice-daily"


@pytest.fixture
def secret(therapist: User) -> str:
    """An API token of the therapist."""
    return AuthToken.objects.create(therapist)[1]


@pytest.fixture
def pt_browser(therapist: User) -> Client:
    """The therapist logged in through the login page."""
    return logged_in_browser(therapist)


def _logged_in(browser: Client) -> bool:
    return browser.get(reverse("dashboard")).status_code == 200


@pytest.fixture
def admin_browser(db: None) -> Client:
    admin = User.objects.create_superuser("admin@itbrehab.example", "Admin-password-long-1")
    browser = Client()
    browser.force_login(admin)
    return browser


def test_an_admin_setting_the_password_revokes_tokens_and_ends_sessions(
    therapist: User, secret: str, pt_browser: Client, admin_browser: Client
) -> None:
    url = reverse("admin:auth_user_password_change", args=[therapist.pk])

    response = admin_browser.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302, response.context["form"].errors
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert not token_works(secret)
    assert not _logged_in(pt_browser)
    assert _logged_in(admin_browser)  # the admin's own session is not the therapist's


def test_an_admin_disabling_password_login_revokes_tokens(
    therapist: User, secret: str, admin_browser: Client
) -> None:
    url = reverse("admin:auth_user_password_change", args=[therapist.pk])

    response = admin_browser.post(url, {"usable_password": "false", "unset-password": "1"})

    assert response.status_code == 302, response.context["form"].errors
    therapist.refresh_from_db()
    assert not therapist.has_usable_password()
    assert not token_works(secret)


def test_an_admin_refused_a_weak_password_changes_nothing(
    therapist: User, secret: str, admin_browser: Client
) -> None:
    url = reverse("admin:auth_user_password_change", args=[therapist.pk])

    response = admin_browser.post(url, {"password1": "short-pw", "password2": "short-pw"})

    assert response.status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(DEFAULT_PASSWORD)
    assert token_works(secret)


def test_create_therapist_run_again_with_a_new_password_revokes_tokens_and_sessions(
    therapist: User, secret: str, pt_browser: Client, tmp_path: Any
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(NEW_PASSWORD + "\n")

    call_command(
        "create_therapist",
        "--clinic",
        therapist.clinic.name,
        "--email",
        therapist.email,
        "--password-file",
        str(password_file),
    )

    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert not token_works(secret)
    assert not _logged_in(pt_browser)


def test_the_service_setting_a_password_revokes_only_that_users_tokens(
    therapist: User, colleague: User, secret: str
) -> None:
    colleague_secret = AuthToken.objects.create(colleague)[1]

    therapist_create_or_update(
        clinic=therapist.clinic, email=therapist.email, password=NEW_PASSWORD
    )

    assert not token_works(secret)
    assert token_works(colleague_secret)


def test_a_profile_edit_keeps_tokens_and_sessions(
    therapist: User, secret: str, pt_browser: Client
) -> None:
    therapist.first_name = "Alexandra"
    therapist.save()

    assert token_works(secret)
    assert _logged_in(pt_browser)


def test_a_password_rehashed_at_login_revokes_nothing(
    therapist: User, secret: str, settings: Any
) -> None:
    # The stored hash is MD5 (the suite's fast hasher); make PBKDF2 the preferred one, as
    # a Django upgrade raising the work factor does: the next login rehashes the password.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert therapist.password.startswith("md5$")

    browser = Client()
    response = browser.post(
        reverse("login"), {"username": therapist.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.password.startswith("pbkdf2_sha256$")
    assert token_works(secret)
