"""MFA for therapists (SPEC §8): an authenticator app (TOTP, RFC 6238), security keys and
passkeys (WebAuthn, ``itbrehab.accounts.passkeys``), and recovery codes.

django-otp holds the devices and checks the codes; nothing here computes a TOTP. A
therapist has at most one ``TOTPDevice`` (unconfirmed while enrolling, confirmed once a
code from the app matched), any number of security keys (django-otp-webauthn's
``WebAuthnCredential``) and one ``StaticDevice`` whose ``StaticToken`` rows are the
recovery codes: each is deleted as it is used, so it works once. Both code devices
throttle wrong codes themselves (django-otp's exponential back-off: 1, 2, 4, 8… seconds
after each failure in a row), which a new password login does not reset.

MFA is on while the therapist has an app or a key. The first of them to be turned on makes
the recovery codes (so losing it never locks them out) and ends the therapist's other
browser sessions, so none logged in without MFA lives on; removing the last one turns MFA
off and deletes the codes.

A six-digit code is checked against the authenticator; anything else against the recovery
codes, so a typo in one never counts as a failure of the other.

The browser session remembers whether its user had MFA (``ENROLLED_KEY``, set at login and
by the Security page), so the gate in ``mfa_gate`` costs no query on a page.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts.models import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
ENROLLED_KEY = "mfa_enrolled"

CODE_REQUIRED = "Enter the code."
CODE_WRONG = (
    "That code is not right: enter the current code from your app, or an unused recovery code."
)
ENROL_CODE_WRONG = (
    "That code is not right: enter the six-digit code your app shows now for ITB Rehab."
)
CODE_THROTTLED = "Too many wrong codes in a row: wait {seconds} s, then try again."
ALREADY_ENROLLED = "An authenticator app is already on: remove it first to enrol another."
NOT_ENROLLED = "Turn on an authenticator app or add a security key first."
NO_AUTHENTICATOR = "No authenticator app is on."

_TOTP_SHAPE = re.compile(r"\d{6}")


class CodeRefused(Exception):
    """A code that is wrong, or tried while its device makes the user wait."""


def normalise_code(code: str) -> str:
    """Return ``code`` as typed minus spaces and dashes, lower-cased (recovery codes are)."""
    return re.sub(r"[\s-]", "", code or "").lower()


def has_mfa(user: User) -> bool:
    """Return whether ``user`` has two-step login: a confirmed app or a key (one query).

    Recovery codes alone do not count: they exist only beside an app or a key.
    """
    return User.objects.filter(
        Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        | Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)),
        pk=user.pk,
    ).exists()


def authenticator(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    """Return how many unused recovery codes ``user`` holds."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_typing(device: TOTPDevice) -> str:
    """Return the device's secret as base32 in groups of four, as apps ask it to be typed."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_code_for_reading(token: str) -> str:
    """Return a stored recovery code as shown to the user: two groups of four."""
    return f"{token[:4]}-{token[4:]}"


def _wait_seconds(device: Device) -> int | None:
    """Return how long ``device`` still refuses codes after wrong ones, or None."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def _check(device: Device | None, code: str) -> Device:
    """Return ``device`` if it accepts ``code``; raise ``CodeRefused`` otherwise.

    Runs django-otp's ``verify_token`` on a locked row (two tries at once cannot both use
    one code) and raises only after the transaction, so a failure's throttle count stays.
    """
    if device is None:
        raise CodeRefused(CODE_WRONG)
    wait = _wait_seconds(device)
    if wait is not None:
        raise CodeRefused(CODE_THROTTLED.format(seconds=wait))
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        accepted = locked.verify_token(code)
    if not accepted:
        raise CodeRefused(CODE_WRONG)
    return locked


def device_for_code(*, user: User, code: str) -> Device:
    """Return the confirmed device that accepts ``code`` (TOTP or recovery code).

    A recovery code is used up by this call. Raises ``CodeRefused`` with the message to
    show for a wrong code, or for one tried while the device makes the user wait.
    """
    code = normalise_code(code)
    if not code:
        raise CodeRefused(CODE_REQUIRED)
    if _TOTP_SHAPE.fullmatch(code):
        return _check(authenticator(user), code)
    return _check(StaticDevice.objects.filter(user=user, confirmed=True).first(), code)


def enrolment_device(*, user: User) -> TOTPDevice:
    """Return the authenticator being enrolled (made now if there is none yet).

    The same secret is shown on every visit until it is confirmed, so a reload never
    leaves the app holding a secret the server forgot. Raises ``ValidationError`` when an
    app is already on (a security key does not stop an app being added beside it).
    """
    if authenticator(user) is not None:
        raise ValidationError(ALREADY_ENROLLED, code="enrolled")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": AUTHENTICATOR_NAME}
    )
    return device


def enrolment_confirm(
    *, user: User, code: str, keep_session: str | None
) -> tuple[TOTPDevice, list[str]]:
    """Turn the authenticator on with a current ``code``; return it and new recovery codes.

    When this turns MFA on, the recovery codes are made and returned once (stored only as
    django-otp static tokens) and the user's other browser sessions end (``keep_session``,
    the current one, stays). Beside a security key already on, MFA was on before: the
    codes and sessions stay as they are and the list is empty. A wrong code raises
    ``ValidationError`` on ``code`` and turns nothing on.
    """
    device = enrolment_device(user=user)
    try:
        _check(device, normalise_code(code))
    except CodeRefused as refused:
        message = ENROL_CODE_WRONG if str(refused) == CODE_WRONG else str(refused)
        raise ValidationError({"code": message}) from refused
    with transaction.atomic():
        turning_on = not has_mfa(user)
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = mfa_turned_on(user=user, keep_session=keep_session) if turning_on else []
    return device, codes


def mfa_turned_on(*, user: User, keep_session: str | None) -> list[str]:
    """Do what the first app or key does: make recovery codes, end other browser sessions.

    Called inside the transaction that turned it on; returns the codes, to show once.
    """
    from itbrehab.accounts.services import end_browser_sessions

    codes = _new_recovery_codes(user)
    end_browser_sessions(user, keep=keep_session)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` new ones; return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens = {StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT * 2)}
    chosen = sorted(tokens)[:RECOVERY_CODE_COUNT]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in chosen)
    return [recovery_code_for_reading(token) for token in chosen]


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working); return the new ones once."""
    if not has_mfa(user):
        raise ValidationError(NOT_ENROLLED, code="not_enrolled")
    return _new_recovery_codes(user)


def fresh_check(*, user: User, code: str) -> Device:
    """Return the device that accepts ``code``, as a removal asks before it removes anything.

    A session left open is not enough to weaken a login: a current code from the app or
    an unused recovery code (used up) is. A wrong one raises ``ValidationError`` on ``code``.
    """
    try:
        return device_for_code(user=user, code=code)
    except CodeRefused as refused:
        raise ValidationError({"code": str(refused)}) from refused


def after_removal(*, user: User, checked: Device) -> Device | None:
    """Finish removing an app or a key: return the device the session stays verified with.

    With an app or a key left, that is ``checked`` (the code just entered) if it still
    exists, else a remaining key: the session that proved a code must not fall back to the
    code page because the device that verified it at login is gone. With none left MFA is
    off: the recovery codes are deleted too and None is returned. Call inside the removal's
    transaction.
    """
    if not has_mfa(user):
        StaticDevice.objects.filter(user=user).delete()
        return None
    if type(checked).objects.filter(pk=checked.pk).exists():
        return checked
    return authenticator(user) or WebAuthnCredential.objects.filter(user=user).first()


def authenticator_remove(*, user: User, code: str) -> Device | None:
    """Remove the authenticator app after a fresh check (``fresh_check``).

    Keys and recovery codes stay while a key is on; without one MFA is off and the codes
    go too. Returns the device to keep the session verified with, or None when MFA is off.
    A wrong code raises ``ValidationError`` on ``code`` and removes nothing.
    """
    if authenticator(user) is None:
        raise ValidationError(NO_AUTHENTICATOR, code="not_enrolled")
    checked = fresh_check(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return after_removal(user=user, checked=checked)


@receiver(user_logged_in, dispatch_uid="itbrehab.accounts.mfa.remember_enrolment")
def remember_enrolment(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Note in a new browser session whether its user must enter a code (one query).

    The API's token login holds no logged-in session and is left alone.
    """
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) != user._meta.pk.value_to_string(user):
        return
    session[ENROLLED_KEY] = has_mfa(user)
