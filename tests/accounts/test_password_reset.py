"""A therapist who forgot their password sets a new one from an emailed link (SPEC §7).

The answer never says whether an address has an account; the link works once; setting the
password ends every session and revokes every API token; the login lockout still holds.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.accounts import logged_in_browser, token_works

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "Hip-abductors-on-tuesdays"
LINK = re.compile(r"^(https?://\S+/accounts/password/reset/\S+/\S+/)$", re.MULTILINE)


def _ask_for_a_link(email: str) -> Any:
    return Client().post(RESET_URL, {"email": email})


def _emailed_link() -> str:
    """Return the one link of the one email sent."""
    assert len(mail.outbox) == 1
    found = LINK.search(mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def _emailed_path() -> str:
    """Return the path of the emailed link, as the test client requests it."""
    return urlsplit(_emailed_link()).path


def _set_password(browser: Client, link: str, new1: str, new2: str | None = None) -> Any:
    """Open the emailed link as a browser does, then post the new password twice."""
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    return browser.post(
        path, {"new_password1": new1, "new_password2": new1 if new2 is None else new2}
    )


def test_the_login_page_links_to_the_reset_page(db: None) -> None:
    html = Client().get(reverse("login")).content.decode()

    assert f'href="{RESET_URL}"' in html
    assert "Forgot your password?" in html


def test_the_full_reset_flow_sets_the_password_and_ends_everything_else(
    therapist: User, settings: Any
) -> None:
    settings.SITE_URL = "https://rehab.example.org"
    browser_elsewhere = logged_in_browser(therapist)
    _token, secret = AuthToken.objects.create(therapist)

    response = _ask_for_a_link(therapist.email.upper())  # any capitalisation

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    message = mail.outbox[0]
    assert message.to == [therapist.email]
    assert message.subject == "ITB Rehab: set a new password"
    link = _emailed_link()
    # The link starts with SITE_URL, never with whatever Host the request named.
    assert link.startswith("https://rehab.example.org/accounts/password/reset/")
    assert "60 minutes" in message.body

    browser = Client()
    response = _set_password(browser, urlsplit(link).path, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert not therapist.check_password(DEFAULT_PASSWORD)
    # Every API token revoked, every browser session ended.
    assert not AuthToken.objects.filter(user=therapist).exists()
    assert not token_works(secret)
    assert browser_elsewhere.get(reverse("dashboard")).status_code == 302
    # The reset itself logs nobody in: the new password does.
    assert browser.get(reverse("dashboard")).status_code == 302
    assert (
        Client()
        .post(reverse("login"), {"username": therapist.email, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_the_link_works_only_once(therapist: User) -> None:
    _ask_for_a_link(therapist.email)
    link = _emailed_path()
    assert _set_password(Client(), link, NEW_PASSWORD).status_code == 302

    again = Client().get(link, follow=True)

    assert again.status_code == 200
    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()
    response = Client().post(
        again.redirect_chain[-1][0] if again.redirect_chain else link,
        {"new_password1": "Another-new-password-9", "new_password2": "Another-new-password-9"},
    )
    assert response.status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    therapist: User, colleague: User
) -> None:
    known = _ask_for_a_link(therapist.email)
    mail.outbox.clear()
    colleague.is_active = False
    colleague.save()

    for email in ("nobody@riverside.example", colleague.email):
        unknown = _ask_for_a_link(email)
        assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert mail.outbox == []

    done = Client().get(known["Location"]).content.decode()
    assert "If an account uses that address" in done


def test_a_weak_new_password_is_refused_beside_the_field(therapist: User) -> None:
    _ask_for_a_link(therapist.email)
    browser = Client()

    response = _set_password(browser, _emailed_path(), "Short-pw-1")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_password1": ["This password is too short. It must contain at least 12 characters."]
    }
    therapist.refresh_from_db()
    assert therapist.check_password(DEFAULT_PASSWORD)


def test_a_reset_does_not_lift_a_login_lockout(therapist: User) -> None:
    locked = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(10):
        locked.post(reverse("login"), {"username": therapist.email, "password": "wrong-guess-1"})
    # Locked out, the therapist can still ask for a link and set a new password…
    _ask_for_a_link(therapist.email)
    assert _set_password(Client(), _emailed_path(), NEW_PASSWORD).status_code == 302

    # …but the lockout of this account from that address runs its course.
    response = locked.post(
        reverse("login"), {"username": therapist.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.10").post(
        reverse("login"), {"username": therapist.email, "password": NEW_PASSWORD}
    )
    assert other_address.status_code == 302


@pytest.mark.parametrize("address", ["not-an-email", ""])
def test_a_malformed_address_is_refused_beside_the_field(db: None, address: str) -> None:
    response = Client().post(RESET_URL, {"email": address})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'id="id_email_error"' in response.content.decode()
    assert mail.outbox == []
