"""The athlete page's LEFS section: the totals charted, each MCID change marked, a table.

The clock is frozen on Wednesday 11 March 2026 (London, the clinic's zone).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete, LefsResponse
from itbrehab.accounts.models import User
from tests.support.athletes import sam
from tests.support.clock import NOON
from tests.support.lefs import completed_lefs

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def completed(athlete: Athlete, total: int, days_ago: int) -> LefsResponse:
    """A LEFS of ``athlete`` completed ``days_ago`` days before noon today, with ``total``."""
    return completed_lefs(athlete, total, NOON - dt.timedelta(days=days_ago))


def lefs_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="lefs-h".*?</section>', html, flags=re.S)
    assert match
    return match.group(0)


def lefs_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="lefs-data" type="application/json">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


def test_the_totals_are_charted_with_each_mcid_change_marked(pt: Client, athlete: Athlete) -> None:
    completed(athlete, 40, days_ago=56)
    completed(athlete, 52, days_ago=28)
    completed(athlete, 47, days_ago=0)

    html = pt.get(f"/athletes/{athlete.pk}/").content.decode()

    data = lefs_data(html)
    assert [(p["date"], p["total"], p["change"], p["mcid_reached"]) for p in data["points"]] == [
        ("2026-01-14", 40, None, False),
        ("2026-02-11", 52, 12, True),
        ("2026-03-11", 47, -5, False),
    ]
    assert (data["total_max"], data["mcid"]) == (80, 9)
    section = lefs_section(html)
    assert '<canvas id="lefs-chart"' in section
    assert "js/lefs-chart" in html  # the chart's own script, no inline code
    assert '<strong class="mcid">+12 (MCID)</strong>' in section
    # The table: newest first.
    row = r'<tr><td><time datetime="([^"]+)">([^<]+)</time></td><td>(\d+)</td><td>(.*?)</td>'
    rows = re.findall(row, section)
    assert [(d, shown, t) for d, shown, t, _ in rows] == [
        ("2026-03-11", "11 Mar 2026", "47"),
        ("2026-02-11", "11 Feb 2026", "52"),
        ("2026-01-14", "14 Jan 2026", "40"),
    ]
    assert "-5" in rows[0][3]


def test_without_a_completed_lefs_the_section_says_when_it_is_offered(
    pt: Client, athlete: Athlete
) -> None:
    LefsResponse.objects.create(athlete=athlete, source="phone")  # unfinished: not charted

    section = lefs_section(pt.get(f"/athletes/{athlete.pk}/").content.decode())

    assert "No LEFS completed yet" in section
    assert "lefs-data" not in section


def test_a_new_lefs_shows_at_once_though_the_sessions_part_is_cached(
    pt: Client, athlete: Athlete
) -> None:
    completed(athlete, 40, days_ago=28)
    pt.get(f"/athletes/{athlete.pk}/")  # caches the sessions table and charts

    completed(athlete, 60, days_ago=0)  # writes nothing the cache key knows of

    data = lefs_data(pt.get(f"/athletes/{athlete.pk}/").content.decode())
    assert [p["total"] for p in data["points"]] == [40, 60]
    assert data["points"][1]["label"] == "+20 (MCID)"


def test_an_outsider_sees_no_lefs(client: Client, athlete: Athlete, outsider: User) -> None:
    completed(athlete, 40, days_ago=0)
    client.force_login(outsider)
    assert client.get(f"/athletes/{athlete.pk}/").status_code == 404


def test_the_page_costs_the_same_with_2_or_30_lefs(
    pt: Client, athlete: Athlete, django_assert_max_num_queries: Any
) -> None:
    from tests.athletes.test_athlete_page import ATHLETE_PAGE_CACHED

    def queries_with(count: int) -> int:
        LefsResponse.objects.all().delete()
        for n in range(count):
            completed(athlete, 20 + n % 40, days_ago=28 * (count - n))
        pt.get(f"/athletes/{athlete.pk}/")
        with CaptureQueriesContext(connection) as captured:
            html = pt.get(f"/athletes/{athlete.pk}/").content.decode()
        assert len(lefs_data(html)["points"]) == count
        return len(captured)

    cache.clear()
    assert queries_with(2) == queries_with(30)
    with django_assert_max_num_queries(ATHLETE_PAGE_CACHED):
        pt.get(f"/athletes/{athlete.pk}/")
