"""The PT dashboard: the clinic's athletes in one table, most urgent first (SPEC §4).

The clock is frozen on a Wednesday; the clinic reviews on Mondays, so an athlete without
a decision this week is overdue, and one with a decision is reviewed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from progressions.services import stage_review_decide
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory
from tests.support.clock import days_ago

DASHBOARD = "/dashboard/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "athlete-table"}


pytestmark = pytest.mark.usefixtures("wednesday")


def make_athlete(therapist: User, name: str, *, stage_days: int = 20, **fields: Any) -> Athlete:
    first, last = name.split()
    return AthleteFactory(
        therapist=therapist,
        first_name=first,
        last_name=last,
        stage_started_on=days_ago(stage_days),
        **fields,
    )


def make_back_off(athlete: Athlete, *, pain: int = 6) -> None:
    """A walk yesterday that hurt past the ceiling: red flag pain_above_ceiling."""
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_during=pain, pain_after=pain)


def make_advance(athlete: Athlete) -> None:
    """Two tolerated 30-minute uphill walks this week: the stage-1 gate is met."""
    SessionLogFactory(athlete=athlete, date=days_ago(3))
    SessionLogFactory(athlete=athlete, date=days_ago(1))


def make_hold(athlete: Athlete) -> None:
    """One tolerated walk: no red flag, gate not met yet."""
    SessionLogFactory(athlete=athlete, date=days_ago(2))


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/athletes/\d+/">([^<]+)</a>', html)


def row_of(html: str, name: str) -> str:
    """Return the table row (``<tr …>…</tr>``) of the athlete called ``name``."""
    for row in re.findall(r"<tr class=\"urgency-.*?</tr>", html, flags=re.S):
        if f">{name}</a>" in row:
            return row
    raise AssertionError(f"no row for {name}")


def get(client: Client, query: str = "", **headers: str) -> str:
    response = client.get(DASHBOARD + query, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def urgency_four(therapist: User, colleague: User) -> dict[str, Athlete]:
    """One athlete per urgency level, named so that alphabetical order is the reverse."""
    back_off = make_athlete(colleague, "Will Wright")
    make_back_off(back_off)
    advance = make_athlete(therapist, "Vic Vance")
    make_advance(advance)
    overdue = make_athlete(therapist, "Uma Underwood")
    make_hold(overdue)
    reviewed = make_athlete(therapist, "Abe Abbott")
    make_hold(reviewed)
    stage_review_decide(athlete=reviewed, decision="hold", reviewed_by=therapist)
    return {"back_off": back_off, "advance": advance, "overdue": overdue, "rest": reviewed}


# --- Who is listed ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DASHBOARD}"


def test_the_clinics_active_athletes_are_listed_with_colleagues_and_never_outsiders(
    pt: Client, therapist: User, colleague: User, outsider: User
) -> None:
    make_athlete(therapist, "Sam Okafor")
    make_athlete(colleague, "Lena Fischer")
    make_athlete(therapist, "Emma Gone", status="discharged")
    make_athlete(outsider, "Otto Elsewhere")

    html = get(pt)

    assert sorted(names_in_order(html)) == ["Lena Fischer", "Sam Okafor"]
    assert "Otto Elsewhere" not in html
    assert "Emma Gone" not in html


def test_discharged_athletes_are_listed_only_on_the_discharged_tab(
    pt: Client, therapist: User, outsider: User
) -> None:
    make_athlete(therapist, "Sam Okafor")
    make_athlete(therapist, "Emma Gone", status="discharged")
    make_athlete(outsider, "Otto Gone", status="discharged")

    html = get(pt, "?tab=discharged")

    assert names_in_order(html) == ["Emma Gone"]
    assert 'href="/dashboard/?tab=discharged" aria-current="page"' in html


def test_a_discharged_athlete_is_not_shown_as_overdue(pt: Client, therapist: User) -> None:
    make_hold(make_athlete(therapist, "Emma Gone", status="discharged"))

    row = row_of(get(pt, "?tab=discharged"), "Emma Gone")

    assert "Discharged: no review" in row
    assert "Overdue" not in row


def test_a_therapist_without_athletes_sees_an_empty_state(pt: Client) -> None:
    assert "No active athletes yet." in get(pt)


# --- Order -----------------------------------------------------------------------------


def test_the_default_order_is_back_off_then_advance_then_overdue_then_the_rest(
    pt: Client, urgency_four: dict[str, Athlete]
) -> None:
    html = get(pt)

    assert names_in_order(html) == ["Will Wright", "Vic Vance", "Uma Underwood", "Abe Abbott"]
    assert 'class="urgency-back_off"' in row_of(html, "Will Wright")
    assert 'class="urgency-rest"' in row_of(html, "Abe Abbott")


def test_a_reviewed_back_off_athlete_still_comes_first(
    pt: Client, therapist: User, urgency_four: dict[str, Athlete]
) -> None:
    stage_review_decide(athlete=urgency_four["back_off"], decision="hold", reviewed_by=therapist)

    assert names_in_order(get(pt))[0] == "Will Wright"


def test_athletes_of_equal_urgency_are_in_name_order(pt: Client, therapist: User) -> None:
    for name in ("Cara Zimmer", "Ben Young", "Ada Young"):
        make_back_off(make_athlete(therapist, name))

    assert names_in_order(get(pt)) == ["Ada Young", "Ben Young", "Cara Zimmer"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Abe Abbott", "Uma Underwood", "Vic Vance", "Will Wright"]),
        ("urgency", ["Will Wright", "Vic Vance", "Uma Underwood", "Abe Abbott"]),
        # Longest in stage first.
        ("days", ["Uma Underwood", "Abe Abbott", "Will Wright", "Vic Vance"]),
        # Earliest stage first, then by name.
        ("stage", ["Uma Underwood", "Vic Vance", "Will Wright", "Abe Abbott"]),
        # Oldest last session first: 2, 2, 1 and 1 days ago.
        ("last_session", ["Abe Abbott", "Uma Underwood", "Vic Vance", "Will Wright"]),
    ],
)
def test_sort_links_reorder_the_table(
    pt: Client, urgency_four: dict[str, Athlete], sort: str, expected: list[str]
) -> None:
    Athlete.objects.filter(pk=urgency_four["overdue"].pk).update(stage_started_on=days_ago(40))
    Athlete.objects.filter(pk=urgency_four["rest"].pk).update(
        stage="speed_work", stage_started_on=days_ago(30)
    )
    Athlete.objects.filter(pk=urgency_four["advance"].pk).update(stage_started_on=days_ago(5))

    html = get(pt, f"?sort={sort}")

    assert names_in_order(html) == expected
    assert f'<input type="hidden" name="sort" value="{sort}">' in html


def test_sort_links_keep_the_filters(pt: Client, urgency_four: dict[str, Athlete]) -> None:
    html = get(pt, "?q=v&stage=uphill_walk&recommendation=advance")

    assert 'href="?sort=name&amp;q=v&amp;stage=uphill_walk&amp;recommendation=advance"' in html, (
        "the Athlete column's sort link"
    )
    assert 'href="?sort=days&amp;q=v&amp;stage=uphill_walk&amp;recommendation=advance"' in html


def test_sort_links_stay_on_the_discharged_tab(pt: Client, therapist: User) -> None:
    make_athlete(therapist, "Emma Gone", status="discharged")

    html = get(pt, "?tab=discharged")

    assert 'href="?sort=name&amp;q=&amp;stage=&amp;recommendation=&amp;tab=discharged"' in html


# --- What a row shows ------------------------------------------------------------------


def test_a_row_shows_stage_step_days_last_session_pain_badge_flags_and_review(
    pt: Client, therapist: User
) -> None:
    athlete = make_athlete(therapist, "Aisha Bello", stage="flat_run", stage_days=12)
    SessionLogFactory(
        athlete=athlete,
        date=days_ago(4),
        activity="run",
        terrain="flat",
        surface="road",
        incline_percent=None,
        pain_during=1,
        pain_after=1,
    )
    SessionLogFactory(
        athlete=athlete,
        date=days_ago(2),
        activity="run",
        terrain="flat",
        surface="road",
        incline_percent=None,
        pain_during=3,
        pain_after=6,
        pain_next_morning=2,
    )

    row = row_of(get(pt), "Aisha Bello")

    assert "Flat running" in row
    assert '<span class="step">3/6</span>' in row
    assert '<td class="num">12</td>' in row
    assert '<time datetime="2026-03-09">Mon 9 Mar</time>' in row
    assert "6/10" in row  # the highest pain of the last session
    # The recommendation is a word, not only a colour.
    assert '<span class="badge badge-back_off">Back off</span>' in row
    # The red-flag marker says what it means to a screen reader too.
    assert re.search(r'aria-label="Pain &gt; 5: Pain during or after passed 5/10[^"]*"', row)
    assert "Overdue since Mon 9 Mar" in row
    assert f'href="/athletes/{athlete.pk}/"' in row
    assert therapist.get_full_name() in row


@pytest.mark.parametrize(
    ("make", "word"),
    [(make_back_off, "Back off"), (make_advance, "Ready to advance"), (make_hold, "Hold")],
)
def test_each_recommendation_badge_carries_its_word(
    pt: Client, therapist: User, make: Any, word: str
) -> None:
    make(make_athlete(therapist, "Sam Okafor"))

    assert re.search(rf'<span class="badge badge-\w+">{word}</span>', get(pt))


def test_every_red_flag_is_marked_with_its_meaning(pt: Client, therapist: User) -> None:
    athlete = make_athlete(therapist, "Megan Clarke")
    # The knee at rest, the week before: calm (mean 0.5); this week: 5 the morning after
    # the session and 6 at rest yesterday (mean 5.5), so rising, and rest pain above 5.
    PainScoreFactory(athlete=athlete, date=days_ago(10), score=0)
    PainScoreFactory(athlete=athlete, date=days_ago(9), score=1)
    PainScoreFactory(athlete=athlete, date=days_ago(1), score=6, context="rest")
    SessionLogFactory(
        athlete=athlete,
        date=days_ago(2),
        pain_before=0,
        pain_during=4,
        pain_after=6,
        pain_next_morning=5,
        stopped_early=True,
    )

    row = row_of(get(pt), "Megan Clarke")

    labels = ("Pain &gt; 5", "Not settled", "Rest pain &gt; 5", "Pain rising", "Stopped early")
    for label in labels:
        assert re.search(rf'role="note" aria-label="{label}: [^"]+">{label}<', row), label


def test_an_athlete_without_sessions_shows_none_yet(pt: Client, therapist: User) -> None:
    make_athlete(therapist, "Sam Okafor")

    row = row_of(get(pt), "Sam Okafor")

    assert "none yet" in row
    assert '<span class="muted">none</span>' in row  # no red flags
    assert '<span class="badge badge-hold">Hold</span>' in row


@pytest.mark.parametrize(
    ("review_weekday", "expected"),
    [
        (0, "Overdue since Mon 9 Mar"),  # Monday: two days ago
        (2, "Due today"),  # Wednesday
        (4, "Due Fri 13 Mar"),  # Friday: later this week
    ],
)
def test_the_review_column_says_overdue_due_today_or_when(
    pt: Client, therapist: User, review_weekday: int, expected: str
) -> None:
    therapist.clinic.review_weekday = review_weekday
    therapist.clinic.save()
    make_hold(make_athlete(therapist, "Sam Okafor"))

    assert expected in row_of(get(pt), "Sam Okafor")


def test_a_decided_review_reads_reviewed(pt: Client, therapist: User) -> None:
    athlete = make_athlete(therapist, "Sam Okafor")
    stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist)

    row = row_of(get(pt), "Sam Okafor")

    assert 'class="review review-reviewed"' in row
    assert "Reviewed" in row


# --- Filters ---------------------------------------------------------------------------


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

# session, user, clinic, athletes with their last session (four subqueries in one
# query), the progressions (recent sessions, the running session before them, pain
# check-ins) and this week's decided reviews.
DASHBOARD_QUERIES = 8


def _count_dashboard_queries(client: Client, django_assert_max_num_queries: Any) -> int:
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured)


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
