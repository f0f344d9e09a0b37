"""Logins, failed logins, logouts and MFA events are in the clinic's audit log (SPEC §8).

Pages and the API token endpoint alike; the event is about the account (``therapist``),
its actor the therapist, or "anonymous" for whoever typed a wrong password. Nothing that
was typed (a password, a code) is stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.audit.models import AccessEvent
from itbrehab.audit.selectors import audit_events_for_clinic
from tests.factories import DEFAULT_PASSWORD
from tests.support import clock
from tests.support.accounts import logged_in_browser
from tests.support.mfa import code_for, enrol, secret_on, verified_browser

LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/login/code/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def noon(time_machine: Any) -> Any:
    time_machine.move_to(clock.NOON, tick=False)
    return time_machine


def _events() -> list[tuple[str, str, int | None, str]]:
    rows = AccessEvent.objects.order_by("id")
    return list(rows.values_list("action", "actor", "therapist_id", "detail"))


def test_a_login_and_a_logout_on_the_pages(therapist: User) -> None:
    browser = logged_in_browser(therapist, address="192.0.2.10")
    browser.post("/accounts/logout/")

    me = f"therapist {therapist.pk}"
    assert _events() == [
        ("login", me, therapist.pk, f"POST {LOGIN}"),
        ("logout", me, therapist.pk, "POST /accounts/logout/"),
    ]
    assert set(AccessEvent.objects.values_list("ip", flat=True)) == {"192.0.2.10"}
    assert set(AccessEvent.objects.values_list("clinic_id", flat=True)) == {therapist.clinic_id}


def test_a_wrong_password_is_a_failed_login_of_that_account(therapist: User) -> None:
    response = Client().post(LOGIN, {"username": therapist.email, "password": "not-it-at-all"})

    assert response.status_code == 200
    assert _events() == [("login_failed", "anonymous", therapist.pk, f"POST {LOGIN}")]
    stored = " ".join(str(v) for v in AccessEvent.objects.values_list().get())
    assert "not-it-at-all" not in stored


def test_an_email_that_is_no_therapists_is_in_no_clinics_log(db: None) -> None:
    Client().post(LOGIN, {"username": "nobody@example.com", "password": "guess"})

    assert _events() == []


def test_the_api_token_login_and_its_second_factor(therapist: User, noon: Any) -> None:
    secret, _ = enrol(therapist)
    api = APIClient()
    credentials = {"email": therapist.email, "password": DEFAULT_PASSWORD}

    noon.shift(60)
    wrong = api.post(TOKEN, {**credentials, "otp": "000000"}, format="json")
    noon.shift(60)  # past the wait a wrong code costs
    right = api.post(TOKEN, {**credentials, "otp": code_for(secret)}, format="json")

    assert (wrong.status_code, right.status_code) == (401, 200)
    me = f"therapist {therapist.pk}"
    assert _events() == [
        ("mfa", me, therapist.pk, "wrong code"),
        ("mfa", me, therapist.pk, "code accepted for an API token"),
        ("login", me, therapist.pk, f"POST {TOKEN}"),
    ]


def test_the_code_page_records_each_code(therapist: User, noon: Any) -> None:
    secret, codes = enrol(therapist)
    browser = logged_in_browser(therapist)

    noon.shift(60)
    browser.post(CODE_PAGE, {"code": "000000"})
    noon.shift(60)
    browser.post(CODE_PAGE, {"code": code_for(secret)})
    logged_in_browser(therapist).post(CODE_PAGE, {"code": codes[0]})

    me = f"therapist {therapist.pk}"
    assert [(a, actor, detail) for a, actor, _, detail in _events()] == [
        ("login", me, f"POST {LOGIN}"),
        ("mfa", me, "wrong code"),
        ("mfa", me, "code accepted"),
        ("login", me, f"POST {LOGIN}"),
        ("mfa", me, "recovery code used (9 left)"),
    ]


def test_turning_mfa_on_new_codes_and_off_are_recorded(therapist: User, noon: Any) -> None:
    browser = Client()
    browser.force_login(therapist)
    secret = secret_on(browser.get("/accounts/security/"))
    browser.post("/accounts/security/enrol/", {"code": code_for(secret)})
    browser.post("/accounts/security/recovery-codes/")
    noon.shift(60)
    browser.post("/accounts/security/remove/", {"code": code_for(secret)})

    assert [(a, detail) for a, _, _, detail in _events()] == [
        ("login", ""),  # force_login: no request
        ("mfa", "authenticator app turned on"),
        ("mfa", "new recovery codes made"),
        ("mfa", "authenticator app removed"),
    ]


def test_another_clinic_sees_none_of_these_account_events(therapist: User, outsider: User) -> None:
    enrol(therapist)
    verified_browser(therapist).post("/accounts/logout/")
    Client().post(LOGIN, {"username": therapist.email, "password": "wrong"})

    ours = {e["action"] for e in audit_events_for_clinic(therapist.clinic)}
    theirs = list(audit_events_for_clinic(outsider.clinic))

    assert ours == {"login", "logout", "login_failed"}
    assert theirs == []
