"""Security keys' relying party: from the environment, else derived from the site's address."""

from __future__ import annotations

from typing import Any

import pytest

from itbrehab.settings_sections import webauthn_settings


def _derive(**given: Any) -> tuple[str, list[str]]:
    values = {"rp_id": "", "origins": [], "site_url": "http://127.0.0.1:8000", "allowed_hosts": []}
    return webauthn_settings(**{**values, **given})


def test_development_uses_localhost_on_make_runs_port() -> None:
    hosts = ["localhost", "127.0.0.1", "[::1]"]

    assert _derive(allowed_hosts=hosts) == ("localhost", ["http://localhost:8000"])


def test_production_takes_the_domain_of_site_url() -> None:
    derived = _derive(
        site_url="https://rehab.example.org", allowed_hosts=["rehab.example.org", "10.0.0.5"]
    )

    assert derived == ("rehab.example.org", ["https://rehab.example.org"])


def test_without_site_url_the_first_domain_of_allowed_hosts_counts() -> None:
    derived = _derive(allowed_hosts=["10.0.0.5", "*", ".rehab.example.org"])

    assert derived == ("rehab.example.org", ["https://rehab.example.org"])


def test_a_site_on_a_subdomain_is_an_allowed_origin_too() -> None:
    derived = _derive(rp_id="example.org", site_url="https://rehab.example.org")

    assert derived == ("example.org", ["https://example.org", "https://rehab.example.org"])


@pytest.mark.parametrize(
    "site_url", ["http://rehab.example.org", "https://elsewhere.example", "http://10.0.0.5"]
)
def test_an_insecure_or_foreign_site_url_is_not_an_origin(site_url: str) -> None:
    derived = _derive(rp_id="rehab.example.org", site_url=site_url)

    assert derived == ("rehab.example.org", ["https://rehab.example.org"])


def test_the_environment_wins() -> None:
    derived = _derive(
        rp_id="example.org",
        origins=["https://a.example.org", "https://b.example.org"],
        site_url="https://rehab.example.org",
    )

    assert derived == ("example.org", ["https://a.example.org", "https://b.example.org"])


def test_addresses_only_mean_no_keys() -> None:
    assert _derive(allowed_hosts=["127.0.0.1", "[::1]", "*"]) == ("", [])
