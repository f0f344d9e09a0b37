"""The PT's weekly decision form: advance, hold, back off, restart; refusals keep what was typed."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.models import StageChange, StageReview
from progressions.services import (
    REASON_REQUIRED,
    RESTART_REASON_REQUIRED,
    REVIEW_ALREADY_DECIDED,
    STAGE_DISCHARGED,
    stage_review_decide,
)
from tests.athletes.pt_forms.forms import (
    assert_errors_are_announced_with_their_field,
    field_error,
    form_errors,
    gate_met,
    html_of,
    written,
)
from tests.support.clock import TODAY, days_ago
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


def test_advancing_with_the_gate_met_moves_the_stage_and_records_it(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    gate_met(athlete)

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/", {"decision": "advance", "note": ""}, follow=True
    )

    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    athlete.refresh_from_db()
    assert (athlete.stage, athlete.stage_started_on) == ("uphill_jog", TODAY)
    change = StageChange.objects.get(athlete=athlete)
    assert (change.from_stage, change.to_stage, change.changed_by, change.recommendation) == (
        "uphill_walk",
        "uphill_jog",
        therapist,
        "advance",
    )
    review = StageReview.objects.get(athlete=athlete)
    assert (review.decision, review.reviewed_by, review.stage_change) == (
        "advance",
        therapist,
        change,
    )
    html = html_of(response)
    assert "Recorded: advance — now in Uphill jogging (walk–run)." in html
    assert 'aria-current="step">\n        <span class="rung">2</span>' in html


def test_advancing_against_the_recommendation_without_a_note_is_refused(
    pt: Client, athlete: Athlete
) -> None:
    walk(athlete, 2)  # one walk: the recommendation is hold
    before = written()

    response = pt.post(f"/athletes/{athlete.pk}/decision/", {"decision": "advance", "note": " "})

    assert response.status_code == 200
    html = html_of(response)
    # The note is the reason: the error stands beside it.
    assert field_error(html, "note") == REASON_REQUIRED.format(recommendation="Hold")
    assert written() == before
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_walk"
    assert 'value="advance" id="id_decision_0" required checked' in html


def test_advancing_against_the_recommendation_with_a_note_is_recorded_with_it(
    pt: Client, athlete: Athlete
) -> None:
    note = "Walked 45 min on holiday twice, pain-free; logged late."

    pt.post(f"/athletes/{athlete.pk}/decision/", {"decision": "advance", "note": note})

    change = StageChange.objects.get(athlete=athlete)
    assert (change.to_stage, change.reason, change.recommendation) == ("uphill_jog", note, "hold")
    assert StageReview.objects.get(athlete=athlete).note == note


def test_a_refused_decision_keeps_the_typed_note(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage="flat_run")
    before = written()

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/",
        {"decision": "back_off", "back_off_to": "speed_work", "note": "Sore on the stairs."},
    )

    html = html_of(response)
    assert "Select a valid choice." in field_error(html, "back_off_to")
    assert ">\nSore on the stairs.</textarea>" in html
    assert 'value="back_off" id="id_decision_2" required checked' in html
    assert written() == before


def back_off_choices(html: str) -> list[str]:
    select = re.search(r'<select name="back_off_to".*?</select>', html, flags=re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_backing_off_offers_one_stage_back_a_restart_and_the_earlier_stages(
    pt: Client, athlete: Athlete
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage="flat_run")

    html = unescape(html_of(pt.get(f"/athletes/{athlete.pk}/")))

    assert back_off_choices(html) == [
        "One stage back: Uphill jogging (walk–run)",
        "Restart this stage: Flat running",
        "Uphill walking",
    ]
    # One stage back is what a back-off does unless the PT picks otherwise.
    assert re.search(r'<option value="" selected>One stage back', html)


def test_backing_off_in_the_first_stage_keeps_the_stage(pt: Client, athlete: Athlete) -> None:
    assert back_off_choices(unescape(html_of(pt.get(f"/athletes/{athlete.pk}/")))) == [
        "Stay in this stage, with less load",
        "Restart this stage: Uphill walking",
    ]

    pt.post(f"/athletes/{athlete.pk}/decision/", {"decision": "back_off", "note": "Flare-up."})

    athlete.refresh_from_db()
    assert athlete.stage == "uphill_walk"
    assert StageReview.objects.get(athlete=athlete).decision == "back_off"
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("stage", ["uphill_walk", "flat_run"])
def test_restarting_the_stage_records_a_change_within_it(
    pt: Client, athlete: Athlete, therapist: User, stage: str
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage=stage)

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/",
        {"decision": "back_off", "back_off_to": stage, "note": "Limped after 20 min on Monday."},
        follow=True,
    )

    athlete.refresh_from_db()
    assert (athlete.stage, athlete.stage_started_on) == (stage, TODAY)
    change = StageChange.objects.get(athlete=athlete)
    assert (change.from_stage, change.to_stage, change.reason, change.changed_by) == (
        stage,
        stage,
        "Limped after 20 min on Monday.",
        therapist,
    )
    assert StageReview.objects.get(athlete=athlete).stage_change == change
    html = unescape(html_of(response))
    name = change.get_to_stage_display()
    assert f"Recorded: back off — {name} restarted." in html
    assert f"restarted <strong>{name}</strong>" in html  # the stage history says so


def test_restarting_without_a_note_is_refused_beside_the_note(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage="flat_run")
    before = written()

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/",
        {"decision": "back_off", "back_off_to": "flat_run", "note": "  "},
    )

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "note") == RESTART_REASON_REQUIRED
    assert_errors_are_announced_with_their_field(html, "note")
    assert written() == before
    # Nothing the PT chose is lost: back off, and the restart, stay selected.
    assert 'value="back_off" id="id_decision_2" required checked' in html
    assert '<option value="flat_run" selected>Restart this stage: Flat running</option>' in html
    athlete.refresh_from_db()
    assert (athlete.stage, athlete.stage_started_on) == ("flat_run", days_ago(20))


def test_holding_records_the_review_and_keeps_the_stage(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/decision/",
        {"decision": "hold", "note": "Another week at 30 min."},
        follow=True,
    )

    assert "Recorded: hold this week." in html_of(response)
    review = StageReview.objects.get(athlete=athlete)
    assert (review.decision, review.note, review.stage_change) == (
        "hold",
        "Another week at 30 min.",
        None,
    )
    assert not StageChange.objects.exists()
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_walk"


@pytest.mark.parametrize(
    ("back_off_to", "expected"), [("", "uphill_jog"), ("uphill_walk", "uphill_walk")]
)
def test_backing_off_goes_one_stage_back_or_to_the_chosen_stage(
    pt: Client, athlete: Athlete, back_off_to: str, expected: str
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage="flat_run")

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/",
        {"decision": "back_off", "back_off_to": back_off_to, "note": "Flare-up."},
        follow=True,
    )

    athlete.refresh_from_db()
    assert athlete.stage == expected
    change = StageChange.objects.get(athlete=athlete)
    assert (change.from_stage, change.to_stage, change.reason) == (
        "flat_run",
        expected,
        "Flare-up.",
    )
    assert "Recorded: back off — now in" in html_of(response)


def test_a_second_decision_the_same_week_is_refused_with_a_message(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist)
    before = written()

    response = pt.post(
        f"/athletes/{athlete.pk}/decision/", {"decision": "advance", "note": "Changed my mind."}
    )

    assert response.status_code == 200
    assert REVIEW_ALREADY_DECIDED.format(decision="Hold") in form_errors(
        unescape(html_of(response))
    )
    assert written() == before
    athlete.refresh_from_db()
    assert athlete.stage == "uphill_walk"


def test_a_discharged_athlete_gets_no_decision(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")
    before = written()

    response = pt.post(f"/athletes/{athlete.pk}/decision/", {"decision": "hold"})

    assert STAGE_DISCHARGED in form_errors(html_of(response))
    assert written() == before


@pytest.mark.parametrize(
    "data", [{}, {"decision": "promote"}, {"decision": "hold", "note": "x" * 2001}]
)
def test_a_malformed_decision_shows_an_error_and_writes_nothing(
    pt: Client, athlete: Athlete, data: dict[str, str]
) -> None:
    before = written()

    response = pt.post(f"/athletes/{athlete.pk}/decision/", data)

    assert response.status_code == 200
    html = html_of(response)
    assert '<p class="error" id="decision-error">' in html or field_error(html, "note")
    assert written() == before
