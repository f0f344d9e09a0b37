"""After the password, a therapist with a security key uses it on the code page (SPEC §8).

The endpoints are the ones django-otp-webauthn's script calls from the code page. The
library's signature check is stubbed where a test needs it to pass (the real one runs in
Chromium: ``tests/browser/test_passkeys.py``); everything around it is real.
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64encode
from typing import Any

import pytest
from django.test import Client
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts import passkeys
from itbrehab.accounts.models import User
from itbrehab.accounts.passkey_views import LOCKED_OUT
from itbrehab.audit.models import AccessEvent
from tests.factories import DEFAULT_PASSWORD
from tests.support.accounts import logged_in_browser
from tests.support.mfa import add_key, enrol

CODE_PAGE = "/accounts/login/code/"
BEGIN = "/accounts/login/code/key/begin/"
COMPLETE = "/accounts/login/code/key/complete/"


def _b64(data: bytes) -> str:
    return urlsafe_b64encode(data).decode().rstrip("=")


def _assertion(key: WebAuthnCredential) -> str:
    """A browser's answer naming ``key`` (its signature is never reached in these tests)."""
    raw_id = _b64(bytes(key.credential_id))
    return json.dumps(
        {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "authenticatorData": _b64(b"\0" * 37),
                "clientDataJSON": _b64(b"{}"),
                "signature": _b64(b"\0" * 8),
            },
        }
    )


def _key_only(user: User) -> tuple[WebAuthnCredential, list[str]]:
    return passkeys.key_register(user=user, complete=lambda: add_key(user), keep_session=None)


@pytest.fixture
def key_signs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the library's signature check accept the key the answer names."""

    def authenticate_complete(
        self: WebAuthnHelper, user: User | None, state: dict[str, Any], data: dict[str, Any]
    ) -> WebAuthnCredential:
        assert state["challenge"]
        return WebAuthnCredential.objects.get(user=user)

    monkeypatch.setattr(WebAuthnHelper, "authenticate_complete", authenticate_complete)


def test_the_code_page_offers_the_key_and_a_recovery_code(therapist: User) -> None:
    _key_only(therapist)
    browser = Client(HTTP_HOST="localhost:8000")
    browser.post("/accounts/login/", {"username": therapist.email, "password": DEFAULT_PASSWORD})

    html = browser.get(CODE_PAGE).content.decode()

    assert "Use your security key" in html
    assert 'id="passkey-verification-button"' in html
    assert 'src="/static/django_otp_webauthn/otp_webauthn_auth.js"' in html
    assert '<label for="id_code">Recovery code</label>' in html
    assert '<input type="hidden" name="next" value="/dashboard/">' in html


def test_without_a_key_the_code_page_is_the_code_form_only(therapist: User) -> None:
    enrol(therapist)
    html = logged_in_browser(therapist).get(CODE_PAGE).content.decode()

    assert "Enter your code" in html
    assert "passkey-verification" not in html
    assert '<label for="id_code">Code</label>' in html


def test_a_key_only_therapist_can_go_on_with_a_recovery_code(therapist: User) -> None:
    _, codes = _key_only(therapist)
    browser = logged_in_browser(therapist)

    response = browser.post(CODE_PAGE, {"code": codes[0], "next": "/athletes/new/"})

    assert response["Location"] == "/athletes/new/"
    assert browser.get("/dashboard/").status_code == 200


def test_between_password_and_key_the_key_endpoints_open_and_name_only_own_keys(
    therapist: User, colleague: User
) -> None:
    mine, _ = _key_only(therapist)
    add_key(colleague)
    browser = logged_in_browser(therapist)

    options = browser.post(BEGIN)
    catalog = browser.get("/accounts/login/code/key/jsi18n/")

    assert options.status_code == 200, options.content
    allowed = [c["id"] for c in options.json()["allowCredentials"]]
    assert allowed == [_b64(bytes(mine.credential_id))]
    assert options.json()["rpId"] == "localhost"
    assert catalog.status_code == 200
    assert "javascript" in catalog["Content-Type"]
    # Everything else still leads to the code page.
    assert browser.get("/dashboard/")["Location"].startswith(CODE_PAGE)


def test_the_key_completes_the_login_and_goes_to_next(therapist: User, key_signs: None) -> None:
    _key_only(therapist)
    browser = logged_in_browser(therapist)
    before = browser.session.session_key
    browser.post(BEGIN)

    response = browser.post(
        f"{COMPLETE}?next=/athletes/new/", _assertion(WebAuthnCredential.objects.get()), "json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/athletes/new/"
    assert browser.get("/dashboard/").status_code == 200
    assert browser.session.session_key != before  # a new session id once verified
    key = WebAuthnCredential.objects.get()
    used = AccessEvent.objects.filter(action="mfa", therapist=therapist)
    assert list(used.values_list("detail", flat=True)) == [f"{key.name} used"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_next_elsewhere_goes_to_the_dashboard(
    therapist: User, key_signs: None, target: str
) -> None:
    _key_only(therapist)
    browser = logged_in_browser(therapist)
    browser.post(BEGIN)

    response = browser.post(
        f"{COMPLETE}?next={target}", _assertion(WebAuthnCredential.objects.get()), "json"
    )

    assert response.json()["redirect_url"] == "/dashboard/"


def test_another_therapists_key_does_not_log_in(therapist: User, colleague: User) -> None:
    _key_only(therapist)
    theirs = add_key(colleague)
    browser = logged_in_browser(therapist)
    browser.post(BEGIN)

    response = browser.post(COMPLETE, _assertion(theirs), "application/json")

    assert (response.status_code, response.json()["code"]) == (403, "credential_user_mismatch")
    assert browser.get("/dashboard/")["Location"].startswith(CODE_PAGE)


def test_complete_without_begin_is_refused(therapist: User, key_signs: None) -> None:
    _key_only(therapist)
    browser = logged_in_browser(therapist)

    response = browser.post(
        COMPLETE, _assertion(WebAuthnCredential.objects.get()), "application/json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_state")
    assert browser.get("/dashboard/")["Location"].startswith(CODE_PAGE)


def test_a_key_alone_never_logs_anyone_in(client: Client, therapist: User, key_signs: None) -> None:
    key = add_key(therapist)

    begun = client.post(BEGIN)
    completed = client.post(COMPLETE, _assertion(key), "application/json")

    assert (begun.status_code, begun.json()["code"]) == (403, "not_authenticated")
    assert (completed.status_code, completed.json()["code"]) == (403, "not_authenticated")
    assert "_auth_user_id" not in client.session


def test_a_locked_out_account_cannot_go_on_with_its_key(therapist: User, key_signs: None) -> None:
    _key_only(therapist)
    browser = logged_in_browser(therapist, address="10.0.0.1")
    browser.post(BEGIN)
    guesser = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(10):
        guesser.post("/accounts/login/", {"username": therapist.email, "password": "wrong-guess"})

    response = browser.post(
        COMPLETE, _assertion(WebAuthnCredential.objects.get()), "application/json"
    )

    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_OUT, "code": "locked_out"}
    assert browser.get("/dashboard/")["Location"].startswith("/accounts/login/")
