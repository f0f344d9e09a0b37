"""The Django admin is for superusers only; the clinical record is read-only there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from athletes.models import PainScore, SessionLog
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, PainScoreFactory, SessionLogFactory


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root@itbrehab.example", DEFAULT_PASSWORD)


@pytest.fixture
def admin_browser(superuser: User) -> Client:
    browser = Client()
    browser.force_login(superuser)
    return browser


def test_a_staff_therapist_who_is_not_a_superuser_is_sent_to_the_admin_login(
    therapist: User,
) -> None:
    therapist.is_staff = True
    therapist.save()
    browser = Client()
    browser.force_login(therapist)

    for path in (
        "/admin/",
        "/admin/athletes/sessionlog/",
        "/admin/athletes/athlete/",
        "/admin/django_otp_webauthn/webauthncredential/",  # every clinic's security keys
    ):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/")


def test_a_therapist_cannot_log_in_to_the_admin_even_with_staff_status(therapist: User) -> None:
    therapist.is_staff = True
    therapist.save()

    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": therapist.email, "password": DEFAULT_PASSWORD},
    )

    # The admin's login form answers again (200) with its error, and signs nobody in.
    assert response.status_code == 200
    assert "Please enter the correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_superuser_reaches_the_admin(admin_browser: Client) -> None:
    assert admin_browser.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("model", "factory"),
    [("sessionlog", SessionLogFactory), ("painscore", PainScoreFactory)],
)
def test_sessions_and_pain_scores_are_read_only_in_the_admin(
    admin_browser: Client, model: str, factory: type
) -> None:
    row = factory()
    page = f"/admin/athletes/{model}/{row.pk}/change/"

    shown = admin_browser.get(page)
    posted = admin_browser.post(page, {"date": dt.date(2020, 1, 1).isoformat()})
    deleted = admin_browser.post(f"/admin/athletes/{model}/{row.pk}/delete/", {"post": "yes"})
    added = admin_browser.get(f"/admin/athletes/{model}/add/")

    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert posted.status_code == 403
    assert deleted.status_code == 403
    assert added.status_code == 403
    model_class = SessionLog if model == "sessionlog" else PainScore
    assert model_class.objects.get(pk=row.pk).date == row.date


def test_a_superuser_can_delete_the_keys_of_a_therapist_who_lost_them(
    admin_browser: Client, therapist: User
) -> None:
    from django_otp_webauthn.models import WebAuthnCredential

    from tests.support.mfa import add_key

    key = add_key(therapist, name="Security key")
    listing = admin_browser.get("/admin/django_otp_webauthn/webauthncredential/")
    shown = admin_browser.get(f"/admin/django_otp_webauthn/webauthncredential/{key.pk}/change/")

    assert "Security key" in listing.content.decode()
    assert "COSE public key" not in shown.content.decode()  # OTP_ADMIN_HIDE_SENSITIVE_DATA
    admin_browser.post(
        f"/admin/django_otp_webauthn/webauthncredential/{key.pk}/delete/", {"post": "yes"}
    )
    assert not WebAuthnCredential.objects.exists()
