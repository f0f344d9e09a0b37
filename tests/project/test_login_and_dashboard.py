"""A PT logs in by email, lands on the dashboard and sees only their clinic's athletes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory


def test_the_login_page_asks_for_email_and_password(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email"' in html
    assert 'type="password"' in html


def test_a_therapist_logs_in_with_email_in_any_case_and_lands_on_the_dashboard(
    client: Client, therapist: User
) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": therapist.email.upper(), "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_shows_an_error_and_keeps_the_email(
    client: Client, therapist: User
) -> None:
    response = client.post(
        "/accounts/login/", {"username": therapist.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct email address and password" in html
    assert f'value="{therapist.email}"' in html


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


def test_the_root_address_leads_to_the_dashboard(client: Client, db: None) -> None:
    assert client.get("/")["Location"] == reverse("dashboard")


def test_logging_out_ends_the_session(client: Client, therapist: User) -> None:
    client.force_login(therapist)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_the_dashboard_lists_only_this_clinics_active_athletes(
    client: Client, therapist: User, colleague: User, outsider: User
) -> None:
    AthleteFactory(therapist=therapist, first_name="Sam", last_name="Okafor")
    AthleteFactory(therapist=colleague, first_name="Lena", last_name="Fischer")
    AthleteFactory(therapist=therapist, first_name="Emma", last_name="Gone", status="discharged")
    AthleteFactory(therapist=outsider, first_name="Other", last_name="Clinic")
    client.force_login(therapist)
    html = client.get("/dashboard/").content.decode()
    assert "Sam Okafor" in html
    assert "Lena Fischer" in html
    assert "Emma Gone" not in html
    assert "Other Clinic" not in html


def _web_login(client: Client, email: str, password: str, address: str = "10.0.0.1") -> int:
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    ).status_code


def test_ten_failed_logins_lock_that_account_from_that_address_only(
    therapist: User, colleague: User
) -> None:
    client = Client()
    for attempt in range(9):
        # Any capitalisation counts toward the same account.
        email = therapist.email.upper() if attempt % 2 else therapist.email
        assert _web_login(client, email, "wrong-password") == 200
    assert _web_login(client, therapist.email, "wrong-password") == 429  # the 10th locks
    assert _web_login(client, therapist.email, DEFAULT_PASSWORD) == 429
    assert _web_login(Client(), colleague.email, DEFAULT_PASSWORD) == 302
    assert _web_login(Client(), therapist.email, DEFAULT_PASSWORD, address="10.0.0.2") == 302
