"""Adding, editing, discharging and taking back on an athlete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.athletes.pt_forms.forms import (
    athlete_data,
    field_error,
    html_of,
)
from tests.factories import TherapistFactory
from tests.support.clock import TODAY, days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


def test_the_add_form_offers_the_clinics_therapists_and_defaults_to_me(
    pt: Client, therapist: User, colleague: User, outsider: User
) -> None:
    html = html_of(pt.get("/athletes/new/"))

    assert f'<option value="{therapist.pk}" selected>' in html
    assert f'<option value="{colleague.pk}">' in html
    assert f'<option value="{outsider.pk}"' not in html
    assert 'name="stage"' in html


def test_adding_an_athlete_mid_protocol(pt: Client, therapist: User, colleague: User) -> None:
    response = pt.post(
        "/athletes/new/",
        athlete_data(
            therapist, therapist=colleague.pk, stage="flat_run", stage_started_on="2026-03-01"
        ),
        follow=True,
    )

    athlete = Athlete.objects.get(first_name="Lena")
    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    assert "Lena Fischer added." in html_of(response)
    assert (athlete.clinic, athlete.therapist) == (therapist.clinic, colleague)
    assert (athlete.stage, athlete.stage_started_on) == ("flat_run", dt.date(2026, 3, 1))
    assert (athlete.preferred_cadence_spm, athlete.target_cadence_spm) == (160, 168)
    assert athlete.status == "active"


def test_a_new_athlete_starts_uphill_walking_today_by_default(pt: Client, therapist: User) -> None:
    pt.post("/athletes/new/", athlete_data(therapist))

    athlete = Athlete.objects.get(first_name="Lena")
    assert (athlete.stage, athlete.stage_started_on) == ("uphill_walk", TODAY)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "", "This field is required."),
        ("affected_side", "middle", "Select a valid choice."),
        ("preferred_cadence_spm", "300", "Must be between 120 and 220."),
        ("phone", "call me", "Enter a phone number"),
        ("email", "lena@", "Enter a valid email address."),
        ("stage", "marathon", "Select a valid choice."),
        ("stage_started_on", "11/03/2026x", "Enter a valid date."),
        ("first_name", "Le\x00na", "Null characters are not allowed."),
    ],
)
def test_an_invalid_new_athlete_shows_errors_and_writes_nothing(
    pt: Client, therapist: User, field: str, value: str, message: str
) -> None:
    response = pt.post("/athletes/new/", athlete_data(therapist, **{field: value}))

    assert response.status_code == 200
    html = html_of(response)
    assert message in field_error(html, field)
    assert not Athlete.objects.exists()
    assert 'value="lena@example.com"' in html or field == "email"


def test_another_clinics_therapist_cannot_be_chosen(
    pt: Client, therapist: User, outsider: User
) -> None:
    response = pt.post("/athletes/new/", athlete_data(therapist, therapist=outsider.pk))

    assert "Select a valid choice." in field_error(html_of(response), "therapist")
    assert not Athlete.objects.exists()


def test_an_inactive_colleague_cannot_be_chosen(pt: Client, therapist: User) -> None:
    gone = TherapistFactory(clinic=therapist.clinic, is_active=False)

    pt.post("/athletes/new/", athlete_data(therapist, therapist=gone.pk))

    assert not Athlete.objects.exists()


def test_editing_an_athlete_saves_the_details(pt: Client, athlete: Athlete) -> None:
    page = html_of(pt.get(f"/athletes/{athlete.pk}/edit/"))
    assert 'name="first_name" value="Sam"' in page
    assert 'name="stage"' not in page  # the stage moves only by decisions

    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        athlete_data(
            athlete.therapist,
            first_name="Samuel",
            last_name="Okafor",
            phone="+44 7700 900999",
            preferred_cadence_spm="180",
        ),
        follow=True,
    )

    assert "Details saved." in html_of(response)
    athlete.refresh_from_db()
    assert (athlete.first_name, athlete.phone) == ("Samuel", "+44 7700 900999")
    assert athlete.target_cadence_spm == 189
    assert (athlete.stage, athlete.stage_started_on) == ("uphill_walk", days_ago(20))


def test_an_invalid_edit_shows_errors_and_changes_nothing(pt: Client, athlete: Athlete) -> None:
    before = Athlete.objects.filter(pk=athlete.pk).values().get()

    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        athlete_data(athlete.therapist, first_name="Samuel", phone="ring ring"),
    )

    html = html_of(response)
    assert "Enter a phone number" in field_error(html, "phone")
    assert 'name="first_name" value="Samuel"' in html
    assert Athlete.objects.filter(pk=athlete.pk).values().get() == before


def test_discharging_and_taking_back_on(pt: Client, athlete: Athlete) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/status/", {"status": "discharged"}, follow=True)

    assert "Sam Okafor discharged." in html_of(response)
    assert "Take back on" in html_of(response)
    athlete.refresh_from_db()
    assert athlete.status == "discharged"
    assert "Sam Okafor" not in html_of(pt.get("/dashboard/"))
    assert "Sam Okafor" in html_of(pt.get("/dashboard/?tab=discharged"))

    response = pt.post(f"/athletes/{athlete.pk}/status/", {"status": "active"}, follow=True)

    assert "Sam Okafor is active again." in html_of(response)
    athlete.refresh_from_db()
    assert athlete.status == "active"


def test_an_unknown_status_changes_nothing(pt: Client, athlete: Athlete) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/status/", {"status": "deleted"}, follow=True)

    assert "Choose active or discharged." in html_of(response)
    athlete.refresh_from_db()
    assert athlete.status == "active"
