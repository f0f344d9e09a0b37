"""The webhooks API reads in a fixed number of queries, however many endpoints or attempts.

Each read is counted with a small and a large dataset under the same budget, and the two
counts must be equal: a count that grew with the rows would be an N+1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.webhooks.services import webhook_endpoint_create
from tests.support.api import token_client
from tests.webhooks.conftest import add_deliveries

pytestmark = pytest.mark.usefixtures("now")

SIZES = (2, 30)
# The token with its user (1); the page's count and its rows (2).
LIST_QUERIES = 3
# The token (1); the endpoint through the access helper (1); the page's count (1); its
# rows with their events and the admins who sent them again, joined (1).
DELIVERIES_QUERIES = 4


def add_endpoints(admin: User, count: int) -> None:
    for n in range(count):
        webhook_endpoint_create(
            admin=admin, url=f"https://example.com/{n}", events=["stage.changed"]
        )


def _counted(
    client: APIClient, url: str, budget: int, assert_max: Callable[..., Any], rows: int
) -> int:
    with assert_max(budget) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows
    return len(queries)


def test_the_list_costs_the_same_for_2_and_30_endpoints(
    admin: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = token_client(admin)
    counts = []
    added = 0
    for size in SIZES:
        add_endpoints(admin, size - added)
        added = size
        counts.append(
            _counted(client, "/api/v1/webhooks/", LIST_QUERIES, django_assert_max_num_queries, size)
        )

    assert counts[0] == counts[1]


def test_the_deliveries_cost_the_same_for_2_and_30_attempts(
    admin: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    endpoint = webhook_endpoint_create(
        admin=admin, url="https://example.com/h", events=["stage.changed"]
    )
    client = token_client(admin)
    url = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"
    counts = []
    added = 0
    for size in SIZES:
        add_deliveries(endpoint, size - added, sent_again_by=admin)
        added = size
        counts.append(
            _counted(client, url, DELIVERIES_QUERIES, django_assert_max_num_queries, size)
        )

    assert counts[0] == counts[1]
    sent_again = client.get(url).json()["results"]
    assert {row["sent_again_by"] for row in sent_again} == {admin.email, None}
