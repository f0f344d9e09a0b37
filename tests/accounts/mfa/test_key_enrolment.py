"""Adding a security key or passkey on the Security page (SPEC §8).

The endpoints are the ones django-otp-webauthn's script calls. "Begin" runs for real; the
library's check of the browser's answer is stubbed where a test needs a key saved (the
real ceremony, signature and all, is ``tests/browser/test_passkeys.py``), so what is
tested here is what the app does around it: MFA turned on, recovery codes made once,
other sessions ended, limits and refusals.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts import mfa, passkeys
from itbrehab.accounts.models import User
from itbrehab.accounts.passkey_views import KEY_ADDED, KEY_ADDED_MFA_ON, UNAVAILABLE
from itbrehab.accounts.security import APP_ADDED
from itbrehab.audit.models import AccessEvent
from tests.accounts.mfa.conftest import next_window
from tests.support.accounts import logged_in_browser
from tests.support.mfa import (
    add_key,
    code_for,
    enrol,
    key_verified_browser,
    recovery_codes_on,
    secret_on,
    verified_browser,
)

SECURITY = "/accounts/security/"
BEGIN = "/accounts/security/keys/add/begin/"
COMPLETE = "/accounts/security/keys/add/complete/"


@pytest.fixture
def browser_makes_a_key(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Accept whatever the browser sends as a valid new key (the library's check stubbed).

    Returns the list of states the check was given: each "complete" must use the
    challenge its "begin" stored.
    """
    states: list[dict[str, Any]] = []

    def register_complete(
        self: WebAuthnHelper, user: User, state: dict[str, Any], data: dict[str, Any]
    ) -> WebAuthnCredential:
        states.append(state)
        return add_key(user, name="", transports=tuple(data.get("transports", ["internal"])))

    monkeypatch.setattr(WebAuthnHelper, "register_complete", register_complete)
    return states


def _add_key(browser: Client, **answer: Any) -> Any:
    begun = browser.post(BEGIN)
    assert begun.status_code == 200, begun.content
    return browser.post(COMPLETE, json.dumps(answer), content_type="application/json")


def test_begin_asks_the_browser_for_a_key_of_this_site_and_user(therapist: User) -> None:
    other = add_key(therapist)
    browser = key_verified_browser(therapist, other)

    options = browser.post(BEGIN).json()

    assert options["rp"] == {"name": "ITB Rehab", "id": "localhost"}
    assert options["user"]["name"] == therapist.email
    # The key already held is excluded, so one device never registers twice.
    assert len(options["excludeCredentials"]) == 1
    assert options["challenge"]


def test_the_first_key_turns_mfa_on_and_shows_recovery_codes_once(
    therapist: User, browser_makes_a_key: list[dict[str, Any]]
) -> None:
    elsewhere = logged_in_browser(therapist, address="10.0.0.9")
    here = logged_in_browser(therapist)

    response = _add_key(here)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": WebAuthnCredential.objects.get().pk,
        "redirect_url": SECURITY,
    }
    assert browser_makes_a_key[0]["challenge"]
    assert mfa.has_mfa(therapist)
    page = here.get(SECURITY).content.decode()
    assert KEY_ADDED_MFA_ON in page
    codes = recovery_codes_on(page)
    assert len(set(codes)) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        code.replace("-", "") for code in codes
    )
    assert recovery_codes_on(here.get(SECURITY)) == []
    assert "10 unused recovery codes left" in here.get(SECURITY).content.decode()
    # As the app's enrolment: this session is verified, every other one has ended.
    assert here.session[mfa.ENROLLED_KEY] is True
    assert here.get("/dashboard/").status_code == 200
    assert elsewhere.get("/dashboard/").status_code == 302
    assert Session.objects.count() == 1
    # In the clinic's audit log, as the therapist's MFA event.
    key = WebAuthnCredential.objects.get()
    assert list(AccessEvent.objects.filter(action="mfa").values_list("detail", flat=True)) == [
        f"{key.name} added"
    ]


def test_a_key_beside_the_app_keeps_the_recovery_codes(
    therapist: User, browser_makes_a_key: Any
) -> None:
    _, codes = enrol(therapist)
    browser = verified_browser(therapist)

    response = _add_key(browser, transports=["usb"])

    assert response.status_code == 200
    page = browser.get(SECURITY).content.decode()
    assert KEY_ADDED.format(name="Security key") in page
    assert recovery_codes_on(page) == []
    assert mfa.recovery_codes_left(therapist) == len(codes)


def test_keys_are_named_by_kind_and_numbered(therapist: User, browser_makes_a_key: Any) -> None:
    enrol(therapist)
    browser = verified_browser(therapist)

    for transports in (["internal", "hybrid"], ["usb", "nfc"], ["internal"], []):
        assert _add_key(browser, transports=transports).status_code == 200

    names = WebAuthnCredential.objects.order_by("pk").values_list("name", flat=True)
    assert list(names) == ["Passkey", "Security key", "Passkey 2", "Passkey 3"]


def test_an_app_added_beside_a_key_keeps_the_recovery_codes(therapist: User) -> None:
    key, codes = passkeys.key_register(
        user=therapist, complete=lambda: add_key(therapist), keep_session=None
    )
    browser = key_verified_browser(therapist, key)
    secret = secret_on(browser.get(SECURITY))

    response = browser.post("/accounts/security/enrol/", {"code": code_for(secret)}, follow=True)

    page = response.content.decode()
    assert APP_ADDED in page
    assert "Authenticator app: on" in page
    assert recovery_codes_on(page) == []
    assert mfa.recovery_codes_left(therapist) == len(codes)


def test_an_answer_the_library_cannot_check_saves_nothing(therapist: User) -> None:
    browser = logged_in_browser(therapist)
    browser.post(BEGIN)

    response = browser.post(COMPLETE, json.dumps({"id": "x"}), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_json_structure"
    assert not WebAuthnCredential.objects.exists()
    assert not mfa.has_mfa(therapist)
    assert not StaticToken.objects.exists()


def test_complete_without_begin_is_refused(therapist: User, browser_makes_a_key: Any) -> None:
    browser = logged_in_browser(therapist)

    response = browser.post(COMPLETE, "{}", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_state")
    assert not WebAuthnCredential.objects.exists()


def test_an_eleventh_key_is_refused(therapist: User) -> None:
    first = add_key(therapist)
    for _ in range(passkeys.KEY_LIMIT - 1):
        add_key(therapist)
    browser = key_verified_browser(therapist, first)

    response = browser.post(BEGIN)

    assert response.status_code == 400
    assert response.json() == {"detail": passkeys.KEY_LIMIT_REACHED, "code": "key_limit_reached"}
    with pytest.raises(ValidationError):
        passkeys.key_register(
            user=therapist, complete=lambda: add_key(therapist), keep_session=None
        )
    assert WebAuthnCredential.objects.count() == passkeys.KEY_LIMIT


def test_a_session_between_password_and_code_cannot_add_a_key(
    therapist: User, browser_makes_a_key: Any, noon: Any
) -> None:
    enrol(therapist)
    next_window(noon)
    browser = logged_in_browser(therapist)  # password only: the code is still missing

    assert browser.post(BEGIN)["Location"].startswith("/accounts/login/code/")
    assert browser.post(COMPLETE, "{}", content_type="application/json").status_code == 302
    assert not WebAuthnCredential.objects.exists()


def test_anonymous_visitors_cannot_add_a_key(client: Client, db: None) -> None:
    response = client.post(BEGIN)

    assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")


def test_with_require_mfa_the_enrolment_can_add_a_key(
    therapist: User, settings: Any, browser_makes_a_key: Any
) -> None:
    settings.REQUIRE_MFA = True
    browser = logged_in_browser(therapist)

    assert _add_key(browser).status_code == 200
    assert browser.get("/dashboard/").status_code == 200


def test_the_page_offers_the_button_where_the_host_is_the_relying_party(
    therapist: User,
) -> None:
    here = Client(HTTP_HOST="localhost:8000")
    here.force_login(therapist)

    html = here.get(SECURITY).content.decode()

    assert 'id="passkey-register-button"' in html
    assert 'id="passkey-registration-unavailable-template"' in html
    assert 'id="otp_webauthn_config" type="application/json"' in html
    assert 'src="/static/django_otp_webauthn/otp_webauthn_register.js"' in html
    assert 'src="/static/js/passkeys.js"' in html


def test_another_address_is_told_where_keys_work(pt: Client) -> None:
    html = pt.get(SECURITY).content.decode()  # the test client's host: "testserver"

    assert "work only at <strong>localhost</strong>" in html
    assert 'id="passkey-register-button"' not in html


def test_without_a_relying_party_no_key_is_offered_or_added(
    therapist: User, settings: Any, browser_makes_a_key: Any
) -> None:
    settings.OTP_WEBAUTHN_RP_ID = ""
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(therapist)

    html = browser.get(SECURITY).content.decode()
    response = browser.post(BEGIN)

    assert "not set up on this server" in html
    assert 'id="passkey-register-button"' not in html
    assert response.status_code == 404
    assert response.json() == {"detail": UNAVAILABLE, "code": "keys_unavailable"}
    assert not WebAuthnCredential.objects.exists()
