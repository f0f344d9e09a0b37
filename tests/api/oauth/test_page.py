"""The API-clients page (under Team): the admin sees, creates and revokes; others get 403."""

from __future__ import annotations

import pytest
from django.test import Client

from itbrehab.accounts.models import User
from itbrehab.api_clients.models import ApiClient
from itbrehab.api_clients.services import api_client_create

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def admin_browser(admin: User) -> Client:
    browser = Client()
    browser.force_login(admin)
    return browser


def test_the_admin_creates_a_client_and_sees_its_secret_once(admin_browser: Client) -> None:
    created = admin_browser.post(
        "/team/api-clients/new/", {"name": "Front desk", "scopes": ["read"]}
    )

    assert created.status_code == 200
    client = ApiClient.objects.get()
    secret = created.context["created"][1]
    assert secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    page = admin_browser.get("/team/api-clients/")
    assert "Front desk" in page.content.decode()
    assert client.client_id in page.content.decode()
    assert secret not in page.content.decode()


def test_a_reload_of_the_answer_creates_nothing_more(admin_browser: Client) -> None:
    once = admin_browser.get("/team/api-clients/").context["form"]["once"].value()
    sent = {"name": "Front desk", "scopes": ["read"], "once": once}
    admin_browser.post("/team/api-clients/new/", sent)

    again = admin_browser.post("/team/api-clients/new/", sent, follow=True)

    assert ApiClient.objects.count() == 1
    assert again.context["created"] is None
    assert "sent already" in again.content.decode()


def test_a_form_error_is_shown_beside_the_field_and_nothing_stored(admin_browser: Client) -> None:
    response = admin_browser.post("/team/api-clients/new/", {"name": "Front desk"})

    assert response.status_code == 400
    assert "Choose at least one scope" in response.content.decode()
    assert 'value="Front desk"' in response.content.decode()  # what was typed is kept
    assert not ApiClient.objects.exists()


def test_the_admin_revokes_a_client(admin_browser: Client, admin: User) -> None:
    client, _ = api_client_create(admin=admin, name="Sync", scopes=["read"])

    response = admin_browser.post(f"/team/api-clients/{client.pk}/revoke/", follow=True)

    assert response.status_code == 200
    assert "Sync is revoked" in response.content.decode()
    client.refresh_from_db()
    assert client.revoked_at is not None


def test_the_team_page_links_to_it(admin_browser: Client) -> None:
    assert 'href="/team/api-clients/"' in admin_browser.get("/team/").content.decode()


def test_a_therapist_who_is_no_admin_gets_403(colleague: User, admin: User) -> None:
    client, _ = api_client_create(admin=admin, name="Sync", scopes=["read"])
    browser = Client()
    browser.force_login(colleague)

    assert browser.get("/team/api-clients/").status_code == 403
    assert (
        browser.post("/team/api-clients/new/", {"name": "X", "scopes": ["read"]}).status_code == 403
    )
    assert browser.post(f"/team/api-clients/{client.pk}/revoke/").status_code == 403
    assert ApiClient.objects.count() == 1
    client.refresh_from_db()
    assert client.revoked_at is None


def test_another_clinics_client_answers_404(admin_browser: Client, outsider: User) -> None:
    outsider.is_clinic_admin = True
    outsider.save()
    theirs, _ = api_client_create(admin=outsider, name="Theirs", scopes=["read"])

    assert admin_browser.post(f"/team/api-clients/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
