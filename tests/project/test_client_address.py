"""One client address for throttles, login lockout and the phone-link limiter (SPEC §7).

``TRUSTED_PROXY_COUNT`` is the only setting about proxies. With 0 (the default) a forged
``X-Forwarded-For`` changes nothing: rotating it does not get an attacker past any limit.
Behind N trusted proxies the client is the Nth address from the right, and that address,
not the proxy's, is the one limited.
"""

from __future__ import annotations

import runpy
from typing import Any

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from athletes.phone.access import OPEN_RATE_LIMIT
from itbrehab.accounts.api import LOCKED_OUT
from itbrehab.accounts.models import User
from itbrehab.client_ip import client_ip
from tests.factories import DEFAULT_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.5"
LOGIN_RATE = 60  # THROTTLE_LOGIN: 60 a minute per address
FAILURE_LIMIT = 10  # AXES_FAILURE_LIMIT


def forged(n: int) -> str:
    """A different made-up address for each attempt, as an attacker would rotate them."""
    return f"198.51.{n // 250}.{n % 250 + 1}"


def api_login(email: str, password: str, *, remote: str, forwarded: str | None = None) -> Any:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return APIClient().post(
        TOKEN_URL, {"email": email, "password": password}, REMOTE_ADDR=remote, **headers
    )


# --- The one function -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "203.0.113.7"),
        (0, "1.2.3.4", "203.0.113.7"),  # nobody vouches for the header: ignored
        (1, "198.51.100.9", "198.51.100.9"),
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the forged part is left of ours
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.9", "198.51.100.9"),
        (2, "198.51.100.9", "203.0.113.7"),  # fewer addresses than proxies: not trusted
        (1, "not-an-address", "203.0.113.7"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "", "203.0.113.7"),
    ],
)
def test_the_client_is_the_nth_address_from_the_right(
    settings: Any, proxies: int, forwarded: str | None, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", **headers)

    assert client_ip(request) == expected


# --- Login throttle and lockout: no proxy -----------------------------------------------


def test_rotating_a_forged_forwarded_for_does_not_escape_the_login_throttle(
    therapist: User,
) -> None:
    statuses = [
        api_login(
            therapist.email, "wrong-password", remote="203.0.113.50", forwarded=forged(n)
        ).status_code
        for n in range(80)
    ]

    # Locked out at the 10th failure (django-axes): every one of the 80 counted against
    # the one real address, whatever the header said.
    assert statuses[: FAILURE_LIMIT - 1] == [401] * (FAILURE_LIMIT - 1)
    assert set(statuses[FAILURE_LIMIT - 1 :]) == {429}


def test_rotating_a_forged_forwarded_for_does_not_escape_the_lockout(therapist: User) -> None:
    for n in range(FAILURE_LIMIT):
        api_login(therapist.email, "wrong-password", remote="203.0.113.51", forwarded=forged(n))

    # The right password from the same real address, under yet another forged header.
    response = api_login(
        therapist.email, DEFAULT_PASSWORD, remote="203.0.113.51", forwarded="9.9.9.9"
    )

    assert response.status_code == 429
    assert response.json()["detail"].startswith(LOCKED_OUT)


def test_rotating_forged_addresses_on_the_login_page_still_locks_out(therapist: User) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.52")
    for n in range(FAILURE_LIMIT):
        browser.post(
            "/accounts/login/",
            {"username": therapist.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=forged(n),
        )

    response = browser.post(
        "/accounts/login/",
        {"username": therapist.email, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="9.9.9.9",
    )

    assert response.status_code == 429


def test_eighty_anonymous_logins_with_forged_addresses_are_throttled(db: None) -> None:
    # No account at all: only the per-address throttle stands in the way.
    statuses = [
        api_login(
            f"guess{n}@example.org", "x" * 12, remote="203.0.113.53", forwarded=forged(n)
        ).status_code
        for n in range(80)
    ]

    assert statuses[:LOGIN_RATE] == [401] * LOGIN_RATE
    assert statuses[LOGIN_RATE:] == [429] * (80 - LOGIN_RATE)


# --- Behind one trusted proxy -----------------------------------------------------------


def test_behind_a_trusted_proxy_the_real_client_is_the_one_throttled(
    db: None, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, neighbour = "198.51.100.66", "198.51.100.77"
    statuses = [
        # Every request arrives from the proxy; the attacker forges a left-hand part.
        api_login(
            f"guess{n}@example.org",
            "x" * 12,
            remote=PROXY,
            forwarded=f"{forged(n)}, {attacker}",
        ).status_code
        for n in range(LOGIN_RATE + 1)
    ]

    assert statuses[-1] == 429
    # Another client behind the same proxy is not held up by the attacker.
    other = api_login("someone@example.org", "x" * 12, remote=PROXY, forwarded=neighbour)
    assert other.status_code == 401


def test_behind_a_trusted_proxy_the_lockout_is_per_real_client(
    therapist: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(FAILURE_LIMIT):
        api_login(therapist.email, "wrong-password", remote=PROXY, forwarded="198.51.100.66")

    locked = api_login(therapist.email, "wrong-password", remote=PROXY, forwarded="198.51.100.66")
    colleague_at_desk = api_login(
        therapist.email, DEFAULT_PASSWORD, remote=PROXY, forwarded="198.51.100.77"
    )

    assert locked.status_code == 429
    assert colleague_at_desk.status_code == 200


# --- Phone-link limiter -----------------------------------------------------------------


def test_the_phone_link_limiter_ignores_a_forged_forwarded_for(db: None) -> None:
    phone = Client(REMOTE_ADDR="203.0.113.54")
    statuses = [
        phone.get("/m/link/guessing/", HTTP_X_FORWARDED_FOR=forged(n)).status_code
        for n in range(OPEN_RATE_LIMIT + 1)
    ]

    assert statuses[:OPEN_RATE_LIMIT] == [404] * OPEN_RATE_LIMIT
    assert statuses[-1] == 429


def test_behind_a_trusted_proxy_the_phone_link_limiter_counts_the_real_client(
    db: None, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    phone = Client(REMOTE_ADDR=PROXY)
    for _ in range(OPEN_RATE_LIMIT):
        phone.get("/m/link/guessing/", HTTP_X_FORWARDED_FOR="198.51.100.66")

    assert phone.get("/m/link/guessing/", HTTP_X_FORWARDED_FOR="198.51.100.66").status_code == 429
    assert phone.get("/m/link/guessing/", HTTP_X_FORWARDED_FOR="198.51.100.77").status_code == 404


# --- gunicorn reads the same setting ------------------------------------------------------


@pytest.mark.parametrize(("proxies", "trusted"), [(None, []), ("0", []), ("2", ["*"])])
def test_gunicorn_trusts_forwarded_headers_only_behind_declared_proxies(
    monkeypatch: pytest.MonkeyPatch, proxies: str | None, trusted: list[str]
) -> None:
    # gunicorn's own default trusts X-Forwarded-Proto from 127.0.0.1 whatever the app says.
    from pathlib import Path

    from gunicorn.config import Config

    if proxies is None:
        monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXY_COUNT", proxies)
    conf_file = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    namespace = runpy.run_path(str(conf_file))
    config = Config()
    config.set("forwarded_allow_ips", namespace["forwarded_allow_ips"])

    assert config.forwarded_allow_ips == trusted
