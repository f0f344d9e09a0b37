"""The PT dashboard: who is listed, on which tab, and in which order (urgency, then name)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.services import stage_review_decide
from tests.athletes.dashboard.caseload import (
    DASHBOARD,
    get,
    make_athlete,
    make_back_off,
    make_hold,
    names_in_order,
    row_of,
)
from tests.support.clock import days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


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
