"""A therapist with an authenticator app logs in with password, then a code (SPEC §8).

Until the code is entered only the code page and logout open; a recovery code works once;
wrong codes count toward the lockout of the account from that address, as wrong
passwords do.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from itbrehab.accounts import mfa
from itbrehab.accounts.mfa_gate import RECOVERY_CODE_USED
from itbrehab.accounts.models import User
from tests.accounts.mfa.conftest import next_window
from tests.factories import DEFAULT_PASSWORD, AthleteFactory
from tests.support.accounts import logged_in_browser
from tests.support.mfa import code_for, enrol, verified_browser

CODE_PAGE = "/accounts/login/code/"


def _password_only(user: User) -> Client:
    return logged_in_browser(user)


def test_after_the_password_every_page_leads_to_the_code_page(therapist: User, noon: Any) -> None:
    enrol(therapist)
    athlete = AthleteFactory(therapist=therapist)
    browser = _password_only(therapist)

    for path in ("/dashboard/", f"/athletes/{athlete.pk}/", "/accounts/security/", "/team/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{CODE_PAGE}?next={path.replace('/', '%2F')}"
    assert browser.get(CODE_PAGE).status_code == 200
    # The session-authenticated API says what is missing, as JSON.
    api = browser.get("/api/v1/athletes/")
    assert (api.status_code, api.json()["code"]) == (403, "mfa_code_required")


def test_logging_in_with_password_then_the_code_opens_the_page_asked_for(
    therapist: User, noon: Any
) -> None:
    secret, _ = enrol(therapist)
    next_window(noon)
    browser = Client()
    login = browser.post(
        "/accounts/login/?next=/accounts/security/",
        {"username": therapist.email, "password": DEFAULT_PASSWORD, "next": "/accounts/security/"},
        follow=True,
    )
    assert login.redirect_chain[-1][0] == f"{CODE_PAGE}?next=%2Faccounts%2Fsecurity%2F"
    assert "Enter your code" in login.content.decode()

    response = browser.post(CODE_PAGE, {"code": code_for(secret), "next": "/accounts/security/"})

    assert response["Location"] == "/accounts/security/"
    assert browser.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_nothing_opens(
    therapist: User, noon: Any
) -> None:
    enrol(therapist)
    browser = _password_only(therapist)

    response = browser.post(CODE_PAGE, {"code": "123456"})

    assert response.status_code == 200
    assert mfa.CODE_WRONG in response.content.decode()
    assert browser.get("/dashboard/")["Location"].startswith(CODE_PAGE)


def test_an_empty_code_is_asked_for_beside_the_field(therapist: User) -> None:
    enrol(therapist)
    response = _password_only(therapist).post(CODE_PAGE, {"code": ""})

    assert 'id="id_code_error"' in response.content.decode()


def test_a_recovery_code_works_once(therapist: User, noon: Any) -> None:
    _, codes = enrol(therapist)
    first = _password_only(therapist)

    response = first.post(CODE_PAGE, {"code": codes[0].upper()}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert RECOVERY_CODE_USED.format(left=9) in response.content.decode()
    next_window(noon)  # past the wait a wrong code costs
    again = _password_only(therapist).post(CODE_PAGE, {"code": codes[0]})
    assert mfa.CODE_WRONG in again.content.decode()
    assert mfa.recovery_codes_left(therapist) == 9


def test_logout_opens_while_the_code_is_still_missing(therapist: User) -> None:
    enrol(therapist)
    browser = _password_only(therapist)

    assert browser.post("/accounts/logout/")["Location"] == reverse("login")
    assert browser.get(CODE_PAGE)["Location"] == reverse("login")


def test_wrong_codes_count_toward_the_lockout_of_that_account_and_address(
    therapist: User, noon: Any
) -> None:
    enrol(therapist)
    browser = _password_only(therapist)
    statuses = []
    for _ in range(10):
        next_window(noon)  # past the device's own wait, so each try reaches the check
        next_window(noon)
        statuses.append(browser.post(CODE_PAGE, {"code": "000000"}).status_code)

    assert statuses == [200] * 9 + [429]  # the 10th failure locks, as a password's would
    # Logged out and locked: the password no longer opens from this address.
    assert browser.get("/dashboard/").status_code == 302
    again = Client(REMOTE_ADDR="10.0.0.1").post(
        "/accounts/login/", {"username": therapist.email, "password": DEFAULT_PASSWORD}
    )
    assert again.status_code == 429


def test_after_a_wrong_code_even_the_right_one_waits_its_turn(therapist: User, noon: Any) -> None:
    secret, _ = enrol(therapist)
    next_window(noon)
    browser = _password_only(therapist)
    browser.post(CODE_PAGE, {"code": "000000"})

    too_soon = browser.post(CODE_PAGE, {"code": code_for(secret)})

    # django-otp's own back-off: 1 s after one failure, doubling with each in a row.
    assert mfa.CODE_THROTTLED.format(seconds=1) in too_soon.content.decode()
    noon.shift(1)
    assert browser.post(CODE_PAGE, {"code": code_for(secret)}).status_code == 302


def test_the_code_page_shows_no_links_it_would_only_bounce(therapist: User) -> None:
    enrol(therapist)

    page = _password_only(therapist).get(CODE_PAGE).content.decode()

    assert 'aria-label="Main"' not in page
    assert "Log out" in page
    assert 'aria-label="Main"' in verified_browser(therapist).get("/dashboard/").content.decode()
