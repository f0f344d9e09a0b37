"""The PT's forms: decisions, settings, athletes, sessions on their behalf, phone links.

Each form: the happy path writes and says so; bad input shows its error beside the field
(or above the form), keeps what was typed and writes nothing; GET on a POST-only address
is 405; another clinic's PT gets 404; CSRF is enforced. The clock is frozen on Wednesday
11 March 2026 (London, the clinic's zone).
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from athletes import services
from athletes.models import Athlete, DeviceLink, SessionLog
from itbrehab.accounts.models import User
from progressions.models import StageChange, StageReview
from progressions.services import (
    REASON_REQUIRED,
    RESTART_REASON_REQUIRED,
    REVIEW_ALREADY_DECIDED,
    STAGE_DISCHARGED,
    stage_review_decide,
)
from tests.factories import AthleteFactory, TherapistFactory
from tests.support.clock import TODAY, days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days, preferred cadence 170 (target 179)."""
    return AthleteFactory(
        therapist=therapist, first_name="Sam", last_name="Okafor", stage_started_on=days_ago(20)
    )


def walk(athlete: Athlete, days: int, **fields: Any) -> SessionLog:
    values: dict[str, Any] = {
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "incline_percent": 8,
        "duration_min": 30,
        "intensity": "easy",
        "pain_before": 0,
        "pain_during": 1,
        "pain_after": 1,
        "pain_next_morning": 1,
    }
    values.update(fields)
    return services.session_log_create(athlete=athlete, date=days_ago(days), **values)


def gate_met(athlete: Athlete) -> None:
    """Two tolerated 30-minute uphill walks: the engine recommends advance."""
    walk(athlete, 4)
    walk(athlete, 2)


def written() -> tuple[int, int, int]:
    """Return the counts a refused decision must leave alone."""
    return (
        StageChange.objects.count(),
        StageReview.objects.exclude(decision="").count(),
        StageReview.objects.count(),
    )


def html_of(response: Any) -> str:
    return response.content.decode()


def field_error(html: str, field: str) -> str:
    """Return the error shown beside the form field ``field`` ("" if none)."""
    match = re.search(rf'<p class="error" id="id_{field}_error" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else ""


def assert_errors_are_announced_with_their_field(html: str, field: str) -> None:
    """The field is marked invalid and points at its error (and help) by id."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert f"id_{field}_error" in described
    for element_id in described:
        assert f'id="{element_id}"' in html


def form_errors(html: str) -> str:
    """Return the errors shown above a form ("" if none)."""
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, flags=re.S)
    return match.group(1) if match else ""


def settings_data(athlete: Athlete, **changes: Any) -> dict[str, Any]:
    data = {
        "walk_gate_minutes": athlete.walk_gate_minutes,
        "gate_pain_max": athlete.gate_pain_max,
        "preferred_cadence_spm": athlete.preferred_cadence_spm or "",
        "target_cadence_spm": "",
        "distance_unit": athlete.distance_unit,
    }
    data.update(changes)
    return data


def athlete_data(pt_user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": "Lena",
        "last_name": "Fischer",
        "email": "lena@example.com",
        "phone": "+44 7700 900456",
        "affected_side": "right",
        "therapist": pt_user.pk,
        "preferred_cadence_spm": "160",
        "distance_unit": "km",
        "stage": "uphill_walk",
        "stage_started_on": "",
    }
    data.update(changes)
    return data


def session_data(**changes: Any) -> dict[str, Any]:
    data = {
        "date": days_ago(1).isoformat(),
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "incline_percent": "8.0",
        "duration_min": "35",
        "distance_km": "",
        "run_interval_sec": "",
        "walk_interval_sec": "",
        "repeats": "",
        "intensity": "easy",
        "cadence_spm": "",
        "pain_before": "0",
        "pain_during": "1",
        "pain_after": "1",
        "pain_next_morning": "",
        "notes": "Phoned in: felt fine.",
    }
    data.update(changes)
    return data


# --- Decisions -------------------------------------------------------------------------


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
    assert field_error(html, "note") == REASON_REQUIRED.format(recommendation="hold")
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


# --- Settings --------------------------------------------------------------------------


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


# --- Adding and editing athletes -------------------------------------------------------


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


# --- Sessions on the athlete's behalf --------------------------------------------------


def test_logging_a_session_on_the_athletes_behalf(pt: Client, athlete: Athlete) -> None:
    walk(athlete, 3)
    page = html_of(pt.get(f"/athletes/{athlete.pk}/sessions/new/"))
    assert 'name="date" value="2026-03-11"' in page  # today, clinic time

    response = pt.post(f"/athletes/{athlete.pk}/sessions/new/", session_data(), follow=True)

    assert response.redirect_chain == [(f"/athletes/{athlete.pk}/", 302)]
    assert "Session logged." in html_of(response)
    session = SessionLog.objects.filter(athlete=athlete).first()  # newest
    assert (session.date, session.duration_min, session.source) == (days_ago(1), 35, "web")
    assert session.pain_next_morning is None  # not known yet, never assumed
    assert session.notes == "Phoned in: felt fine."
    assert session.changed_variables == ["duration"]  # 30 → 35 min, the one-variable check


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"duration_min": ""}, "duration_min", "This field is required."),
        ({"activity": "run", "terrain": "flat", "pain_during": ""}, "pain_during", "required"),
        ({"terrain": ""}, "terrain", "Terrain is required"),
        ({"date": "2026-03-12"}, "date", "cannot be in the future"),
        ({"pain_after": "11"}, "pain_after", "Must be between 0 and 10."),
        ({"incline_percent": "16"}, "incline_percent", "Must be between 0 and 15."),
        ({"run_interval_sec": "60"}, "run_interval_sec", "only to walk–run"),
        (
            {
                "activity": "walk_run",
                "run_interval_sec": "120",
                "walk_interval_sec": "120",
                "repeats": "10",
            },
            "repeats",
            "more than the session",
        ),
    ],
)
def test_an_invalid_session_shows_errors_beside_fields_keeps_the_values_and_stores_nothing(
    pt: Client, athlete: Athlete, changes: dict[str, str], field: str, message: str
) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/sessions/new/", session_data(**changes))

    assert response.status_code == 200
    html = html_of(response)
    assert message in field_error(html, field)
    assert_errors_are_announced_with_their_field(html, field)
    assert not SessionLog.objects.exists()
    # What the PT typed is still there.
    assert ">\nPhoned in: felt fine.</textarea>" in html
    assert '<option value="treadmill" selected>' in html
    if field != "pain_after":
        assert 'name="pain_after" value="1"' in html


def test_correcting_a_session_recomputes_the_next_ones_check(pt: Client, athlete: Athlete) -> None:
    first = walk(athlete, 5, pain_next_morning=None)
    second = walk(athlete, 3)
    assert second.changed_variables == []

    page = html_of(pt.get(f"/athletes/{athlete.pk}/sessions/{first.pk}/edit/"))
    assert 'name="duration_min" value="30"' in page
    response = pt.post(
        f"/athletes/{athlete.pk}/sessions/{first.pk}/edit/",
        session_data(
            date=days_ago(5).isoformat(), duration_min="20", pain_next_morning="1", version="1"
        ),
        follow=True,
    )

    assert "Session corrected." in html_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.duration_min, first.pain_next_morning) == (20, 1)
    assert second.changed_variables == ["duration"]  # 20 → 30 min now


def test_an_invalid_correction_changes_nothing(pt: Client, athlete: Athlete) -> None:
    session = walk(athlete, 5)
    before = SessionLog.objects.filter(pk=session.pk).values().get()

    response = pt.post(
        f"/athletes/{athlete.pk}/sessions/{session.pk}/edit/",
        session_data(date=days_ago(5).isoformat(), pain_next_morning="12", version="1"),
    )

    assert "Must be between 0 and 10." in field_error(html_of(response), "pain_next_morning")
    assert SessionLog.objects.filter(pk=session.pk).values().get() == before


def test_another_athletes_session_cannot_be_corrected_through_this_one(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    session = walk(other, 2)

    url = f"/athletes/{athlete.pk}/sessions/{session.pk}/edit/"
    assert pt.get(url).status_code == 404
    assert pt.post(url, session_data(duration_min="5")).status_code == 404
    session.refresh_from_db()
    assert session.duration_min == 30


# --- Phone links -----------------------------------------------------------------------


def test_a_new_phone_link_is_shown_once_with_its_qr_code(
    pt: Client, client: Client, athlete: Athlete, therapist: User
) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/links/", follow=True)

    assert response.status_code == 200
    html = html_of(response)
    url = re.search(r'value="(http://testserver/m/link/[\w-]+/)"', html).group(1)
    assert "<svg" in html.split('<div class="qr">')[1].split("</div>")[0]
    link = DeviceLink.objects.get(athlete=athlete)
    assert link.created_by == therapist
    assert link.token_hash not in html
    # Only once: the page afterwards lists the link without its address.
    assert url not in html_of(pt.get(f"/athletes/{athlete.pk}/"))

    phone = Client()
    assert phone.get(url.removeprefix("http://testserver")).status_code == 302


def test_a_new_phone_link_is_emailed_to_an_athlete_with_an_address(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="sam@example.org")

    html = html_of(pt.post(f"/athletes/{athlete.pk}/links/", follow=True))

    url = re.search(r'value="(http://testserver/m/link/[\w-]+/)"', html).group(1)
    [email] = mailoutbox
    assert email.to == ["sam@example.org"]
    assert url in email.body
    assert "also emailed to sam@example.org" in html


def test_no_email_goes_out_for_an_athlete_without_an_address(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="")
    assert pt.post(f"/athletes/{athlete.pk}/links/", follow=True).status_code == 200
    assert mailoutbox == []


def test_reloading_the_page_after_creating_a_link_creates_no_second_one(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="sam@example.org")
    response = pt.post(f"/athletes/{athlete.pk}/links/")
    assert response.status_code == 302  # the browser then GETs the page: a reload is a GET
    pt.get(response["Location"])
    pt.get(response["Location"])
    assert DeviceLink.objects.filter(athlete=athlete).count() == 1
    assert len(mailoutbox) == 1


def test_a_revoked_link_answers_410(pt: Client, athlete: Athlete, therapist: User) -> None:
    link, token = services.device_link_create(athlete=athlete, created_by=therapist)

    response = pt.post(f"/athletes/{athlete.pk}/links/{link.pk}/revoke/", follow=True)

    assert "Phone link revoked: it no longer opens." in html_of(response)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(f"/m/link/{token}/").status_code == 410


def test_a_discharged_athlete_gets_no_phone_link(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    response = pt.post(f"/athletes/{athlete.pk}/links/", follow=True)

    assert "A discharged athlete cannot get a phone link." in html_of(response)
    assert not DeviceLink.objects.exists()


def test_a_link_is_revoked_only_through_its_own_athlete(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    link, _token = services.device_link_create(athlete=other, created_by=therapist)

    assert pt.post(f"/athletes/{athlete.pk}/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


# --- Methods, ownership, CSRF ----------------------------------------------------------

POST_ONLY = ["decision/", "settings/", "status/", "links/", "links/{link}/revoke/"]
FORM_PAGES = ["edit/", "sessions/new/", "sessions/{session}/edit/"]
VALID_POSTS: dict[str, dict[str, Any]] = {
    "decision/": {"decision": "hold", "note": "n"},
    "settings/": {"walk_gate_minutes": 45, "gate_pain_max": 0, "distance_unit": "mi"},
    "status/": {"status": "discharged"},
    "links/": {},
    "links/{link}/revoke/": {},
    "edit/": {"first_name": "X", "last_name": "Y", "affected_side": "both"},
    "sessions/new/": session_data(),
    "sessions/{session}/edit/": session_data(duration_min="5"),
}


@pytest.fixture
def targets(athlete: Athlete, therapist: User) -> dict[str, int]:
    link, _token = services.device_link_create(athlete=athlete, created_by=therapist)
    session = walk(athlete, 2)
    return {"link": link.pk, "session": session.pk}


def url_of(athlete: Athlete, path: str, targets: dict[str, int]) -> str:
    return f"/athletes/{athlete.pk}/" + path.format(**targets)


def snapshot(athlete: Athlete) -> tuple[Any, ...]:
    return (
        Athlete.objects.filter(pk=athlete.pk).values().get(),
        list(SessionLog.objects.values()),
        list(DeviceLink.objects.values()),
        written(),
    )


@pytest.mark.parametrize("path", POST_ONLY)
def test_post_only_addresses_refuse_get(
    pt: Client, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    assert pt.get(url_of(athlete, path, targets)).status_code == 405


@pytest.mark.parametrize("path", ["new/", *FORM_PAGES])
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_form_pages_refuse_other_methods(
    pt: Client, athlete: Athlete, targets: dict[str, int], path: str, method: str
) -> None:
    url = "/athletes/new/" if path == "new/" else url_of(athlete, path, targets)
    before = snapshot(athlete)

    assert getattr(pt, method)(url).status_code == 405
    assert snapshot(athlete) == before


@pytest.mark.parametrize("path", POST_ONLY + FORM_PAGES)
def test_an_outsider_gets_404_and_changes_nothing(
    client: Client, outsider: User, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    client.force_login(outsider)
    before = snapshot(athlete)

    assert client.post(url_of(athlete, path, targets), VALID_POSTS[path]).status_code == 404
    if path in FORM_PAGES:
        assert client.get(url_of(athlete, path, targets)).status_code == 404
    assert snapshot(athlete) == before


@pytest.mark.parametrize("path", POST_ONLY + FORM_PAGES)
def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(
    client: Client, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    before = snapshot(athlete)

    response = client.post(url_of(athlete, path, targets), VALID_POSTS[path])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(athlete) == before


def test_a_colleague_may_decide_for_the_therapists_athlete(
    client: Client, colleague: User, athlete: Athlete
) -> None:
    client.force_login(colleague)

    client.post(f"/athletes/{athlete.pk}/decision/", {"decision": "hold"})

    assert StageReview.objects.get(athlete=athlete).reviewed_by == colleague


def test_csrf_is_enforced(therapist: User, athlete: Athlete) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(therapist)
    url = f"/athletes/{athlete.pk}/decision/"

    assert browser.post(url, {"decision": "hold"}).status_code == 403
    assert not StageReview.objects.exists()

    page = html_of(browser.get(f"/athletes/{athlete.pk}/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url, {"decision": "hold", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert StageReview.objects.get(athlete=athlete).decision == "hold"
