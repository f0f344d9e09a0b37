"""An admin makes another therapist admin or takes the role away, never from the last admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape

from itbrehab.accounts.models import CLINIC_ADMIN_ACTIVE, User
from itbrehab.accounts.services import (
    LAST_ADMIN,
    NO_LONGER_ADMIN,
    therapist_deactivate,
    therapist_set_admin,
)
from tests.factories import TherapistFactory


def test_an_admin_makes_a_colleague_admin(admin_browser: Client, colleague: User) -> None:
    response = admin_browser.post(f"/team/{colleague.pk}/make-admin/", follow=True)

    colleague.refresh_from_db()
    assert colleague.is_clinic_admin
    assert f"{colleague} is now a clinic admin." in response.content.decode()


def test_the_new_admin_reaches_the_team_page(
    admin_browser: Client, colleague: User, colleague_browser: Client
) -> None:
    assert colleague_browser.get("/team/").status_code == 403
    admin_browser.post(f"/team/{colleague.pk}/make-admin/")
    assert colleague_browser.get("/team/").status_code == 200


def test_an_admin_removes_another_admins_role(admin_browser: Client, colleague: User) -> None:
    admin_browser.post(f"/team/{colleague.pk}/make-admin/")
    admin_browser.post(f"/team/{colleague.pk}/remove-admin/")

    colleague.refresh_from_db()
    assert not colleague.is_clinic_admin


def test_the_last_admin_keeps_the_role_with_a_clear_error(
    admin_browser: Client, admin: User, colleague: User
) -> None:
    response = admin_browser.post(f"/team/{admin.pk}/remove-admin/")

    assert response.status_code == 200
    assert escape(LAST_ADMIN.format(name=admin)) in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_clinic_admin


def test_an_admin_may_step_down_when_another_admin_remains(
    admin_browser: Client, admin: User, colleague: User
) -> None:
    admin_browser.post(f"/team/{colleague.pk}/make-admin/")

    admin_browser.post(f"/team/{admin.pk}/remove-admin/")

    admin.refresh_from_db()
    assert not admin.is_clinic_admin
    assert admin_browser.get("/team/").status_code == 403


def test_a_deactivated_therapist_cannot_be_made_admin(
    admin_browser: Client, colleague: User
) -> None:
    admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    response = admin_browser.post(f"/team/{colleague.pk}/make-admin/")

    assert CLINIC_ADMIN_ACTIVE in response.content.decode()
    colleague.refresh_from_db()
    assert not colleague.is_clinic_admin


def test_an_admin_demoted_meanwhile_can_no_longer_act(admin: User) -> None:
    """Two admins demoting each other at once: the second finds they are no longer admin."""
    other = TherapistFactory(clinic=admin.clinic, is_clinic_admin=True)
    stale_other = User.objects.get(pk=other.pk)
    therapist_set_admin(admin=admin, therapist=other, is_admin=False)

    with pytest.raises(ValidationError) as refused:
        therapist_set_admin(admin=stale_other, therapist=admin, is_admin=False)
    with pytest.raises(ValidationError):
        therapist_deactivate(admin=stale_other, therapist=admin)

    assert refused.value.messages == [NO_LONGER_ADMIN]
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.is_clinic_admin
