"""A therapist with athletes cannot be moved to another clinic (issue 10).

Their athletes would stay behind with a therapist who can no longer see them, and the
new clinic's weekly email would list the old clinic's patients.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from itbrehab.accounts.models import THERAPIST_MOVE_WITH_ATHLETES, Clinic, User
from tests.factories import DEFAULT_PASSWORD, AthleteFactory, ClinicFactory


@pytest.fixture
def elsewhere(db: None) -> Clinic:
    return ClinicFactory(name="Hillside Physio")


def test_moving_a_therapist_who_has_athletes_is_refused_beside_the_clinic(
    therapist: User, elsewhere: Clinic
) -> None:
    AthleteFactory(therapist=therapist, status="discharged")  # discharged athletes count too
    therapist.clinic = elsewhere

    with pytest.raises(ValidationError) as caught:
        therapist.full_clean(exclude=["password"])

    assert caught.value.message_dict == {"clinic": [THERAPIST_MOVE_WITH_ATHLETES]}


def test_a_therapist_without_athletes_may_move(therapist: User, elsewhere: Clinic) -> None:
    therapist.clinic = elsewhere

    therapist.full_clean(exclude=["password"])
    therapist.save()

    therapist.refresh_from_db()
    assert therapist.clinic == elsewhere


def test_editing_a_therapist_in_place_is_unaffected_by_their_athletes(therapist: User) -> None:
    AthleteFactory(therapist=therapist)
    therapist.first_name = "Robin"

    therapist.full_clean(exclude=["password"])


def test_the_admin_refuses_the_move_and_changes_nothing(therapist: User, elsewhere: Clinic) -> None:
    AthleteFactory(therapist=therapist)
    root = User.objects.create_superuser("root@itbrehab.example", DEFAULT_PASSWORD)
    browser = Client()
    browser.force_login(root)
    page = f"/admin/accounts/user/{therapist.pk}/change/"
    form = {
        "email": therapist.email,
        "first_name": therapist.first_name,
        "last_name": therapist.last_name,
        "clinic": elsewhere.pk,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": therapist.date_joined.date().isoformat(),
        "date_joined_1": therapist.date_joined.strftime("%H:%M:%S"),
    }

    response = browser.post(page, form)

    assert response.status_code == 200  # the form again, with the error
    assert "hand them to a colleague" in response.content.decode()
    therapist.refresh_from_db()
    assert therapist.clinic.name == "Riverside Physio"
