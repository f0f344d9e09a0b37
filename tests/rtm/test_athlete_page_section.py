"""The athlete page's "Remote monitoring" section: this period, this month, log and delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from athletes import rtm_services
from athletes.models import Athlete, PainSource, RtmTime
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory
from tests.support.clock import TODAY, days_ago

pytestmark = pytest.mark.usefixtures("wednesday")  # Wednesday 11 March 2026


def _page(pt: Client, athlete: Athlete) -> str:
    response = pt.get(f"/athletes/{athlete.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _log(athlete: Athlete, therapist: User, minutes: int, **fields: Any) -> RtmTime:
    return rtm_services.rtm_time_create(
        athlete=athlete,
        logged_by=therapist,
        date=fields.pop("date", TODAY),
        minutes=minutes,
        **fields,
    )


def test_the_section_shows_the_period_the_month_and_the_codes_so_far(
    pt: Client, ana: Athlete, therapist: User
) -> None:
    for days in range(3):
        SessionLogFactory(athlete=ana, date=days_ago(days), source="phone")
    PainScoreFactory(athlete=ana, date=days_ago(3), source=PainSource.PHONE)
    SessionLogFactory(athlete=ana, date=days_ago(4), source="web")  # the PT's: not a data day
    _log(ana, therapist, 15, live_call=True, note="Call about the hills")
    _log(ana, therapist, 10, date=dt.date(2026, 3, 2))
    _log(ana, therapist, 30, date=dt.date(2026, 2, 27))  # last month

    page = _page(pt, ana)

    section = page[page.index('id="rtm"') :]
    assert "Remote monitoring" in section
    assert "8 Mar – 6 Apr 2026: <strong>4</strong> data days so far" in section
    assert "(supports 98985)" in section
    assert "<strong>25</strong> min, with a live call · supports 98980" in section
    assert "Call about the hills" in section
    assert section.count('<li id="rtm-time-') == 2
    assert "A clinician must confirm every code before billing." in section


def test_twenty_minutes_without_a_call_say_98980_needs_one(
    pt: Client, ana: Athlete, therapist: User
) -> None:
    _log(ana, therapist, 25)

    section = _page(pt, ana).split('id="rtm"')[1]

    assert "supports 98979 · 98980 needs a live call" in section


def test_the_pt_logs_time_from_the_page(pt: Client, ana: Athlete, therapist: User) -> None:
    response = pt.post(
        f"/athletes/{ana.pk}/rtm-time/",
        {"date": "2026-03-10", "minutes": "12", "live_call": "on", "note": "Reviewed data"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/athletes/{ana.pk}/"
    entry = RtmTime.objects.get()
    assert (entry.athlete, entry.logged_by, entry.date, entry.minutes, entry.live_call) == (
        ana,
        therapist,
        dt.date(2026, 3, 10),
        12,
        True,
    )
    assert "Logged 12 min of remote monitoring." in _page(pt, ana)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minutes", "0", "Must be between 1 and 600."),
        ("minutes", "601", "Must be between 1 and 600."),
        ("date", "2026-03-12", "The date cannot be in the future (clinic time)."),
        ("date", "", "This field is required."),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(
    pt: Client, ana: Athlete, field: str, value: str, message: str
) -> None:
    body = {"date": "2026-03-10", "minutes": "12", field: value}

    response = pt.post(f"/athletes/{ana.pk}/rtm-time/", body)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rtm_{field}_error"' in html
    assert message in html
    assert not RtmTime.objects.exists()


def test_the_pt_deletes_an_entry(pt: Client, ana: Athlete, therapist: User) -> None:
    entry = _log(ana, therapist, 12)

    response = pt.post(f"/athletes/{ana.pk}/rtm-time/{entry.pk}/delete/")

    assert response.status_code == 302
    assert not RtmTime.objects.exists()


def test_an_entry_is_deleted_only_through_its_own_athlete(
    pt: Client, ana: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    entry = _log(other, therapist, 12)

    assert pt.post(f"/athletes/{ana.pk}/rtm-time/{entry.pk}/delete/").status_code == 404
    assert pt.get(f"/athletes/{ana.pk}/rtm-time/{entry.pk}/delete/").status_code == 405
    assert RtmTime.objects.exists()


def test_another_clinics_athlete_is_404(client: Client, ana: Athlete, outsider: User) -> None:
    client.force_login(outsider)

    response = client.post(f"/athletes/{ana.pk}/rtm-time/", {"date": "2026-03-10", "minutes": 5})

    assert response.status_code == 404
    assert not RtmTime.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client, ana: Athlete) -> None:
    response = client.post(f"/athletes/{ana.pk}/rtm-time/", {"date": "2026-03-10", "minutes": 5})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_section_is_hidden_and_closed_when_the_clinic_has_rtm_off(
    pt: Client, ana: Athlete, therapist: User
) -> None:
    entry = _log(ana, therapist, 12)
    ana.clinic.rtm_enabled = False
    ana.clinic.save(update_fields=["rtm_enabled"])

    assert 'id="rtm"' not in _page(pt, ana)
    assert (
        pt.post(f"/athletes/{ana.pk}/rtm-time/", {"date": "2026-03-10", "minutes": 5}).status_code
        == 404
    )
    assert pt.post(f"/athletes/{ana.pk}/rtm-time/{entry.pk}/delete/").status_code == 404
    assert RtmTime.objects.count() == 1


@pytest.mark.parametrize("count", [2, 30])
def test_the_page_costs_the_same_queries_for_2_and_30_entries(
    pt: Client, ana: Athlete, therapist: User, count: int, django_assert_max_num_queries: Any
) -> None:
    from tests.athletes.test_athlete_page import ATHLETE_PAGE_QUERIES

    for n in range(count):
        _log(ana, therapist, 5, date=dt.date(2026, 3, 1 + n % 11))
        SessionLogFactory(athlete=ana, date=dt.date(2026, 3, 1 + n % 11), source="phone")
    _page(pt, ana)  # the first view stores the athlete's answer
    # The page's own queries, with the section's rtm_page.QUERIES among them.
    with django_assert_max_num_queries(ATHLETE_PAGE_QUERIES):
        page = _page(pt, ana)
    assert page.count('<li id="rtm-time-') == count


def test_the_pt_sets_and_clears_the_monitoring_start(pt: Client, ana: Athlete) -> None:
    for days in range(5):  # 7–11 March
        SessionLogFactory(athlete=ana, date=days_ago(days), source="phone")

    response = pt.post(f"/athletes/{ana.pk}/rtm-start/", {"rtm_start_on": "2026-03-09"})

    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.rtm_start_on == dt.date(2026, 3, 9)
    section = _page(pt, ana).split('id="rtm"')[1]
    assert "9 Mar – 7 Apr 2026: <strong>3</strong> data days so far" in section

    pt.post(f"/athletes/{ana.pk}/rtm-start/", {"rtm_start_on": ""})

    ana.refresh_from_db()
    assert ana.rtm_start_on is None
    assert "7 Mar – 5 Apr 2026: <strong>5</strong>" in _page(pt, ana)


def test_a_bad_start_is_a_form_error_and_nothing_changes(pt: Client, ana: Athlete) -> None:
    response = pt.post(f"/athletes/{ana.pk}/rtm-start/", {"rtm_start_on": "9 March"})

    assert response.status_code == 200
    assert 'id="rtm_rtm_start_on_error"' in response.content.decode()
    ana.refresh_from_db()
    assert ana.rtm_start_on is None


def test_another_clinics_athletes_start_is_404(
    client: Client, ana: Athlete, outsider: User
) -> None:
    client.force_login(outsider)

    response = client.post(f"/athletes/{ana.pk}/rtm-start/", {"rtm_start_on": "2026-03-09"})

    assert response.status_code == 404
    ana.refresh_from_db()
    assert ana.rtm_start_on is None
