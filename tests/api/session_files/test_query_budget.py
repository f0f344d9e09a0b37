"""Reading a watch file costs a fixed, small number of queries: it stores nothing."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.api_auth import TOKEN_AUTH_QUERIES
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.api.session_files.calls import fixture, upload
from tests.support.sessions import varied_history

# The token with its user; the athlete (therapist and clinic joined: the clinic's time
# zone dates the file); the audit's record of the read. Nothing about the sessions.
SESSION_FILE_QUERIES = TOKEN_AUTH_QUERIES + 1 + READ_EVENT_QUERIES


def test_a_file_is_read_within_a_fixed_budget(
    client: APIClient, athlete: Athlete, django_assert_max_num_queries: Callable
) -> None:
    varied_history(athlete, 30, newest=athlete.clinic.today())
    content = fixture("fenix2-run-cadence.fit")

    with django_assert_max_num_queries(SESSION_FILE_QUERIES):
        response = upload(client, athlete, content)

    assert response.status_code == 200, response.content
