"""The athlete page's sessions table and charts come from the cache only while they hold.

They are cached under the athlete's stored generation and the day (``athletes.athlete_page``).
Each test views the page first, so they are cached, then changes one thing and views again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from athletes import services
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import SessionLogFactory
from tests.support.athletes import sam
from tests.support.clock import NOON, days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


def sessions_table(client: Client, athlete: Athlete) -> str:
    response = client.get(f"/athletes/{athlete.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    return html[
        html.index('<section aria-labelledby="sessions-h"') : html.index(
            "</section>", html.index('aria-labelledby="sessions-h"')
        )
    ]


def charts(client: Client, athlete: Athlete) -> dict[str, Any]:
    html = client.get(f"/athletes/{athlete.pk}/").content.decode()
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


@pytest.fixture
def seen(pt: Client, athlete: Athlete) -> str:
    """The athlete's sessions table with one walk 3 days ago, as first shown (and cached)."""
    SessionLogFactory(athlete=athlete, date=days_ago(3), pain_during=1, notes="first walk")
    table = sessions_table(pt, athlete)
    assert table == sessions_table(pt, athlete)  # the second view: from the cache
    assert table.count('<tr id="session-') == 1
    return table


def test_a_session_logged_through_the_service_is_listed_at_once(
    pt: Client, athlete: Athlete, seen: str
) -> None:
    services.session_log_create(
        athlete=athlete,
        date=days_ago(0),
        activity="walk",
        terrain="uphill",
        surface="treadmill",
        duration_min=35,
        pain_during=2,
        notes="second walk",
    )

    table = sessions_table(pt, athlete)

    assert table.count('<tr id="session-') == 2
    assert "second walk" in table


def test_a_corrected_session_shows_its_new_values_at_once(
    pt: Client, athlete: Athlete, seen: str
) -> None:
    session = SessionLog.objects.get(athlete=athlete)
    services.session_log_update(session=session, notes="corrected")

    assert "corrected" in sessions_table(pt, athlete)


def test_a_deleted_session_leaves_the_table_at_once(
    pt: Client, athlete: Athlete, therapist: User, seen: str
) -> None:
    services.session_log_delete(session=SessionLog.objects.get(athlete=athlete))

    assert '<tr id="session-' not in sessions_table(pt, athlete)


def test_a_pain_changed_by_raw_sql_shows_at_once(pt: Client, athlete: Athlete, seen: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE athletes_sessionlog SET notes = 'by hand' WHERE athlete_id = %s", [athlete.pk]
        )

    assert "by hand" in sessions_table(pt, athlete)


def test_a_new_target_cadence_shows_in_the_chart_at_once(
    pt: Client, athlete: Athlete, seen: str
) -> None:
    services.athlete_update(athlete=athlete, target_cadence_spm=181)

    assert charts(pt, athlete)["target_cadence"] == 181


def test_a_settings_form_with_errors_leaves_the_cached_table_alone(
    pt: Client, athlete: Athlete, seen: str
) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/settings/", {"walk_gate_minutes": "99"})
    assert response.status_code == 200  # the page again, the error beside the field
    assert 'aria-invalid="true"' in response.content.decode()

    assert sessions_table(pt, athlete) == seen


def test_twelve_weeks_later_the_session_has_left_the_list(
    pt: Client, athlete: Athlete, therapist: User, seen: str, time_machine: Any
) -> None:
    time_machine.move_to(NOON + dt.timedelta(weeks=12), tick=False)
    pt.force_login(therapist)  # the old login has timed out

    assert "No sessions in the last 12 weeks." in sessions_table(pt, athlete)
