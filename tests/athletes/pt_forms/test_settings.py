"""The athlete's settings form: gates, cadence target (preferred + 5 % unless set by hand)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from athletes.models import Athlete
from tests.athletes.pt_forms.forms import (
    assert_errors_are_announced_with_their_field,
    field_error,
    html_of,
    settings_data,
)

pytestmark = pytest.mark.usefixtures("wednesday")


def test_valid_settings_are_saved_and_the_target_follows_preferred_plus_5_percent(
    pt: Client, athlete: Athlete
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/settings/",
        settings_data(athlete, walk_gate_minutes=40, gate_pain_max=1, preferred_cadence_spm=160),
        follow=True,
    )

    assert "Settings saved." in html_of(response)
    athlete.refresh_from_db()
    assert (athlete.walk_gate_minutes, athlete.gate_pain_max) == (40, 1)
    assert (athlete.preferred_cadence_spm, athlete.target_cadence_spm) == (160, 168)
    assert not athlete.target_cadence_is_manual


def test_a_target_set_by_hand_stays_when_preferred_changes(pt: Client, athlete: Athlete) -> None:
    pt.post(f"/athletes/{athlete.pk}/settings/", settings_data(athlete, target_cadence_spm=176))
    athlete.refresh_from_db()
    assert (athlete.target_cadence_spm, athlete.target_cadence_is_manual) == (176, True)

    # The form shows the hand-set target, so saving it again keeps it.
    page = html_of(pt.get(f"/athletes/{athlete.pk}/"))
    assert 'name="target_cadence_spm" value="176"' in page
    pt.post(
        f"/athletes/{athlete.pk}/settings/",
        settings_data(athlete, preferred_cadence_spm=150, target_cadence_spm=176),
    )
    athlete.refresh_from_db()
    assert (athlete.preferred_cadence_spm, athlete.target_cadence_spm) == (150, 176)

    # Emptying it lets it follow preferred + 5% again.
    pt.post(f"/athletes/{athlete.pk}/settings/", settings_data(athlete))
    athlete.refresh_from_db()
    assert (athlete.target_cadence_spm, athlete.target_cadence_is_manual) == (158, False)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("walk_gate_minutes", 29, "Must be between 30 and 45."),
        ("walk_gate_minutes", 46, "Must be between 30 and 45."),
        ("walk_gate_minutes", "", "This field is required."),
        ("gate_pain_max", 4, "Must be between 0 and 3."),
        ("gate_pain_max", -1, "greater than or equal to 0"),
        ("preferred_cadence_spm", 250, "Must be between 120 and 220."),
        ("target_cadence_spm", 90, "greater than or equal to 120"),
        ("distance_unit", "furlong", "Select a valid choice."),
    ],
)
def test_invalid_settings_show_the_error_beside_the_field_and_change_nothing(
    pt: Client, athlete: Athlete, field: str, value: Any, message: str
) -> None:
    before = Athlete.objects.filter(pk=athlete.pk).values().get()

    response = pt.post(
        f"/athletes/{athlete.pk}/settings/",
        settings_data(athlete, **{"gate_pain_max": 1, field: value}),
    )

    assert response.status_code == 200
    html = html_of(response)
    assert message in field_error(html, field)
    assert_errors_are_announced_with_their_field(html, field)
    assert Athlete.objects.filter(pk=athlete.pk).values().get() == before
    # What was typed stays in the form; the page around it shows the stored athlete.
    assert 'name="gate_pain_max" value="1"' in html or field == "gate_pain_max"
    assert "Settings saved." not in html
