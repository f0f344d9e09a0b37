"""The Security page lists a therapist's security keys and removes one after a fresh check.

Keys are stored rows here (``tests.support.mfa.add_key``); adding one through WebAuthn is
``test_key_enrolment.py`` and, with a real signature, ``tests/browser/test_passkeys.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts import mfa, passkeys
from itbrehab.accounts.models import User
from itbrehab.accounts.security import KEY_REMOVED, KEY_REMOVED_MFA_LEFT
from itbrehab.audit.models import AccessEvent
from tests.accounts.mfa.conftest import next_window
from tests.support.mfa import add_key, code_for, enrol, key_verified_browser, verified_browser

SECURITY = "/accounts/security/"


def _remove_url(key: WebAuthnCredential) -> str:
    return f"/accounts/security/keys/{key.pk}/remove/"


def _key_only(user: User) -> tuple[WebAuthnCredential, list[str]]:
    """Turn MFA on with a key alone, as its first registration does; return it and the codes."""
    return passkeys.key_register(user=user, complete=lambda: add_key(user), keep_session=None)


def test_has_mfa_counts_a_key_and_only_a_confirmed_one(therapist: User) -> None:
    assert not mfa.has_mfa(therapist)
    key = add_key(therapist)
    assert mfa.has_mfa(therapist)
    WebAuthnCredential.objects.filter(pk=key.pk).update(confirmed=False)
    assert not mfa.has_mfa(therapist)


def test_the_page_lists_the_keys_with_name_added_and_last_used(therapist: User) -> None:
    used = timezone.now() - dt.timedelta(days=2)
    spare = add_key(therapist, name="Security key", transports=("usb",))
    laptop = add_key(therapist, name="Passkey", last_used_at=used)
    browser = key_verified_browser(therapist, laptop)

    html = browser.get(SECURITY).content.decode()

    assert 'data-testid="security-keys"' in html
    # The one used last comes first; one never used says so.
    assert html.index(">Passkey</th>") < html.index(">Security key</th>")
    assert f'datetime="{used.isoformat()}"' in html
    assert "not yet" in html
    assert f'href="{_remove_url(spare)}"' in html
    assert f'href="{_remove_url(laptop)}"' in html
    assert "unused recovery code" in html  # MFA is on: the codes' section is there


def test_removing_a_key_needs_a_fresh_check(therapist: User, noon: Any) -> None:
    key, codes = _key_only(therapist)
    browser = key_verified_browser(therapist, key)

    page = browser.get(_remove_url(key))
    assert "Remove Passkey?" in page.content.decode()
    assert "Recovery code" in page.content.decode()  # no app: a recovery code is the check

    refused = browser.post(_remove_url(key), {"code": "aaaa-bbbb"})
    assert refused.status_code == 200
    assert 'id="id_code_error"' in refused.content.decode()
    assert mfa.CODE_WRONG in refused.content.decode()
    empty = browser.post(_remove_url(key), {"code": ""})
    assert 'id="id_code_error"' in empty.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()

    next_window(noon)  # past the wait a wrong code costs
    done = browser.post(_remove_url(key), {"code": codes[0]}, follow=True)

    assert KEY_REMOVED.format(name="Passkey") in done.content.decode()
    assert not WebAuthnCredential.objects.exists()
    # The last method gone, MFA is off: the recovery codes go too.
    assert not mfa.has_mfa(therapist)
    assert not StaticDevice.objects.filter(user=therapist).exists()
    assert browser.session[mfa.ENROLLED_KEY] is False
    removed = AccessEvent.objects.filter(action="mfa", therapist=therapist)
    assert list(removed.values_list("detail", flat=True)) == ["Passkey removed"]


def test_removing_one_key_of_several_keeps_mfa_and_the_session_verified(
    therapist: User, noon: Any
) -> None:
    secret, codes = enrol(therapist)
    next_window(noon)
    laptop = add_key(therapist, name="Passkey")
    spare = add_key(therapist, name="Security key")
    # This session passed its second step with the key it is about to remove.
    browser = key_verified_browser(therapist, laptop)

    done = browser.post(_remove_url(laptop), {"code": code_for(secret)}, follow=True)

    assert KEY_REMOVED_MFA_LEFT.format(name="Passkey") in done.content.decode()
    assert list(WebAuthnCredential.objects.values_list("pk", flat=True)) == [spare.pk]
    assert mfa.has_mfa(therapist)
    assert StaticToken.objects.filter(device__user=therapist).count() == len(codes)
    # Still verified (by the code just entered), so no page sends it back to the code page.
    assert browser.get("/dashboard/").status_code == 200


def test_removing_the_app_keeps_the_keys_and_the_recovery_codes(therapist: User, noon: Any) -> None:
    secret, codes = enrol(therapist)
    next_window(noon)
    key = add_key(therapist)
    browser = verified_browser(therapist)  # verified by the app about to go

    done = browser.post("/accounts/security/remove/", {"code": code_for(secret)}, follow=True)

    assert "you log in with your security key" in done.content.decode()
    assert not mfa.authenticator(therapist)
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()
    assert mfa.recovery_codes_left(therapist) == len(codes)
    assert browser.get("/dashboard/").status_code == 200


def test_another_therapists_key_cannot_be_seen_or_removed(
    therapist: User, colleague: User, outsider: User
) -> None:
    mine = add_key(therapist)
    _, codes = _key_only(colleague)
    theirs = WebAuthnCredential.objects.get(user=colleague)
    elsewhere = add_key(outsider)
    browser = key_verified_browser(therapist, mine)

    for key in (theirs, elsewhere):
        assert browser.get(_remove_url(key)).status_code == 404
        # Even with a code that is right for the owner of the key.
        assert browser.post(_remove_url(key), {"code": codes[0]}).status_code == 404
    page = browser.get(SECURITY).content.decode()
    assert page.count('href="/accounts/security/keys/') == 1
    assert f'href="{_remove_url(mine)}"' in page
    assert WebAuthnCredential.objects.count() == 3
    assert mfa.recovery_codes_left(colleague) == len(codes)


def test_a_missing_key_is_404_and_the_removal_wants_a_logged_in_user(
    therapist: User, client: Client
) -> None:
    key = add_key(therapist)
    browser = key_verified_browser(therapist, key)

    assert browser.get("/accounts/security/keys/999999/remove/").status_code == 404
    assert browser.post("/accounts/security/keys/999999/remove/", {"code": "x"}).status_code == 404
    assert client.get(_remove_url(key))["Location"].startswith("/accounts/login/")
    assert client.post(_remove_url(key), {"code": "x"})["Location"].startswith("/accounts/login/")
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_a_session_that_has_not_passed_its_second_step_cannot_remove_a_key(
    therapist: User,
) -> None:
    key, codes = _key_only(therapist)
    browser = Client()
    browser.force_login(therapist)  # password only

    response = browser.post(_remove_url(key), {"code": codes[0]})

    assert response["Location"].startswith("/accounts/login/code/")
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_the_page_costs_the_same_queries_however_many_keys(
    therapist: User, outsider: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        add_key(outsider)  # another user's keys are never read
    key, _ = _key_only(therapist)
    browser = key_verified_browser(therapist, key)
    browser.get(SECURITY)  # the first visit also makes the pending app (an INSERT)
    # Key only: session, user, the session's device (the key), the app (none), the keys,
    # enrolment's check that no app is on, the pending app, the count of codes left, the
    # clinic for the header.
    with django_assert_max_num_queries(9):
        assert browser.get(SECURITY).status_code == 200
    for number in range(2, 7):
        add_key(therapist, name=f"Passkey {number}")
    with django_assert_max_num_queries(9):
        html = browser.get(SECURITY).content.decode()
    assert html.count('href="/accounts/security/keys/') == 6
