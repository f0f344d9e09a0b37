"""Authentication for the API: tokens, revocation, lockouts and throttles (SPEC §3).

A clinic system logs in with email and password for a knox token; revoking the token or
deactivating the therapist ends its access at once; failed logins are limited per
(account, address) pair by django-axes; every token has its own request budget.
"""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from itbrehab.accounts.api import LOCKED_OUT, LOGIN_FAILED
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, TherapistFactory

TOKEN_URL = "/api/v1/auth/token/"
ATHLETES_URL = "/api/v1/athletes/"
FAILURE_LIMIT = 10  # settings.AXES_FAILURE_LIMIT


def log_in(email: str, password: str = DEFAULT_PASSWORD, address: str = "203.0.113.10") -> Any:
    """POST the login form from ``address``; return the response."""
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, REMOTE_ADDR=address)


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def new_token(user: User) -> str:
    return AuthToken.objects.create(user)[1]


# --- Logging in ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", [str.lower, str.upper, str.title], ids=["lower", "upper", "title"]
)
def test_a_therapist_logs_in_with_their_email_in_any_case(therapist: User, spelling) -> None:
    response = log_in(spelling(therapist.email))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expiry"}
    assert token_client(body["token"]).get(ATHLETES_URL).status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("pt@riverside.example", "wrong-password"),
        ("nobody@riverside.example", DEFAULT_PASSWORD),
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_wrong_credentials_answer_401_with_detail_and_code(
    therapist: User, email: str, password: str
) -> None:
    response = log_in(email, password)

    assert response.status_code == 401
    assert response.json() == {"detail": LOGIN_FAILED, "code": "authentication_failed"}
    assert not AuthToken.objects.exists()


def test_an_inactive_therapist_cannot_log_in(therapist: User) -> None:
    therapist.is_active = False
    therapist.save()

    response = log_in(therapist.email)

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_a_user_without_a_clinic_cannot_get_a_token(db: None) -> None:
    User.objects.create_superuser("admin@itbrehab.example", DEFAULT_PASSWORD)

    response = log_in("admin@itbrehab.example")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "not-an-email", "password": "x"}, {"email": "pt@riverside.example"}],
    ids=["empty", "bad-email", "no-password"],
)
def test_a_malformed_login_answers_400_naming_the_field(therapist: User, body: dict) -> None:
    response = APIClient().post(TOKEN_URL, body)

    assert response.status_code == 400
    assert set(response.json()) <= {"email", "password"}
    assert response.json()


# --- Revoking -----------------------------------------------------------------------


def test_revoking_a_token_ends_its_access_at_once(therapist: User) -> None:
    client = token_client(log_in(therapist.email).json()["token"])
    other = token_client(new_token(therapist))
    assert client.get(ATHLETES_URL).status_code == 200

    assert client.delete(TOKEN_URL).status_code == 204

    response = client.get(ATHLETES_URL)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}
    # The therapist's other integrations keep their own tokens.
    assert other.get(ATHLETES_URL).status_code == 200


def test_revoking_needs_a_token(db: None) -> None:
    response = APIClient().delete(TOKEN_URL)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_deactivating_the_therapist_ends_their_tokens_at_once(therapist: User) -> None:
    client = token_client(new_token(therapist))
    assert client.get(ATHLETES_URL).status_code == 200

    therapist.is_active = False
    therapist.save()

    response = client.get(ATHLETES_URL)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_a_made_up_token_answers_401(db: None) -> None:
    response = token_client("0" * 64).get(ATHLETES_URL)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


# --- Failed-login lockout (django-axes, per account and address) ----------------------


def fail_to_log_in(email: str, times: int, address: str = "203.0.113.10") -> list[int]:
    return [log_in(email, "wrong-password", address).status_code for _ in range(times)]


def test_ten_failed_logins_lock_that_account_out_from_that_address(therapist: User) -> None:
    statuses = fail_to_log_in(therapist.email, FAILURE_LIMIT)

    assert statuses[: FAILURE_LIMIT - 1] == [401] * (FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # the attempt that reaches the limit already says so
    response = log_in(therapist.email)  # the right password no longer helps
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "locked_out"
    assert body["detail"].startswith(LOCKED_OUT)
    assert int(response["Retry-After"]) > 0
    assert not AuthToken.objects.exists()


def test_the_lockout_counts_the_email_in_any_case_as_one_account(therapist: User) -> None:
    spellings = [therapist.email.upper(), therapist.email.title(), therapist.email]
    for attempt in range(FAILURE_LIMIT):
        log_in(spellings[attempt % len(spellings)], "wrong-password")

    assert log_in(therapist.email.upper()).status_code == 429


def test_a_locked_out_account_still_logs_in_from_another_address(therapist: User) -> None:
    fail_to_log_in(therapist.email, FAILURE_LIMIT, address="203.0.113.10")

    assert log_in(therapist.email, address="198.51.100.7").status_code == 200


def test_another_account_still_logs_in_from_a_locked_out_address(
    therapist: User, colleague: User
) -> None:
    fail_to_log_in(therapist.email, FAILURE_LIMIT, address="203.0.113.10")

    assert log_in(colleague.email, address="203.0.113.10").status_code == 200


def test_a_success_before_the_limit_resets_the_count(therapist: User) -> None:
    fail_to_log_in(therapist.email, FAILURE_LIMIT - 1)
    assert log_in(therapist.email).status_code == 200

    assert fail_to_log_in(therapist.email, FAILURE_LIMIT - 1) == [401] * (FAILURE_LIMIT - 1)
    assert log_in(therapist.email).status_code == 200


# --- Throttles ----------------------------------------------------------------------


def test_thirty_logins_a_minute_from_one_address_all_pass(clinic: Any) -> None:
    therapists = [TherapistFactory(clinic=clinic) for _ in range(3)]

    statuses = [log_in(therapists[i % 3].email).status_code for i in range(30)]

    assert statuses == [200] * 30


def test_a_token_over_its_rate_gets_429_with_retry_after(therapist: User, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "5/min",
        },
    }
    client = token_client(new_token(therapist))
    other = token_client(new_token(therapist))

    statuses = [client.get(ATHLETES_URL).status_code for _ in range(5)]
    response = client.get(ATHLETES_URL)

    assert statuses == [200] * 5
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Each token has its own budget: another integration is not held back.
    assert other.get(ATHLETES_URL).status_code == 200


def test_the_default_rate_lets_a_busy_integration_through(therapist: User) -> None:
    # SPEC §3: at least 1,000 requests a minute. Checked against the configured rate
    # (sending a thousand requests would make the suite slow for no more certainty).
    from rest_framework.settings import api_settings

    count, period = api_settings.DEFAULT_THROTTLE_RATES["user"].split("/")
    assert period.startswith("m")
    assert int(count) >= 1000
    count, period = api_settings.DEFAULT_THROTTLE_RATES["login"].split("/")
    assert period.startswith("m")
    assert int(count) >= 30


# --- Browser sessions ---------------------------------------------------------------


def test_a_browser_session_needs_csrf_for_unsafe_methods(therapist: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(therapist)

    assert client.get(ATHLETES_URL).status_code == 200
    response = client.post(
        ATHLETES_URL, {"first_name": "Sam", "last_name": "Okafor", "affected_side": "left"}
    )

    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code"}
    assert "CSRF" in response.json()["detail"]


def test_a_browser_session_with_the_csrf_token_may_write(therapist: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # sets the csrftoken cookie, as the login page does
    csrf = client.cookies["csrftoken"].value
    client.force_login(therapist)

    response = client.post(
        ATHLETES_URL,
        {"first_name": "Sam", "last_name": "Okafor", "affected_side": "left"},
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 201, response.content


def test_token_requests_need_no_csrf(therapist: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_token(therapist)}")

    response = client.post(
        ATHLETES_URL, {"first_name": "Sam", "last_name": "Okafor", "affected_side": "left"}
    )

    assert response.status_code == 201, response.content
