"""Clinic admins turn remote therapeutic monitoring on and off on the Team page (SPEC §11)."""

from __future__ import annotations

import pytest
from django.test import Client

from itbrehab.accounts.models import Clinic, User


@pytest.fixture
def admin_browser(therapist: User) -> Client:
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    browser = Client()
    browser.force_login(therapist)
    return browser


def _rtm(clinic: Clinic) -> bool:
    clinic.refresh_from_db()
    return clinic.rtm_enabled


def test_the_team_page_shows_the_setting_checked_by_default(admin_browser: Client) -> None:
    html = admin_browser.get("/team/").content.decode()

    assert "Clinic settings" in html
    assert 'name="rtm_enabled"' in html
    assert (
        "checked" in html[html.index('name="rtm_enabled"') - 100 : html.index("Remote therapeutic")]
    )


def test_an_admin_turns_rtm_off_and_on(admin_browser: Client, clinic: Clinic) -> None:
    off = admin_browser.post("/team/rtm/", {})

    assert off.status_code == 302
    assert off["Location"] == "/team/"
    assert _rtm(clinic) is False
    assert "Remote therapeutic monitoring is off" in admin_browser.get("/team/").content.decode()

    admin_browser.post("/team/rtm/", {"rtm_enabled": "on"})

    assert _rtm(clinic) is True


def test_a_therapist_who_is_not_an_admin_gets_403(pt: Client, clinic: Clinic) -> None:
    assert pt.post("/team/rtm/", {}).status_code == 403
    assert _rtm(clinic) is True


def test_anonymous_is_sent_to_log_in_and_get_is_405(
    client: Client, admin_browser: Client, clinic: Clinic
) -> None:
    response = client.post("/team/rtm/", {})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert admin_browser.get("/team/rtm/").status_code == 405
    assert _rtm(clinic) is True


def test_another_clinic_is_never_changed(admin_browser: Client, outsider: User) -> None:
    admin_browser.post("/team/rtm/", {})

    assert _rtm(outsider.clinic) is True
