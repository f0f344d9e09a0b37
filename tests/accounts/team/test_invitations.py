"""An admin invites a therapist: one email whose link sets their password and logs them in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from itbrehab.accounts.models import User
from itbrehab.accounts.services import (
    THERAPIST_ALREADY_ON_TEAM,
    THERAPIST_EMAIL_OTHER_CLINIC,
)

NEW_PASSWORD = "Cadence-plus-five-percent"
INVITEE = {"email": "Nia@Riverside.example", "first_name": "Nia", "last_name": "Okafor"}


def _invite(browser: Client, **fields: str) -> Any:
    return browser.post("/team/invite/", {**INVITEE, **fields})


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+(/accounts/invitation/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _set_password(browser: Client, link: str) -> Any:
    """Open the link (Django swaps the token for a session key) and set the password."""
    form_url = browser.get(link)["Location"]
    return browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_inviting_creates_a_therapist_without_a_password_and_sends_one_email(
    admin_browser: Client, admin: User
) -> None:
    response = _invite(admin_browser)

    assert response.status_code == 302
    invitee = User.objects.get(email="nia@riverside.example")
    assert invitee.clinic == admin.clinic
    assert not invitee.has_usable_password()
    assert not invitee.is_clinic_admin
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia@riverside.example"]
    assert "set your password" in message.subject.lower()
    assert "set your password" in message.body
    assert "reset" not in message.body.lower() + message.subject.lower()
    assert _link(message).startswith("/accounts/invitation/")
    assert "Invited" in admin_browser.get("/team/").content.decode()


def test_the_link_sets_the_password_and_lands_on_the_dashboard_logged_in(
    admin_browser: Client,
) -> None:
    _invite(admin_browser)
    browser = Client()

    response = _set_password(browser, _link(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    dashboard = browser.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "Welcome to Riverside Physio" in dashboard.content.decode()
    assert User.objects.get(email="nia@riverside.example").check_password(NEW_PASSWORD)


def test_a_used_link_is_refused(admin_browser: Client) -> None:
    _invite(admin_browser)
    link = _link(mail.outbox[0])
    _set_password(Client(), link)

    page = Client().get(link, follow=True).content.decode()

    assert "This invitation no longer works" in page


def test_an_expired_link_is_refused_and_sets_nothing(
    admin_browser: Client, time_machine: Any
) -> None:
    _invite(admin_browser)
    link = _link(mail.outbox[0])
    time_machine.move_to(
        dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=settings.INVITATION_TIMEOUT + 60)
    )

    page = Client().get(link, follow=True).content.decode()

    assert "This invitation no longer works" in page
    assert not User.objects.get(email="nia@riverside.example").has_usable_password()


def test_a_link_still_works_just_before_it_expires(
    admin_browser: Client, time_machine: Any
) -> None:
    _invite(admin_browser)
    link = _link(mail.outbox[0])
    time_machine.move_to(
        dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=settings.INVITATION_TIMEOUT - 60)
    )

    assert _set_password(Client(), link)["Location"] == "/dashboard/"


def test_a_password_reset_token_does_not_open_an_invitation(
    admin_browser: Client,
) -> None:
    _invite(admin_browser)
    invitee = User.objects.get(email="nia@riverside.example")
    uid = urlsafe_base64_encode(force_bytes(invitee.pk))
    reset_token = default_token_generator.make_token(invitee)

    page = Client().get(f"/accounts/invitation/{uid}/{reset_token}/", follow=True)

    assert "This invitation no longer works" in page.content.decode()


def test_a_deactivated_invitee_cannot_use_their_link(admin_browser: Client, admin: User) -> None:
    _invite(admin_browser)
    invitee = User.objects.get(email="nia@riverside.example")
    admin_browser.post(f"/team/{invitee.pk}/deactivate/")

    page = Client().get(_link(mail.outbox[0]), follow=True).content.decode()

    assert "This invitation no longer works" in page


def test_an_email_of_another_clinic_is_refused_beside_the_field(
    admin_browser: Client, outsider: User
) -> None:
    response = _invite(admin_browser, email=outsider.email.upper())

    assert response.status_code == 200
    form = response.context["invite_form"]
    assert form.errors == {"email": [THERAPIST_EMAIL_OTHER_CLINIC]}
    assert 'id="id_email_error"' in response.content.decode()
    assert mail.outbox == []
    outsider.refresh_from_db()
    assert outsider.first_name != "Nia"


def test_a_colleague_already_in_is_not_invited_again(
    admin_browser: Client, colleague: User
) -> None:
    response = _invite(admin_browser, email=colleague.email)

    assert response.context["invite_form"].errors == {"email": [THERAPIST_ALREADY_ON_TEAM]}
    assert mail.outbox == []


def test_inviting_again_before_the_password_is_set_sends_a_fresh_link(
    admin_browser: Client,
) -> None:
    _invite(admin_browser)
    _invite(admin_browser)

    assert User.objects.filter(email="nia@riverside.example").count() == 1
    assert len(mail.outbox) == 2
    assert _set_password(Client(), _link(mail.outbox[1]))["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"email": "not-an-email"}, "email"), ({"first_name": ""}, "first_name")],
)
def test_bad_input_is_shown_beside_the_field_and_nobody_is_invited(
    admin_browser: Client, fields: dict[str, str], field: str
) -> None:
    response = _invite(admin_browser, **fields)

    assert response.status_code == 200
    assert list(response.context["invite_form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.filter(first_name="Nia").exists()
    assert mail.outbox == []
