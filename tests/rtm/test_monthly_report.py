"""The monthly RTM report (SPEC §11): the API, the page and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes import rtm_services
from athletes.models import Athlete, PainSource
from athletes.rtm_report import MONTH_INVALID
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory, TherapistFactory
from tests.support.api import token_client

pytestmark = pytest.mark.usefixtures("wednesday")  # Wednesday 11 March 2026

STATEMENT = "A clinician must confirm every code before billing."
API = "/api/v1/reports/rtm/"
PAGE = "/reports/rtm/"


def _data_days(athlete: Athlete, first: dt.date, count: int) -> None:
    for n in range(count):
        day = first + dt.timedelta(days=n)
        if n % 2:
            SessionLogFactory(athlete=athlete, date=day, source="phone")
        else:
            PainScoreFactory(athlete=athlete, date=day, source=PainSource.PHONE)


def _time(athlete: Athlete, day: dt.date, minutes: int, live_call: bool = False) -> None:
    rtm_services.rtm_time_create(
        athlete=athlete, logged_by=athlete.therapist, date=day, minutes=minutes, live_call=live_call
    )


@pytest.fixture
def february(ana: Athlete, ben: Athlete) -> None:
    """Ana: 20 data days from 10 Jan (periods 10 Jan–8 Feb, 9 Feb–10 Mar), 45 min with a call
    in February. Ben: started 1 Feb by the PT, 3 data days; 25 min without a call."""
    _data_days(ana, dt.date(2026, 1, 10), 20)  # 10–29 January: period 1
    _data_days(ana, dt.date(2026, 2, 20), 2)  # period 2 ends 10 March
    _time(ana, dt.date(2026, 2, 3), 30, live_call=True)
    _time(ana, dt.date(2026, 2, 27), 15)
    _time(ana, dt.date(2026, 3, 1), 60, live_call=True)  # March: not February's
    ben.rtm_start_on = dt.date(2026, 1, 5)
    ben.save(update_fields=["rtm_start_on"])
    _data_days(ben, dt.date(2026, 1, 1), 4)  # 1–4 Jan: before the start, not counted
    _data_days(ben, dt.date(2026, 1, 20), 3)
    _time(ben, dt.date(2026, 2, 10), 25)


def _rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in body["athletes"]}


def test_the_api_lists_each_athletes_periods_minutes_and_codes(
    february: None, ana: Athlete, ben: Athlete, therapist: User
) -> None:
    response = token_client(therapist).get(API, {"month": "2026-02"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["month"], body["statement"]) == ("2026-02", STATEMENT)
    rows = _rows(body)
    assert rows[ana.full_name] == {
        "athlete": ana.pk,
        "name": ana.full_name,
        "periods": [
            {
                "start": "2026-01-10",
                "end": "2026-02-08",
                "data_days": 20,
                "device_code": "98977",
                "complete": True,
            }
        ],
        "minutes": 45,
        "live_call": True,
        "management_codes": ["98980", "98981"],
        "needs_live_call": False,
    }
    assert rows[ben.full_name]["periods"] == [
        {
            "start": "2026-01-05",
            "end": "2026-02-03",
            "data_days": 3,
            "device_code": "98985",
            "complete": True,
        }
    ]
    assert rows[ben.full_name]["management_codes"] == ["98979"]
    assert rows[ben.full_name]["needs_live_call"] is True


def test_a_month_with_only_an_empty_period_ending_lists_the_athlete_empty(
    february: None, ana: Athlete, therapist: User
) -> None:
    # Ana's third period (11 March – 9 April) ends in April without a data day.
    rows = _rows(token_client(therapist).get(API, {"month": "2026-04"}).json())

    assert rows[ana.full_name]["periods"] == []
    assert (rows[ana.full_name]["minutes"], rows[ana.full_name]["management_codes"]) == (0, [])


@pytest.mark.parametrize("month", [None, "", "2026-13", "2026-00", "2026-2", "March", "2026-02-01"])
def test_a_bad_or_missing_month_is_400_naming_month(
    ana: Athlete, therapist: User, month: str | None
) -> None:
    params = {} if month is None else {"month": month}

    response = token_client(therapist).get(API, params)

    assert response.status_code == 400
    assert response.json() == {"month": [MONTH_INVALID]}


def test_another_clinics_athletes_never_appear(
    february: None, ana: Athlete, therapist: User, outsider: User
) -> None:
    theirs = AthleteFactory(therapist=outsider, first_name="Elsewhere")
    _data_days(theirs, dt.date(2026, 1, 10), 20)

    ours = token_client(therapist).get(API, {"month": "2026-02"}).json()
    others = token_client(outsider).get(API, {"month": "2026-02"}).json()

    assert theirs.pk not in {row["athlete"] for row in ours["athletes"]}
    assert [row["athlete"] for row in others["athletes"]] == [theirs.pk]
    assert ana.full_name not in PAGE_HTML(outsider, "2026-02")


def PAGE_HTML(user: User, month: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(PAGE, {"month": month})
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_401_and_the_page_asks_to_log_in(client: Client) -> None:
    assert APIClient().get(API, {"month": "2026-02"}).status_code == 401
    response = client.get(PAGE, {"month": "2026-02"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wrong_methods_are_405(pt: Client, therapist: User) -> None:
    assert token_client(therapist).post(API, {"month": "2026-02"}).status_code == 405
    assert pt.post(PAGE, {"month": "2026-02"}).status_code == 405


def test_rtm_off_the_api_is_403_and_the_page_says_so(pt: Client, therapist: User) -> None:
    therapist.clinic.rtm_enabled = False
    therapist.clinic.save(update_fields=["rtm_enabled"])

    response = token_client(therapist).get(API, {"month": "2026-02"})
    page = pt.get(PAGE, {"month": "2026-02"})

    assert response.status_code == 403
    assert response.json()["detail"] == rtm_services.RTM_OFF
    assert page.status_code == 200
    assert "turned off for this clinic" in page.content.decode()
    assert pt.get("/reports/rtm.csv", {"month": "2026-02"}).status_code == 404
    assert 'href="/reports/rtm/"' not in pt.get("/dashboard/").content.decode()


def test_the_page_shows_the_report_with_the_statement(
    february: None, pt: Client, ana: Athlete, ben: Athlete
) -> None:
    response = pt.get(PAGE, {"month": "2026-02"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(STATEMENT) >= 1
    row = html[html.index(f'id="rtm-athlete-{ana.pk}"') :].split("</tr>")[0]
    assert "10 Jan – 8 Feb: 20 data days · 98977" in row
    assert "98980 + 98981" in row
    ben_row = html[html.index(f'id="rtm-athlete-{ben.pk}"') :].split("</tr>")[0]
    assert "98979" in ben_row
    assert "98980 needs a live call" in ben_row
    assert 'href="/reports/rtm.csv?month=2026-02"' in html


def test_the_dashboard_links_the_report(pt: Client) -> None:
    assert 'href="/reports/rtm/"' in pt.get("/dashboard/").content.decode()


def test_the_page_without_a_month_opens_on_the_clinics_month(pt: Client) -> None:
    response = pt.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == "/reports/rtm/?month=2026-03"


@pytest.mark.parametrize("month", ["", "2026-13", "soon"])
def test_a_bad_month_on_the_page_is_a_form_error(pt: Client, month: str) -> None:
    response = pt.get(PAGE, {"month": month})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_month_error"' in html
    assert MONTH_INVALID in html


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="rtm-2026-02.csv"' in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_a_line_per_period_and_the_statement(
    february: None, pt: Client, ana: Athlete, ben: Athlete, therapist: User
) -> None:
    by_path = _csv(pt.get("/reports/rtm.csv", {"month": "2026-02"}))
    by_format = _csv(pt.get(PAGE, {"month": "2026-02", "format": "csv"}))

    assert by_path == by_format
    header, *lines = by_path
    assert header[:3] == ["athlete_id", "athlete", "month"]
    assert lines[-1] == [STATEMENT]
    rows = {line[0]: line for line in lines[:-2]}
    assert rows[str(ana.pk)][3:] == [
        "2026-01-10", "2026-02-08", "20", "98977", "yes", "45", "yes", "98980 98981", "no",
    ]  # fmt: skip
    assert rows[str(ben.pk)][3:] == [
        "2026-01-05", "2026-02-03", "3", "98985", "yes", "25", "no", "98979", "yes",
    ]  # fmt: skip


def test_the_csv_cannot_carry_a_formula(pt: Client, therapist: User) -> None:
    AthleteFactory(therapist=therapist, first_name="=HYPERLINK(1)", last_name="x")

    lines = _csv(pt.get("/reports/rtm.csv", {"month": "2026-02"}))

    assert lines[1][1] == "'=HYPERLINK(1) x"


def test_a_bad_month_in_the_csv_is_400(pt: Client) -> None:
    response = pt.get("/reports/rtm.csv", {"month": "2026-2"})

    assert response.status_code == 400
    assert MONTH_INVALID in response.content.decode()


def _clinic_with(therapist: User, count: int) -> None:
    colleague = TherapistFactory(clinic=therapist.clinic)
    for n in range(count):
        athlete = AthleteFactory(therapist=colleague if n % 2 else therapist)
        _data_days(athlete, dt.date(2026, 1, 10 + n % 5), 3)
        _time(athlete, dt.date(2026, 2, 3), 10 + n, live_call=bool(n % 3))


@pytest.mark.parametrize("count", [2, 30])
def test_the_api_and_page_cost_the_same_queries_for_2_and_30_athletes(
    pt: Client, therapist: User, count: int, django_assert_max_num_queries: Any
) -> None:
    from itbrehab.api_auth import TOKEN_AUTH_QUERIES
    from itbrehab.audit.access import READ_EVENT_QUERIES

    _clinic_with(therapist, count)
    api = token_client(therapist)
    # The token (with its user), the user's clinic, rtm_report.QUERIES (the athletes,
    # their data days, their minutes), the audit's read of the list.
    with django_assert_max_num_queries(TOKEN_AUTH_QUERIES + 1 + 3 + READ_EVENT_QUERIES):
        response = api.get(API, {"month": "2026-02"})
    assert len(response.json()["athletes"]) == count
    # Session, user, the user's clinic, rtm_report.QUERIES, the audit's read.
    with django_assert_max_num_queries(3 + 3 + READ_EVENT_QUERIES):
        page = pt.get(PAGE, {"month": "2026-02"})
    assert page.content.decode().count('<tr id="rtm-athlete-') == count


def test_two_hundred_athletes_render(
    pt: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    from itbrehab.audit.access import READ_EVENT_QUERIES

    for n in range(200):
        athlete = AthleteFactory(therapist=therapist)
        if n % 10 == 0:
            _data_days(athlete, dt.date(2026, 1, 10), 2)

    # The same budget as for 2 and 30 athletes (above). In-process it takes about 0.1 s.
    with django_assert_max_num_queries(3 + 3 + READ_EVENT_QUERIES):
        page = pt.get(PAGE, {"month": "2026-02"})
    api = token_client(therapist).get(API, {"month": "2026-02"})

    assert page.content.decode().count('<tr id="rtm-athlete-') == 200
    assert len(api.json()["athletes"]) == 200


def test_a_period_still_running_is_marked_in_progress(
    february: None, pt: Client, ana: Athlete, therapist: User
) -> None:
    # Ana's second period (9 February – 10 March) ended yesterday; a third runs to 9 April.
    _data_days(ana, dt.date(2026, 3, 11), 1)

    march = _rows(token_client(therapist).get(API, {"month": "2026-03"}).json())
    april = _rows(token_client(therapist).get(API, {"month": "2026-04"}).json())
    page = pt.get(PAGE, {"month": "2026-04"}).content.decode()

    assert [(p["end"], p["complete"]) for p in march[ana.full_name]["periods"]] == [
        ("2026-03-10", True)
    ]
    assert [(p["end"], p["complete"]) for p in april[ana.full_name]["periods"]] == [
        ("2026-04-09", False)
    ]
    assert "(in progress)" in page
