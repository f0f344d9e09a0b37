"""PT forms validate on their own copy: the view's athlete or session stays as loaded.

So a refused form is shown inside a page that tells the stored truth, and the service
compares the submission with the stored values, without any reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from athletes import services
from athletes.forms import AthleteForm, SessionEditForm, SettingsForm
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.support.athletes import sam

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking since 20 February, gate at 40 minutes and pain ≤ 1."""
    return sam(
        therapist, walk_gate_minutes=40, gate_pain_max=1, stage_started_on=dt.date(2026, 2, 20)
    )


def _settings(**changes: Any) -> dict[str, Any]:
    return {
        "walk_gate_minutes": 40,
        "gate_pain_max": 1,
        "preferred_cadence_spm": 170,
        "target_cadence_spm": "",
        "distance_unit": "km",
        **changes,
    }


WALK = {
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": 8,
    "duration_min": 30,
    "intensity": "easy",
    "pain_during": 1,
    "pain_after": 1,
}


def _walk(athlete: Athlete) -> SessionLog:
    return services.session_log_create(athlete=athlete, date=dt.date(2026, 3, 9), **WALK)


def _correction(**changes: Any) -> dict[str, Any]:
    """The correction form as posted: the walk on 9 March at version 1, with ``changes``."""
    return {**WALK, "date": "2026-03-09", "version": "1", **changes}


def test_an_invalid_settings_form_leaves_the_athlete_as_loaded(athlete: Athlete) -> None:
    form = SettingsForm(_settings(walk_gate_minutes=33, gate_pain_max=9), instance=athlete)

    assert not form.is_valid()
    assert (athlete.walk_gate_minutes, athlete.gate_pain_max) == (40, 1)


def test_a_valid_details_form_leaves_the_athlete_as_loaded(
    athlete: Athlete, therapist: User
) -> None:
    data = {
        "first_name": "Samuel",
        "last_name": "Okafor",
        "email": "",
        "phone": "",
        "affected_side": "left",
        "therapist": therapist.pk,
        "preferred_cadence_spm": "",
        "distance_unit": "km",
    }
    form = AthleteForm(data, instance=athlete, clinic_id=therapist.clinic_id)

    assert form.is_valid(), form.errors
    assert athlete.first_name == "Sam"  # the service writes it, not the form


def test_a_correction_form_leaves_the_session_as_loaded(athlete: Athlete) -> None:
    session = _walk(athlete)
    form = SessionEditForm(_correction(duration_min=45), instance=session)

    assert form.is_valid(), form.errors
    assert session.duration_min == 30


def test_forms_do_not_save(athlete: Athlete) -> None:
    form = SettingsForm(_settings(), instance=athlete)
    assert form.is_valid()
    with pytest.raises(NotImplementedError):
        form.save()


def test_a_refused_settings_form_sits_in_the_page_of_the_stored_athlete(
    pt: Client, athlete: Athlete
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/settings/", _settings(preferred_cadence_spm=150, gate_pain_max=9)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="preferred_cadence_spm" value="150"' in html  # what was typed stays
    assert "(preferred 170)" in html  # the page around it shows the stored athlete


def test_a_refused_details_form_is_titled_with_the_stored_name(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        {
            "first_name": "Samuel",
            "last_name": "Okafor",
            "affected_side": "left",
            "therapist": therapist.pk,
            "phone": "ring ring",
            "distance_unit": "km",
        },
    )

    html = response.content.decode()
    assert 'name="first_name" value="Samuel"' in html
    assert "<h1>Edit Sam Okafor</h1>" in html


def test_a_correction_is_stored_against_the_stored_values(pt: Client, athlete: Athlete) -> None:
    session = _walk(athlete)

    pt.post(f"/athletes/{athlete.pk}/sessions/{session.pk}/edit/", _correction(duration_min=45))

    session = SessionLog.objects.get(pk=session.pk)
    assert (session.duration_min, session.version) == (45, 2)
