"""Every response holding health data or a secret says ``Cache-Control: no-store`` (SPEC §7).

PT pages, phone pages (the link-open redirect and refusals included) and every API answer
(errors and the token endpoint included). Static files keep their own caching, and the
phone's service worker its ``no-cache``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.headers.pages import HTML_KINDS, OTHER_KINDS, World, fetch

pytestmark = pytest.mark.django_db

KINDS = {**HTML_KINDS, **OTHER_KINDS}


def cache_directives(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize("kind", KINDS)
def test_every_response_with_health_data_or_a_secret_is_never_stored(
    world: World, kind: str
) -> None:
    response = fetch(KINDS, kind, world)
    assert "no-store" in cache_directives(response["Cache-Control"])


def test_the_service_worker_keeps_its_own_policy(world: World) -> None:
    # Code, not data: the phone revalidates it on every load, and it is kept as set.
    response = world.phone.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


def test_static_files_keep_their_caching_and_skip_these_headers(
    client: Client, settings_override: None
) -> None:
    response = client.get(f"{settings.STATIC_URL}js/select-on-focus.js")
    assert response.status_code == 200
    assert b"data-select-on-focus" in b"".join(response.streaming_content)
    assert "no-store" not in cache_directives(response.get("Cache-Control", ""))
    assert "Content-Security-Policy" not in response


@pytest.fixture
def settings_override(settings: object) -> None:
    # Served from the finders, as in development (production serves collected files).
    settings.WHITENOISE_USE_FINDERS = True  # type: ignore[attr-defined]
