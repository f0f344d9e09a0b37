"""Deactivating a therapist ends their sessions and API tokens at once; their athletes stay."""

from __future__ import annotations

from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.accounts.services import CANNOT_DEACTIVATE_SELF
from tests.factories import AthleteFactory, TherapistFactory


def _token_client(user: User) -> APIClient:
    _token, secret = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_deactivated_therapists_next_page_is_the_login_page(
    admin_browser: Client, colleague: User, colleague_browser: Client
) -> None:
    assert colleague_browser.get("/dashboard/").status_code == 200

    response = admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    assert response.status_code == 302
    refused = colleague_browser.get("/dashboard/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/login/")


def test_the_deactivated_therapists_api_token_is_refused_at_once(
    admin_browser: Client, colleague: User
) -> None:
    api = _token_client(colleague)
    assert api.get("/api/v1/athletes/").status_code == 200

    admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    assert api.get("/api/v1/athletes/").status_code == 401
    assert not AuthToken.objects.filter(user=colleague).exists()


def test_they_cannot_log_in_again(admin_browser: Client, colleague: User) -> None:
    admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    response = Client().post(
        "/accounts/login/", {"username": colleague.email, "password": "knee-rehab-2026"}
    )

    assert response.status_code == 200  # the form again, nobody logged in
    assert "_auth_user_id" not in response.wsgi_request.session


def test_reactivation_lets_them_log_in_but_does_not_revive_the_old_session(
    admin_browser: Client, colleague: User, colleague_browser: Client
) -> None:
    colleague_browser.get("/dashboard/")
    admin_browser.post(f"/team/{colleague.pk}/deactivate/")
    admin_browser.post(f"/team/{colleague.pk}/reactivate/")

    colleague.refresh_from_db()
    assert colleague.is_active
    assert not colleague.is_clinic_admin
    assert colleague_browser.get("/dashboard/").status_code == 302
    fresh = Client()
    fresh.post("/accounts/login/", {"username": colleague.email, "password": "knee-rehab-2026"})
    assert fresh.get("/dashboard/").status_code == 200


def test_their_athletes_stay_in_the_clinic_and_on_the_dashboard(
    admin_browser: Client, colleague: User
) -> None:
    athlete = AthleteFactory(therapist=colleague, first_name="Wanda", last_name="Stays")

    admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    athlete.refresh_from_db()
    assert (athlete.clinic_id, athlete.therapist_id) == (colleague.clinic_id, colleague.pk)
    assert "Wanda Stays" in admin_browser.get("/dashboard/").content.decode()


def test_the_athlete_form_no_longer_offers_them_and_reassigns_to_an_active_colleague(
    admin_browser: Client, admin: User, colleague: User
) -> None:
    athlete: Athlete = AthleteFactory(therapist=colleague)
    admin_browser.post(f"/team/{colleague.pk}/deactivate/")

    form = admin_browser.get(f"/athletes/{athlete.pk}/edit/").context["form"]
    offered = set(form.fields["therapist"].queryset)

    assert colleague not in offered
    assert admin in offered


def test_an_admin_cannot_deactivate_themselves(admin_browser: Client, admin: User) -> None:
    TherapistFactory(clinic=admin.clinic, is_clinic_admin=True)  # not the last admin either

    response = admin_browser.post(f"/team/{admin.pk}/deactivate/")

    assert response.status_code == 200
    assert CANNOT_DEACTIVATE_SELF in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.is_clinic_admin


def test_another_admin_can_be_deactivated_and_loses_the_role(
    admin_browser: Client, admin: User
) -> None:
    other = TherapistFactory(clinic=admin.clinic, is_clinic_admin=True)

    admin_browser.post(f"/team/{other.pk}/deactivate/")

    other.refresh_from_db()
    assert not other.is_active
    assert not other.is_clinic_admin
