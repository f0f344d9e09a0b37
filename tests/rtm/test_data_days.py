"""RTM data days (SPEC §11): only what the athlete sent counts, dated in the clinic's zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes import rtm, services
from athletes.models import Athlete, PainScore, PainSource
from athletes.rtm_selectors import athlete_periods, data_dates
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory
from tests.support.api import token_client
from tests.support.phones import signed_in_phone

NEW_YORK = "America/New_York"


@pytest.fixture
def runner(therapist: User) -> Athlete:
    therapist.clinic.time_zone = NEW_YORK
    therapist.clinic.save(update_fields=["time_zone"])
    return AthleteFactory(therapist=therapist, stage_started_on=dt.date(2026, 1, 1))


def _phone(runner: Athlete, therapist: User) -> Client:
    _link, token = services.device_link_create(athlete=runner, created_by=therapist)
    return signed_in_phone(token)


def test_a_phone_check_in_late_in_the_evening_counts_on_the_clinics_date_across_dst(
    runner: Athlete, therapist: User, time_machine: Any
) -> None:
    # New York springs forward at 2026-03-08 02:00 local (07:00 UTC).
    time_machine.move_to(
        dt.datetime(2026, 3, 8, 4, 30, tzinfo=dt.UTC), tick=False
    )  # 7 Mar 23:30 EST
    phone = _phone(runner, therapist)
    phone.post("/m/check-in/", {"athlete": runner.pk, "score": "2"})
    time_machine.move_to(
        dt.datetime(2026, 3, 9, 3, 30, tzinfo=dt.UTC), tick=False
    )  # 8 Mar 23:30 EDT
    phone.post("/m/check-in/", {"athlete": runner.pk, "score": "1"})

    assert sorted(PainScore.objects.values_list("date", "source")) == [
        (dt.date(2026, 3, 7), "phone"),
        (dt.date(2026, 3, 8), "phone"),
    ]
    assert data_dates([runner.pk], until=dt.date(2026, 3, 9)) == {
        runner.pk: [dt.date(2026, 3, 7), dt.date(2026, 3, 8)]
    }


def test_a_period_spans_the_dst_change_and_a_month_boundary_as_thirty_dates(
    runner: Athlete,
) -> None:
    # 20 Feb – 21 Mar: it holds the end of February and the 23-hour 8 March.
    for day in (dt.date(2026, 2, 20), dt.date(2026, 2, 28), dt.date(2026, 3, 1)):
        SessionLogFactory(athlete=runner, date=day, source="phone")
    PainScoreFactory(athlete=runner, date=dt.date(2026, 3, 8), source=PainSource.PHONE)
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 21), source="file")
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 22), source="phone")

    periods = athlete_periods(runner, until=dt.date(2026, 3, 22))

    assert [(p.start, p.end, p.data_days, p.device_code) for p in periods] == [
        (dt.date(2026, 2, 20), dt.date(2026, 3, 21), 5, rtm.DEVICE_CODE_2_15),
        (dt.date(2026, 3, 22), dt.date(2026, 4, 20), 1, None),
    ]


def test_a_session_and_a_check_in_of_one_day_are_one_data_day(runner: Athlete) -> None:
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 2), source="phone")
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 2), source="file")
    PainScoreFactory(athlete=runner, date=dt.date(2026, 3, 2), source=PainSource.PHONE)

    assert data_dates([runner.pk], until=dt.date(2026, 3, 31)) == {runner.pk: [dt.date(2026, 3, 2)]}


def test_pt_entered_and_api_data_without_a_file_do_not_count(
    runner: Athlete, therapist: User, pt: Client, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 4, 17, 0, tzinfo=dt.UTC), tick=False)
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 1), source="web")
    PainScoreFactory(athlete=runner, date=dt.date(2026, 3, 1))  # web, the default
    api: APIClient = token_client(therapist)
    api.post(
        f"/api/v1/athletes/{runner.pk}/pain-scores/",
        {"date": "2026-03-02", "score": 1},
        format="json",
    )
    api.post(
        f"/api/v1/athletes/{runner.pk}/sessions/",
        {"date": "2026-03-03", "activity": "strength", "duration_min": 20},
        format="json",
    )

    assert sorted(PainScore.objects.values_list("source", flat=True)) == ["api", "web"]
    assert runner.sessions.filter(source="api").count() == 1
    assert data_dates([runner.pk], until=dt.date(2026, 3, 31)) == {}
    assert athlete_periods(runner, until=dt.date(2026, 3, 31)) == []


def test_deleted_sessions_and_days_after_until_do_not_count(runner: Athlete) -> None:
    gone = SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 2), source="phone")
    services.session_log_delete(session=gone)
    SessionLogFactory(athlete=runner, date=dt.date(2026, 3, 9), source="phone")

    assert data_dates([runner.pk], until=dt.date(2026, 3, 8)) == {}


def test_another_athletes_data_days_are_theirs(runner: Athlete, therapist: User) -> None:
    other = AthleteFactory(therapist=therapist)
    SessionLogFactory(athlete=other, date=dt.date(2026, 3, 2), source="phone")

    assert data_dates([runner.pk], until=dt.date(2026, 3, 31)) == {}
