"""The header middleware adds no database query to any page or endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.headers.pages import World

pytestmark = pytest.mark.django_db

HEADER_MIDDLEWARE = ["csp.middleware.CSPMiddleware", "itbrehab.headers.NoStoreMiddleware"]


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("pt", "/dashboard/"),
        ("pt", "/athletes/{pk}/"),
        ("phone", "/m/"),
        ("api", "/api/v1/athletes/"),
    ],
)
def test_the_headers_cost_no_query(world: World, settings: Any, who: str, path: str) -> None:
    client = getattr(world, who)
    url = path.format(pk=world.athlete.pk)

    def queries() -> int:
        client.get(url)  # warm: the first request may fill per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    with_headers = queries()
    assert set(HEADER_MIDDLEWARE) <= set(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in HEADER_MIDDLEWARE]
    assert queries() == with_headers
