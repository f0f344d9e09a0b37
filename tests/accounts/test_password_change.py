"""A therapist changes their password: other sessions end, API tokens are revoked (SPEC §7).

Errors show beside the field they are about, and a refused form changes nothing. The old
password is checked as a login is, so guessing it is limited by the same lockout.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from knox.models import AuthToken

from itbrehab.accounts.models import User
from itbrehab.accounts.views import PASSWORD_CHANGED
from tests.factories import DEFAULT_PASSWORD
from tests.support.accounts import logged_in_browser, token_works

URL = "/accounts/password/"
NEW_PASSWORD = "Calf-raises-every-day-42"


def _change(browser: Client, old: str, new1: str, new2: str | None = None) -> Any:
    return browser.post(
        URL,
        {
            "old_password": old,
            "new_password1": new1,
            "new_password2": new1 if new2 is None else new2,
        },
    )


def test_the_page_is_linked_from_the_pt_navigation(therapist: User) -> None:
    html = logged_in_browser(therapist).get(reverse("dashboard")).content.decode()

    assert f'href="{URL}"' in html


def test_the_page_asks_for_the_old_password_and_the_new_one_twice(therapist: User) -> None:
    response = logged_in_browser(therapist).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in html
    assert "at least 12 characters" in html


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_changing_the_password_keeps_this_session_and_ends_every_other(
    therapist: User,
) -> None:
    here, elsewhere = logged_in_browser(therapist), logged_in_browser(therapist, address="10.0.0.2")
    _token, secret = AuthToken.objects.create(therapist)
    _other_token, other_secret = AuthToken.objects.create(therapist)
    assert elsewhere.get(reverse("dashboard")).status_code == 200
    assert token_works(secret)

    response = _change(here, DEFAULT_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = here.get(response["Location"])
    assert page.status_code == 200  # still logged in here
    assert PASSWORD_CHANGED in page.content.decode()
    # The other browser is logged out on its next request…
    other = elsewhere.get(reverse("dashboard"))
    assert other.status_code == 302
    assert other["Location"].startswith(reverse("login"))
    # …and every API token is gone.
    assert not AuthToken.objects.filter(user=therapist).exists()
    assert not token_works(secret)
    assert not token_works(other_secret)
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)


def test_a_colleagues_sessions_and_tokens_are_untouched(therapist: User, colleague: User) -> None:
    colleague_browser = logged_in_browser(colleague)
    _token, secret = AuthToken.objects.create(colleague)

    _change(logged_in_browser(therapist), DEFAULT_PASSWORD, NEW_PASSWORD)

    assert colleague_browser.get(reverse("dashboard")).status_code == 200
    assert token_works(secret)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        (
            DEFAULT_PASSWORD,
            "Short-pw-1",
            None,
            "new_password1",
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            DEFAULT_PASSWORD,
            "password1234",
            None,
            "new_password1",
            "This password is too common.",
        ),
        (
            "not-my-password-at-all",
            NEW_PASSWORD,
            None,
            "old_password",
            "Your old password was entered incorrectly. Please enter it again.",
        ),
        (
            DEFAULT_PASSWORD,
            NEW_PASSWORD,
            NEW_PASSWORD + "!",
            "new_password2",
            "The two password fields didn’t match.",
        ),
    ],
    ids=["too-short", "common", "wrong-old-password", "mismatch"],
)
def test_a_refused_change_says_why_beside_the_field_and_changes_nothing(
    therapist: User, old: str, new1: str, new2: str | None, field: str, message: str
) -> None:
    here, elsewhere = logged_in_browser(therapist), logged_in_browser(therapist, address="10.0.0.2")
    _token, secret = AuthToken.objects.create(therapist)
    password_hash = User.objects.get(pk=therapist.pk).password

    response = _change(here, old, new1, new2)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert list(form.errors) == [field]
    html = response.content.decode()
    # Beside the field: right after its input, which names it in aria-describedby.
    assert f'<p class="error" id="id_{field}_error" role="alert">{escape(message)}</p>' in html
    assert re.search(rf'name="{field}"[^>]*aria-describedby="[^"]*\bid_{field}_error\b', html)
    assert User.objects.get(pk=therapist.pk).password == password_hash
    assert token_works(secret)
    assert elsewhere.get(reverse("dashboard")).status_code == 200


def test_guessing_the_old_password_is_locked_out_like_a_login(therapist: User) -> None:
    browser = logged_in_browser(therapist)
    statuses = [
        _change(browser, f"wrong-guess-{attempt}", NEW_PASSWORD).status_code
        for attempt in range(10)
    ]

    assert statuses == [200] * 9 + [429]  # the 10th failure locks, as on the login form
    assert _change(browser, DEFAULT_PASSWORD, NEW_PASSWORD).status_code == 429
    therapist.refresh_from_db()
    assert therapist.check_password(DEFAULT_PASSWORD)
    # The lockout is the login's own: this account from this address cannot log in either.
    refused = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), {"username": therapist.email, "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 429
