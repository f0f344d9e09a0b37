"""The Team page lists the clinic's therapists with what an admin needs, in fixed queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, TherapistFactory


def _row(page: str, user: User) -> str:
    start = page.index(f'<tr id="therapist-{user.pk}">')
    return page[start : page.index("</tr>", start)]


def test_each_therapist_shows_name_email_role_status_last_login_and_athletes(
    admin_browser: Client, admin: User, colleague: User, outsider: User
) -> None:
    AthleteFactory.create_batch(2, therapist=colleague)
    AthleteFactory(therapist=colleague, status="discharged")
    colleague.last_login = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 15))
    colleague.save(update_fields=["last_login"])
    gone = TherapistFactory(clinic=admin.clinic, first_name="Gail", is_active=False)

    page = admin_browser.get("/team/").content.decode()

    mine = _row(page, colleague)
    assert colleague.get_full_name() in mine
    assert colleague.email in mine
    assert ">Therapist<" in mine
    assert ">Active<" in mine
    assert "30 Nov 2026" in mine
    assert '<td class="num">2</td>' in mine  # active athletes only
    assert ">Make admin<" in mine
    assert ">Deactivate<" in mine
    admins_row = _row(page, admin)
    assert ">Admin<" in admins_row
    assert ">Remove admin<" in admins_row
    assert ">Deactivate<" not in admins_row  # never oneself
    assert ">Deactivated<" in _row(page, gone)
    assert ">Re-activate<" in _row(page, gone)
    assert outsider.email not in page


# session, user, the user's clinic (header), the team with its athlete counts (one query)
TEAM_PAGE_QUERIES = 4


def _count_team_queries(browser: Client, django_assert_num_queries: Any) -> str:
    with django_assert_num_queries(TEAM_PAGE_QUERIES):
        response = browser.get("/team/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_query_count_does_not_grow_with_therapists(
    admin_browser: Client, admin: User, django_assert_num_queries: Any
) -> None:
    def add_therapists(count: int) -> None:
        for therapist in TherapistFactory.create_batch(count, clinic=admin.clinic):
            AthleteFactory(therapist=therapist)

    add_therapists(2)
    assert _count_team_queries(admin_browser, django_assert_num_queries).count("<tr id=") == 3
    add_therapists(27)
    assert _count_team_queries(admin_browser, django_assert_num_queries).count("<tr id=") == 30
