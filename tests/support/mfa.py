"""Helpers for MFA tests: read the secret a page shows, compute its code, enrol directly.

Codes are computed with django-otp's own RFC 6238 ``TOTP`` from the secret as the app
would get it, never read from the server's device row. Security keys made here are rows
only (``add_key``): the tests that need a real signature run in Chromium with its virtual
authenticator (``tests/browser/test_passkeys.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from base64 import b32decode

from django.http import HttpResponse
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts import mfa
from itbrehab.accounts.models import User

_SECRET = re.compile(r'data-testid="totp-secret">([A-Z2-7 ]+)<')
_CODES = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def secret_on(page: HttpResponse | str) -> str:
    """Return the base32 secret a Security page shows (the groups joined)."""
    html = page if isinstance(page, str) else page.content.decode()
    found = _SECRET.search(html)
    assert found, "the page shows no secret"
    return found.group(1).replace(" ", "")


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """Return the six-digit code an authenticator app shows now for base32 ``secret``.

    ``steps_ahead=1``: the next 30-second window's code, which the server also accepts
    (one step of tolerance), for a second login within the window of the first.
    """
    return f"{TOTP(b32decode(secret), drift=steps_ahead).token():06d}"


def away_from_a_window_edge(margin: float = 8.0) -> None:
    """Wait, if need be, until the 30-second TOTP window has ``margin`` seconds left.

    For tests on the real clock (Chromium against the live server): a code typed in one
    window and checked in the next is accepted, but django-otp then learns a drift of -1
    step, and the next window's code (``steps_ahead=1``) is refused. Starting a step well
    inside a window keeps the code and its check in the same one.
    """
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)


def recovery_codes_on(page: HttpResponse | str) -> list[str]:
    """Return the recovery codes a Security page shows (only right after they were made)."""
    html = page if isinstance(page, str) else page.content.decode()
    return _CODES.findall(html)


def enrol(user: User) -> tuple[str, list[str]]:
    """Turn an authenticator on for ``user`` through the service; return secret and codes."""
    device = mfa.enrolment_device(user=user)
    secret = mfa.secret_for_typing(device).replace(" ", "")
    _, codes = mfa.enrolment_confirm(user=user, code=code_for(secret), keep_session=None)
    return secret, codes


def verified_browser(user: User) -> Client:
    """Return a browser logged in as ``user`` whose session has entered its code.

    A shortcut for tests about what comes after the code (the login with a code is tested
    through the pages in ``tests/accounts/mfa/test_login_with_code.py``).
    """
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = mfa.authenticator(user).persistent_id
    session.save()
    return browser


def add_key(
    user: User,
    *,
    name: str = "Passkey",
    last_used_at: dt.datetime | None = None,
    transports: tuple[str, ...] = ("internal",),
) -> WebAuthnCredential:
    """Store a security key for ``user`` as a registration would (without its ceremony)."""
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77),
        aaguid="00000000-0000-0000-0000-000000000000",
        transports=list(transports),
        last_used_at=last_used_at,
    )


def key_verified_browser(user: User, key: WebAuthnCredential) -> Client:
    """Return a browser logged in as ``user`` whose session passed its second step with ``key``."""
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = key.persistent_id
    session.save()
    return browser
