"""Only a clinic admin reaches the Team page and its actions, and only for their clinic."""

from __future__ import annotations

import pytest
from django.test import Client

from itbrehab.accounts.models import User

ACTIONS = ["deactivate", "reactivate", "make-admin", "remove-admin"]


def _team_urls(therapist_id: int) -> list[tuple[str, str]]:
    return [
        ("get", "/team/"),
        ("post", "/team/invite/"),
        *(("post", f"/team/{therapist_id}/{action}/") for action in ACTIONS),
    ]


def test_a_therapist_who_is_not_an_admin_gets_403_on_every_team_url(
    admin: User, colleague: User, colleague_browser: Client
) -> None:
    for method, url in _team_urls(admin.pk):
        response = getattr(colleague_browser, method)(url, {"email": "x@y.example"})
        assert response.status_code == 403, url
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.is_clinic_admin
    assert User.objects.count() == 2  # nobody invited


def test_403_comes_before_any_lookup_of_the_therapist(
    colleague_browser: Client, outsider: User
) -> None:
    for method, url in _team_urls(outsider.pk) + _team_urls(999_999):
        assert getattr(colleague_browser, method)(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(admin: User) -> None:
    for method, url in _team_urls(admin.pk):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


def test_another_clinics_therapist_is_404_for_every_action(
    admin_browser: Client, outsider: User
) -> None:
    for action in ACTIONS:
        assert admin_browser.post(f"/team/{outsider.pk}/{action}/").status_code == 404, action
    outsider.refresh_from_db()
    assert outsider.is_active
    assert not outsider.is_clinic_admin


def test_actions_refuse_get(admin_browser: Client, colleague: User) -> None:
    for action in ACTIONS:
        assert admin_browser.get(f"/team/{colleague.pk}/{action}/").status_code == 405, action
    assert admin_browser.get("/team/invite/").status_code == 405
    assert admin_browser.post("/team/").status_code == 405


def test_actions_need_the_csrf_token(admin: User, colleague: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    assert browser.post(f"/team/{colleague.pk}/deactivate/").status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.mark.parametrize("is_admin", [True, False])
def test_the_nav_shows_team_only_to_admins(therapist: User, pt: Client, is_admin: bool) -> None:
    therapist.is_clinic_admin = is_admin
    therapist.save(update_fields=["is_clinic_admin"])
    page = pt.get("/dashboard/").content.decode()
    assert ('href="/team/"' in page) is is_admin


def test_the_nav_offers_the_django_admin_to_superusers_only(therapist: User, pt: Client) -> None:
    therapist.is_staff = True
    therapist.save(update_fields=["is_staff"])
    assert 'href="/admin/"' not in pt.get("/dashboard/").content.decode()
