"""The schema documents bearer auth; a bearer GET costs a fixed number of queries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.api_clients.auth import BEARER_AUTH_QUERIES
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.api.oauth.conftest import Bearer
from tests.factories import SessionLogFactory

pytestmark = pytest.mark.usefixtures("now")


def test_the_schema_documents_client_credentials(db: None) -> None:
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()

    scheme = schema["components"]["securitySchemes"]["oauth2"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/o/token/"
    assert set(scheme["flows"]["clientCredentials"]["scopes"]) == {"read", "write"}
    athletes = schema["paths"]["/api/v1/athletes/"]
    assert {"oauth2": ["read"]} in athletes["get"]["security"]
    assert {"oauth2": ["write"]} in athletes["post"]["security"]


@pytest.mark.parametrize("sessions", [1, 20])
def test_a_bearer_get_of_sessions_costs_a_fixed_number_of_queries(
    bearer: Bearer, ana: Athlete, sessions: int, django_assert_num_queries
) -> None:
    for day in range(sessions):
        SessionLogFactory(athlete=ana, date=f"2026-02-{day + 1:02d}")
    client, _ = bearer("read")

    # The token with its application, client and clinic (1); the athlete through the
    # access helper (1); the page's count and rows (2); the audit's read event (1).
    with django_assert_num_queries(BEARER_AUTH_QUERIES + 1 + 2 + READ_EVENT_QUERIES):
        response = client.get(f"/api/v1/athletes/{ana.pk}/sessions/")

    assert response.status_code == 200
    assert response.json()["count"] == sessions
