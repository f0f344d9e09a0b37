"""On SQLite (``make run``'s embedded default) no write is audited and nothing breaks.

The suite runs on PostgreSQL, so "not PostgreSQL" is stood in for by switching the audit's
one check (``recording``) off: no context is sent with the statements (SQLite would refuse
pghistory's ``set_config``), and the list holds only the reads and account events, which
the app writes itself, without a query for the writes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.audit import context, selectors
from tests.athletes.pt_forms.forms import athlete_data
from tests.support.athletes import sam


@pytest.fixture
def not_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "recording", lambda: False)
    monkeypatch.setattr(selectors, "recording", lambda: False)


@pytest.mark.usefixtures("wednesday", "not_postgresql")
def test_a_page_still_saves_with_no_context_sent(pt: Client, therapist: User) -> None:
    athlete: Athlete = sam(therapist)

    with CaptureQueriesContext(connection) as queries:
        response = pt.post(
            f"/athletes/{athlete.pk}/edit/",
            athlete_data(therapist, first_name="Samuel", last_name="Okafor"),
        )

    assert response.status_code == 302
    athlete.refresh_from_db()
    assert athlete.first_name == "Samuel"
    assert not any("pghistory" in query["sql"] for query in queries)


@pytest.mark.usefixtures("not_postgresql")
def test_the_list_holds_reads_and_logins_only(pt: Client, therapist: User) -> None:
    athlete = sam(therapist)
    assert pt.get(f"/athletes/{athlete.pk}/").status_code == 200

    with CaptureQueriesContext(connection) as queries:
        events = selectors.audit_events_for_clinic(therapist.clinic)
        count = events.count()
        listed = [(e["action"], e["athlete"]) for e in events]

    # The fixture's login, then the page's read; the athlete's create is not there.
    assert listed == [("read", athlete.pk), ("login", None)]
    assert count == 2
    assert len(queries) == 2  # the access events' count and page; nothing for the writes
