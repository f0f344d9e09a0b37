"""With REQUIRE_MFA on, a therapist without an authenticator app must turn one on first."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from itbrehab.accounts.api import MFA_ENROLMENT_REQUIRED
from itbrehab.accounts.mfa_gate import ENROLMENT_NEEDED
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory
from tests.support.accounts import logged_in_browser
from tests.support.mfa import code_for, secret_on

SECURITY = "/accounts/security/"


@pytest.fixture(autouse=True)
def _require_mfa(settings: Any) -> None:
    settings.REQUIRE_MFA = True


def test_an_unenrolled_therapist_lands_on_enrolment_from_any_page(therapist: User) -> None:
    athlete = AthleteFactory(therapist=therapist)
    browser = logged_in_browser(therapist)

    for path in ("/dashboard/", f"/athletes/{athlete.pk}/", "/accounts/password/", "/"):
        response = browser.get(path, follow=True)
        assert response.redirect_chain[-1][0] == SECURITY, path
    html = response.content.decode()
    assert ENROLMENT_NEEDED in html
    assert "Turn on an authenticator app" in html
    # The session-authenticated API refuses with the same advice.
    api = browser.get("/api/v1/athletes/")
    assert (api.status_code, api.json()["code"]) == (403, "mfa_enrolment_required")


def test_once_enrolled_every_page_opens(therapist: User) -> None:
    browser = logged_in_browser(therapist)
    secret = secret_on(browser.get(SECURITY))

    browser.post("/accounts/security/enrol/", {"code": code_for(secret)})

    assert browser.get(reverse("dashboard")).status_code == 200


def test_the_api_gives_an_unenrolled_therapist_no_token(therapist: User) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": therapist.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": MFA_ENROLMENT_REQUIRED, "code": "mfa_enrolment_required"}
    assert "/accounts/security/" in MFA_ENROLMENT_REQUIRED
    assert not therapist.auth_token_set.exists()


def test_without_require_mfa_an_unenrolled_therapist_goes_anywhere(
    therapist: User, settings: Any
) -> None:
    settings.REQUIRE_MFA = False

    assert logged_in_browser(therapist).get("/dashboard/").status_code == 200
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": therapist.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200


def test_logout_still_opens(therapist: User) -> None:
    browser: Client = logged_in_browser(therapist)

    assert browser.post("/accounts/logout/")["Location"] == reverse("login")
