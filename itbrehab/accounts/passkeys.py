"""Security keys and passkeys (WebAuthn) as a second step after the password (SPEC §8).

django-otp-webauthn does the WebAuthn itself (options, attestation and assertion checks,
CBOR, the browser's JavaScript); its ``WebAuthnCredential`` is a django-otp device like the
authenticator app. This module holds what the app decides around it: whether keys can be
used on this server and page, the therapist's keys (one access rule: 404 alike for
"missing" and "not yours"), and the writes that go with adding and removing one, which
turn MFA on and off exactly as the app does (``itbrehab.accounts.mfa``).

A key is never a login by itself (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off) and the
API cannot use one: a therapist whose only method is a key sends a recovery code as
``otp`` for an API token (``itbrehab.accounts.api``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts import mfa
from itbrehab.accounts.models import User

# Enough for a key on the keyring, a spare in a drawer and a passkey on each device.
KEY_LIMIT = 10
KEY_LIMIT_REACHED = (
    f"You already have {KEY_LIMIT} security keys and passkeys, the most there can be: "
    "remove one you no longer use first."
)
PASSKEY = "Passkey"
SECURITY_KEY = "Security key"
# Transports of a key one carries around (USB, NFC, Bluetooth), as the browser reports them.
_ROAMING = {"usb", "nfc", "ble"}


def available() -> bool:
    """Return whether this server can use keys: it has a relying party id (a domain)."""
    return bool(settings.OTP_WEBAUTHN_RP_ID)


def usable_at(request: HttpRequest) -> bool:
    """Return whether a key can work on this page: the host is the relying party's domain.

    Browsers refuse a key on any other host (``127.0.0.1`` when the id is ``localhost``),
    so the pages say where keys work instead of offering a button that fails.
    """
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    host, _port = split_domain_port(request.get_host())
    return bool(rp_id) and (host == rp_id or host.endswith(f".{rp_id}"))


def keys_for_user(user: User) -> QuerySet[WebAuthnCredential]:
    """Return the user's keys, most recently used first (one query when evaluated)."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by(
        F("last_used_at").desc(nulls_last=True), "-created_at", "-pk"
    )


def key_for_user(user: User, key_id: int | str) -> WebAuthnCredential:
    """Return one of the user's keys; raise Http404 for another user's key or none at all."""
    try:
        return keys_for_user(user).get(pk=int(key_id))
    except (WebAuthnCredential.DoesNotExist, ValueError, TypeError):
        raise Http404("No such security key.") from None


def _name_for(key: WebAuthnCredential, taken: set[str]) -> str:
    """Return a name telling the kind of key apart, numbered past the first of its kind.

    A key carried around (USB, NFC, Bluetooth only, not synced) is a "Security key";
    anything built into a device or synced with an account is a "Passkey".
    """
    transports = set(key.transports or [])
    roaming = transports and transports <= _ROAMING and not key.backup_eligible
    kind = SECURITY_KEY if roaming else PASSKEY
    name, number = kind, 1
    while name in taken:
        number += 1
        name = f"{kind} {number}"
    return name


@transaction.atomic
def key_register(
    *,
    user: User,
    complete: Callable[[], WebAuthnCredential],
    keep_session: str | None,
) -> tuple[WebAuthnCredential, list[str]]:
    """Save a new key and return it with the recovery codes made for it (often none).

    ``complete`` is django-otp-webauthn's check of what the browser sent, which saves the
    key (and raises, saving nothing, when the check fails). The first key of a therapist
    without MFA turns MFA on as the app does: new recovery codes (returned, to show once)
    and the end of their other browser sessions (``keep_session``, the current one, stays).
    Raises ``ValidationError`` (``KEY_LIMIT_REACHED``) instead of saving an 11th key.
    """
    # One registration at a time per user: two "first" keys must not make two sets of codes.
    User.objects.select_for_update().filter(pk=user.pk).first()
    names = list(keys_for_user(user).values_list("name", flat=True))
    if len(names) >= KEY_LIMIT:
        raise ValidationError(KEY_LIMIT_REACHED, code="key_limit")
    turning_on = not mfa.has_mfa(user)
    key = complete()
    key.name = _name_for(key, set(names))
    key.save(update_fields=["name"])
    codes = mfa.mfa_turned_on(user=user, keep_session=keep_session) if turning_on else []
    return key, codes


def key_remove(*, user: User, key: WebAuthnCredential, code: str) -> Device | None:
    """Remove one of the user's keys after a fresh check (a current code or a recovery code).

    The same check removing the app asks (``mfa.fresh_check``): a session left open is not
    enough. Removing the last app-or-key turns MFA off and deletes the recovery codes.
    Returns the device the session stays verified with, or None when MFA is now off. A
    wrong code raises ``ValidationError`` on ``code`` and removes nothing.
    """
    if key.user_id != user.pk:
        raise Http404("No such security key.")
    checked = mfa.fresh_check(user=user, code=code)
    with transaction.atomic():
        WebAuthnCredential.objects.filter(pk=key.pk, user=user).delete()
        return mfa.after_removal(user=user, checked=checked)
