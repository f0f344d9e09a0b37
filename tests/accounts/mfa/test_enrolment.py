"""A therapist turns on an authenticator app on the Security page, and keeps or removes it."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from itbrehab.accounts import mfa
from itbrehab.accounts.models import User
from tests.accounts.mfa.conftest import next_window
from tests.support.accounts import logged_in_browser
from tests.support.mfa import code_for, enrol, recovery_codes_on, secret_on, verified_browser

SECURITY = "/accounts/security/"


def test_the_nav_links_the_security_page(pt: Client) -> None:
    assert f'href="{SECURITY}"' in pt.get(reverse("dashboard")).content.decode()


def test_the_page_shows_a_qr_code_and_the_secret_grouped_for_typing(pt: Client) -> None:
    html = pt.get(SECURITY).content.decode()

    assert "<svg" in html
    assert "Turn on an authenticator app" in html
    groups = secret_on(html)
    assert len(groups) == 32  # 20 random bytes in base32
    # The other method sits beside it (tests/accounts/mfa/test_security_keys.py).
    assert "Security keys and passkeys" in html


def test_a_reload_shows_the_same_secret(pt: Client) -> None:
    assert secret_on(pt.get(SECURITY)) == secret_on(pt.get(SECURITY))


def test_the_right_code_turns_it_on_and_shows_ten_recovery_codes_once(
    pt: Client, therapist: User
) -> None:
    secret = secret_on(pt.get(SECURITY))

    response = pt.post("/accounts/security/enrol/", {"code": code_for(secret)}, follow=True)

    html = response.content.decode()
    assert "Save these recovery codes now" in html
    codes = recovery_codes_on(html)
    assert len(set(codes)) == 10
    assert mfa.has_mfa(therapist)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        code.replace("-", "") for code in codes
    )
    again = pt.get(SECURITY).content.decode()
    assert recovery_codes_on(again) == []
    assert "10 unused recovery codes left" in again


def test_a_wrong_code_is_refused_beside_the_field_and_nothing_is_turned_on(
    pt: Client, therapist: User
) -> None:
    secret = secret_on(pt.get(SECURITY))
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"

    response = pt.post("/accounts/security/enrol/", {"code": wrong})

    assert response.status_code == 200
    html = response.content.decode()
    assert mfa.ENROL_CODE_WRONG in html
    assert 'id="id_code_error"' in html
    assert not mfa.has_mfa(therapist)
    assert not StaticToken.objects.exists()


def test_turning_it_on_ends_the_therapists_other_sessions(therapist: User) -> None:
    elsewhere = logged_in_browser(therapist, address="10.0.0.9")
    here = logged_in_browser(therapist)
    secret = secret_on(here.get(SECURITY))

    here.post("/accounts/security/enrol/", {"code": code_for(secret)})

    assert here.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard")).status_code == 302
    assert Session.objects.count() == 1


def test_new_recovery_codes_replace_the_old_ones(therapist: User) -> None:
    _, old = enrol(therapist)

    response = verified_browser(therapist).post("/accounts/security/recovery-codes/", follow=True)

    new = recovery_codes_on(response)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()


def test_removing_the_app_needs_a_current_code(therapist: User, noon: Any) -> None:
    secret, _ = enrol(therapist)
    next_window(noon)
    pt = verified_browser(therapist)

    refused = pt.post("/accounts/security/remove/", {"code": "000000"})
    assert mfa.CODE_WRONG in refused.content.decode()
    assert mfa.has_mfa(therapist)

    next_window(noon)  # past the wait a wrong code costs
    response = pt.post("/accounts/security/remove/", {"code": code_for(secret)}, follow=True)

    assert "The authenticator app is removed" in response.content.decode()
    assert not mfa.has_mfa(therapist)
    assert not StaticToken.objects.exists()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    assert client.get(SECURITY)["Location"].startswith("/accounts/login/")


def test_the_actions_answer_405_to_a_get(pt: Client) -> None:
    assert pt.get("/accounts/security/enrol/").status_code == 405
    assert pt.get("/accounts/security/remove/").status_code == 405


def test_the_page_costs_the_same_queries_however_many_codes_and_devices_exist(
    pt: Client, therapist: User, colleague: User, django_assert_max_num_queries: Any
) -> None:
    enrol(colleague)  # another user's devices and codes are never read
    pt.get(SECURITY)  # the first visit also makes the pending app (an INSERT)
    # Not enrolled: session, user, the app that is on (none), the keys (none), enrolment's
    # check that no app is on, the pending app, the clinic for the header.
    with django_assert_max_num_queries(7):
        assert pt.get(SECURITY).status_code == 200
    enrol(therapist)
    pt = verified_browser(therapist)
    # Enrolled: session, user, the session's device (django-otp's middleware), the app,
    # the keys, the count of codes left, the clinic for the header, the session's save (the
    # shown codes, if any, are popped from it).
    with django_assert_max_num_queries(8):
        assert pt.get(SECURITY).status_code == 200
