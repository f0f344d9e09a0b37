"""docker-compose.yml refuses to start without its secrets (no engine runs here: read the file)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")
DEFAULTED = re.compile(r"\$\{(\w+):-[^}]*\}")


def test_the_compose_file_requires_a_secret_key_and_a_database_password() -> None:
    text = COMPOSE.read_text()

    assert {"SECRET_KEY", "POSTGRES_PASSWORD"} <= set(REQUIRED.findall(text))
    # No secret falls back to a default a reader could copy.
    assert not {"SECRET_KEY", "POSTGRES_PASSWORD"} & set(DEFAULTED.findall(text))


def test_the_database_password_is_the_same_on_both_sides() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    web_url = services["web"]["environment"]["DATABASE_URL"]
    postgres_password = services["postgres"]["environment"]["POSTGRES_PASSWORD"]

    assert postgres_password in web_url
    assert services["worker"]["environment"] == services["web"]["environment"]
    assert services["beat"]["environment"] == services["web"]["environment"]
