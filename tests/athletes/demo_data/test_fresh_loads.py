"""``manage.py load_demo`` on a fresh or already loaded database."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from athletes.demo import (
    DEMO_CLINIC_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_URL,
    SCRIPTS,
    demo_clinic_today,
    load_demo,
)
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import Clinic
from progressions.stored import refresh_due
from tests.athletes.demo_data.spec_facts import (
    TODAY,
    _counts,
    _days,
    _situations,
)

pytestmark = pytest.mark.django_db


def test_loading_for_a_day_after_today_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="after the clinic's today"):
        load_demo(today=demo_clinic_today() + _days(1))
    assert not Clinic.objects.exists()


def test_default_today_is_the_clinics_today(db: None) -> None:
    result = load_demo()
    today = demo_clinic_today()
    expected = {s.name: (s.expect.value, set(s.red_flags)) for s in SCRIPTS if not s.discharged}
    assert result.created
    assert SessionLog.objects.latest("date").date == today
    assert not SessionLog.objects.filter(date__gt=today).exists()
    assert _situations(result.clinic, today) == expected


@pytest.fixture
def development(settings: Any) -> None:
    """``make run``'s DEBUG=true (pytest-django runs tests with DEBUG off)."""
    settings.DEBUG = True


@pytest.mark.usefixtures("development")
def test_command_loads_the_demo_and_prints_the_login(db: None) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    athletes = len(SCRIPTS)
    assert f"Demo clinic '{DEMO_CLINIC_NAME}' ready ({athletes} athletes)." in out.getvalue()
    assert f"Open {DEMO_URL} and log in as {DEMO_EMAIL} / {DEMO_PASSWORD}" in out.getvalue()


@pytest.mark.usefixtures("development")
def test_command_run_twice_reports_already_loaded(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert _counts() == before


def test_command_refuses_to_run_with_debug_off(db: None, settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG=false"):
        call_command("load_demo", stdout=StringIO())

    assert set(_counts().values()) == {0}


def test_the_demos_stored_progressions_stay_equal_to_the_live_ones_through_a_month(
    db: None, time_machine: Any
) -> None:
    """As CI's operator check: load the demo, then a month of days with the hourly task;
    ``verify_progressions`` finds nothing to repair on any of them."""
    london_morning = dt.datetime.combine(TODAY, dt.time(6, 0), tzinfo=dt.UTC)
    time_machine.move_to(london_morning, tick=False)
    load_demo(today=TODAY)
    for day in range(31):
        time_machine.move_to(london_morning + dt.timedelta(days=day), tick=False)
        refresh_due()
        out = StringIO()
        call_command("verify_progressions", stdout=out)  # raises CommandError on drift
        assert "All equal" in out.getvalue(), day
        assert not Athlete.objects.filter(
            status="active", stored_progression__valid_until__lt=TODAY + dt.timedelta(days=day)
        ).exists()
