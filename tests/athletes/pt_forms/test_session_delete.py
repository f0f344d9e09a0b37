"""A PT deletes a session after confirming: hidden everywhere, kept for the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from athletes import services
from athletes.models import Athlete, SessionLog
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.athletes.pt_forms.forms import form_errors, html_of
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


def test_the_correction_page_offers_to_delete_and_the_pt_confirms(
    pt: Client, athlete: Athlete
) -> None:
    kept, mistaken = walk(athlete, 3), walk(athlete, 2, duration_min=45, pain_during=3)
    edit = html_of(pt.get(f"/athletes/{athlete.pk}/sessions/{mistaken.pk}/edit/"))
    delete_url = f"/athletes/{athlete.pk}/sessions/{mistaken.pk}/delete/"
    assert f'href="{delete_url}"' in edit

    confirm = html_of(pt.get(delete_url))
    assert "Delete this session?" in confirm
    assert "Mon 9 Mar 2026" in confirm
    assert "45 min" in confirm
    assert "during 3" in confirm

    response = pt.post(delete_url, {"version": mistaken.version}, follow=True)

    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    page = html_of(response)
    assert "Session of 9 Mar deleted." in page
    assert f"#{mistaken.pk}" not in page
    assert f"#{kept.pk}" in page
    assert list(SessionLog.objects.filter(athlete=athlete)) == [kept]
    assert SessionLog.all_objects.get(pk=mistaken.pk).deleted_at is not None


def test_a_session_changed_while_the_pt_looked_is_shown_again_not_deleted(
    pt: Client, athlete: Athlete
) -> None:
    session = walk(athlete, 1, pain_next_morning=None)
    opened_on = session.version
    # The athlete's next-morning answer arrives while the confirmation is open.
    services.session_log_update(session=session, expected_version=opened_on, pain_next_morning=4)

    response = pt.post(
        f"/athletes/{athlete.pk}/sessions/{session.pk}/delete/", {"version": opened_on}
    )

    assert response.status_code == 200
    page = html_of(response)
    assert "changed while you were looking at it" in page
    assert "next morning 4" in page
    assert f'name="version" value="{opened_on + 1}"' in page
    assert SessionLog.objects.filter(pk=session.pk).exists()


def test_a_post_without_the_version_deletes_nothing_and_says_why(
    pt: Client, athlete: Athlete
) -> None:
    session = walk(athlete, 1)

    response = pt.post(f"/athletes/{athlete.pk}/sessions/{session.pk}/delete/", {})

    assert response.status_code == 200
    assert "open the session again before deleting it" in form_errors(html_of(response))
    assert SessionLog.objects.filter(pk=session.pk).exists()


def test_a_deleted_session_cannot_be_opened_or_deleted_again(pt: Client, athlete: Athlete) -> None:
    session = walk(athlete, 1)
    services.session_log_delete(session=session)

    base = f"/athletes/{athlete.pk}/sessions/{session.pk}"
    assert pt.get(f"{base}/edit/").status_code == 404
    assert pt.get(f"{base}/delete/").status_code == 404
    assert pt.post(f"{base}/delete/", {"version": session.version}).status_code == 404


def test_the_confirmation_page_costs_the_same_few_queries_for_any_history(
    pt: Client, athlete: Athlete, django_assert_max_num_queries: object
) -> None:
    session = walk(athlete, 1)
    url = f"/athletes/{athlete.pk}/sessions/{session.pk}/delete/"
    pt.get(url)  # the session's last-seen time is written on the first request
    # The browser session, its user and their clinic (the header), the athlete, the
    # session; the audit's read event.
    budget = 5 + READ_EVENT_QUERIES
    with django_assert_max_num_queries(budget):  # type: ignore[operator]
        pt.get(url)
    for days in range(2, 40):
        walk(athlete, days)
    with django_assert_max_num_queries(budget):  # type: ignore[operator]
        pt.get(url)
