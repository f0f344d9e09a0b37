"""Settings come from the environment and are production-safe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k9$Jd2!vQm7@pX4#tR8^wZ1&bN6*hL3(eF5)yU0_cA9+sG2=iO7",
    "ALLOWED_HOSTS": "itbrehab.example",
}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_values() -> None:
    result = _manage(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def _setting(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    code = f"from django.conf import settings; print({expression})"
    return _manage({**PRODUCTION_ENV, **env}, "shell", "--no-imports", "-c", code)


def test_without_trusted_proxies_x_forwarded_proto_is_ignored() -> None:
    result = _setting({}, "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_behind_a_trusted_proxy_the_scheme_comes_from_x_forwarded_proto() -> None:
    result = _setting({"TRUSTED_PROXY_COUNT": "1"}, "settings.SECURE_PROXY_SSL_HEADER")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_negative_proxy_count_is_refused_at_start_up() -> None:
    result = _manage({**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "-1"}, "check")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def _readme_production_values() -> dict[str, str]:
    """Return the variables of the README's production block, placeholders filled in."""
    import re
    import secrets
    import shlex

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    values: dict[str, str] = {}
    for word in shlex.split(block, comments=True):
        name, _, value = word.partition("=")
        values[name] = value
    filled = {"SECRET_KEY": secrets.token_urlsafe(50), "password": secrets.token_urlsafe(12)}
    return {
        name: re.sub(r"<([^>:]+)[^>]*>", lambda m: filled.get(m.group(1), filled["password"]), v)
        if name != "SECRET_KEY"
        else filled["SECRET_KEY"]
        for name, v in values.items()
    }


def test_check_deploy_is_clean_with_the_readmes_production_values() -> None:
    values = _readme_production_values()
    assert values["DEBUG"] == "false"
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    assert values["EMAIL_USE_TLS"] == "true"

    result = _manage(values, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_mfa_is_required_in_production_unless_turned_off() -> None:
    # SPEC §8: REQUIRE_MFA defaults to true whenever DEBUG is false.
    assert _setting({}, "settings.REQUIRE_MFA").stdout.strip() == "True"
    turned_off = _setting({"REQUIRE_MFA": "false"}, "settings.REQUIRE_MFA")
    assert turned_off.stdout.strip() == "False"


def test_mfa_is_not_required_in_development_unless_turned_on() -> None:
    development = {"DEBUG": "true", "SECRET_KEY": ""}
    assert _setting(development, "settings.REQUIRE_MFA").stdout.strip() == "False"
    turned_on = _setting({**development, "REQUIRE_MFA": "true"}, "settings.REQUIRE_MFA")
    assert turned_on.stdout.strip() == "True"
