"""The PT dashboard: filters, htmx partial updates and the query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.athletes.dashboard.caseload import (
    DASHBOARD,
    HTMX,
    get,
    make_athlete,
    make_hold,
    names_in_order,
)
from tests.factories import AthleteFactory, PainScoreFactory
from tests.support.clock import days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


def test_filter_by_stage(pt: Client, therapist: User) -> None:
    make_athlete(therapist, "Sam Okafor", stage="flat_run")
    make_athlete(therapist, "Lena Fischer")

    html = get(pt, "?stage=flat_run")

    assert names_in_order(html) == ["Sam Okafor"]
    assert '<option value="flat_run" selected>' in html


@pytest.mark.parametrize(
    ("recommendation", "expected"),
    [("back_off", ["Will Wright"]), ("advance", ["Vic Vance"]), ("hold", None)],
)
def test_filter_by_recommendation(
    pt: Client,
    urgency_four: dict[str, Athlete],
    recommendation: str,
    expected: list[str] | None,
) -> None:
    html = get(pt, f"?recommendation={recommendation}")

    assert names_in_order(html) == (expected or ["Uma Underwood", "Abe Abbott"])
    assert f'<option value="{recommendation}" selected>' in html


@pytest.mark.parametrize("text", ["okaf", "SAM", "sam oka", "  okafor  "])
def test_filter_by_name_text_matches_first_or_last_name_in_any_case(
    pt: Client, therapist: User, text: str
) -> None:
    make_athlete(therapist, "Sam Okafor")
    make_athlete(therapist, "Lena Fischer")

    assert names_in_order(get(pt, f"?q={text}")) == ["Sam Okafor"]


def test_filters_combine_and_say_when_nothing_matches(
    pt: Client, urgency_four: dict[str, Athlete]
) -> None:
    assert names_in_order(get(pt, "?q=vance&recommendation=advance")) == ["Vic Vance"]

    html = get(pt, "?q=vance&recommendation=back_off")

    assert names_in_order(html) == []
    assert "No athlete matches these filters." in html


@pytest.mark.parametrize(
    "query",
    [
        "?stage=stage_7&recommendation=panic&sort=drop_table&tab=archive",
        "?stage=&recommendation=&sort=",
        "?sort=__class__&stage[]=flat_run",
        "?q=" + "x" * 5000,
        "?q=%00%27%22%3Cscript%3E",
        "?q=%F0%9F%8F%83%20%C3%B8",
        "?recommendation=ADVANCE&stage=FLAT_RUN",
    ],
)
def test_junk_filter_values_are_ignored(
    pt: Client, urgency_four: dict[str, Athlete], query: str
) -> None:
    response = pt.get(DASHBOARD + query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
    if "q=" not in query:
        # Unknown values fall back to no filter and the urgency order.
        assert names_in_order(html) == ["Will Wright", "Vic Vance", "Uma Underwood", "Abe Abbott"]


# --- htmx ------------------------------------------------------------------------------


def test_an_htmx_request_for_the_table_gets_only_the_table(
    pt: Client, urgency_four: dict[str, Athlete]
) -> None:
    html = get(pt, "?recommendation=advance", **HTMX)

    assert html.lstrip().startswith('<div id="athlete-table"')
    assert "<html" not in html
    assert "<form" not in html
    assert names_in_order(html) == ["Vic Vance"]


def test_an_htmx_request_for_another_target_gets_the_whole_page(
    pt: Client, urgency_four: dict[str, Athlete]
) -> None:
    html = get(pt, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")

    assert "<html" in html


def test_the_page_and_the_fragment_are_cached_apart(pt: Client, therapist: User) -> None:
    # Same URL, two bodies: a browser or proxy must not serve the fragment for Back.
    response = pt.get(DASHBOARD, **HTMX)

    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"hx-request", "hx-target"} <= vary


def test_the_filter_form_updates_the_table_in_place_and_the_address(
    pt: Client, therapist: User
) -> None:
    html = get(pt)

    assert 'hx-get="/dashboard/"' in html
    assert 'hx-target="#athlete-table"' in html
    assert 'hx-push-url="true"' in html
    assert 'id="athlete-table"' in html
    assert "htmx.min.js" in html


def test_the_dashboard_refuses_writes(pt: Client) -> None:
    assert pt.post(DASHBOARD).status_code == 405


# --- Query budget ----------------------------------------------------------------------

# session, user, clinic, the athletes with what keys, filters and orders their rows, then
# the rows not in the cache: those athletes with their last session (subqueries) and stored
# progression in one query; the audit's read event.
DASHBOARD_QUERIES = 5 + READ_EVENT_QUERIES
# Every row in the cache (``athletes.dashboard``): the one listing query is all the SQL.
DASHBOARD_CACHED = DASHBOARD_QUERIES - 1
# When some athletes' stored progression is missing or past its day (here: data written
# by factories, outside the services), they are evaluated and stored, all at once: the
# athletes as stored now with the engine's inputs (one query), one UPDATE.
EVALUATING = 2


def _table(response: Any) -> str:
    html = response.content.decode()
    return html[html.index('<div id="athlete-table"') : html.index("</table>")]


def _count_dashboard_queries(client: Client, django_assert_max_num_queries: Any) -> int:
    """Return the queries of a view that builds every row, checking the views around it:
    the first after the data arrived also stores answers; the next reads rows from the cache.
    """
    with django_assert_max_num_queries(DASHBOARD_QUERIES + EVALUATING) as first:
        assert client.get(DASHBOARD).status_code == 200
    cache.clear()
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as building:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    with django_assert_max_num_queries(DASHBOARD_CACHED) as cached:
        again = client.get(DASHBOARD)
    assert _table(again) == _table(response)  # the same rows, from the cache
    assert len(first) == len(building) + EVALUATING
    assert len(cached) == len(building) - 1
    return len(building)


def test_the_query_count_does_not_grow_with_athletes(
    pt: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    def add_athletes(count: int) -> None:
        for athlete in AthleteFactory.create_batch(count, therapist=therapist):
            make_hold(athlete)
            PainScoreFactory(athlete=athlete, date=days_ago(1))

    add_athletes(5)
    with_5 = _count_dashboard_queries(pt, django_assert_max_num_queries)
    add_athletes(195)
    with_200 = _count_dashboard_queries(pt, django_assert_max_num_queries)

    assert with_5 == with_200 == DASHBOARD_QUERIES
    assert get(pt).count('<tr class="urgency-') == 200


def _bulk_sessions(athletes: list[Athlete], total: int) -> None:
    """Store ``total`` valid sessions spread over the athletes and the last 400 days."""
    SessionLog.objects.bulk_create(
        SessionLog(
            athlete=athletes[n % len(athletes)],
            date=days_ago((n // len(athletes)) % 400),
            activity="run" if n % 3 else "walk",
            terrain="flat" if n % 3 else "uphill",
            surface="road",
            duration_min=30,
            intensity="easy",
            pain_during=n % 3,
            pain_after=n % 4,
            pain_next_morning=n % 2,
        )
        for n in range(total)
    )


def test_the_query_count_does_not_grow_with_sessions(
    pt: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    athletes = [make_athlete(therapist, f"Runner {name}") for name in "ABCDE"]

    _bulk_sessions(athletes, 10)
    with_10 = _count_dashboard_queries(pt, django_assert_max_num_queries)
    _bulk_sessions(athletes, 1990)
    with_2000 = _count_dashboard_queries(pt, django_assert_max_num_queries)

    assert SessionLog.objects.count() == 2000
    assert with_10 == with_2000 == DASHBOARD_QUERIES
