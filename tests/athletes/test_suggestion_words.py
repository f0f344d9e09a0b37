"""How a suggestion is said (SPEC §1 "Words"): to the PT with its reason, to the athlete
from its fields only.

The phone never shows ``reason``; on ``advance`` it says the gate is met and the PT decides,
and keeps to the current stage's session; a rest day says rest or cross-train; the
metronome is offered for running sessions only. The PT page names a repeat or an entry
session, and on ``advance`` shows apart what advancing would start.

The clock is frozen on Wednesday 11 March 2026 at 08:00 in London (the clinic's zone).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from athletes.models import Athlete
from athletes.phone.words import describe_suggestion
from itbrehab.accounts.models import User
from progressions.rules import SuggestedSession
from progressions.rules.protocol import (
    Activity,
    Intensity,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
)
from progressions.selectors import athlete_progression
from progressions.services import stage_review_decide
from tests.factories import SessionLogFactory
from tests.support.athletes import sam
from tests.support.clock import TODAY, days_ago
from tests.support.phones import phone_of

METRONOME_LINK = 'href="/m/metronome/"'


pytestmark = pytest.mark.usefixtures("wednesday_morning")


def athlete_in(therapist: User, stage: str = "uphill_walk") -> Athlete:
    """Sam, in ``stage`` for 20 days, usual step rate 170 (target 179)."""
    return sam(therapist, stage=stage, preferred_cadence_spm=170, target_cadence_spm=179)


def gate_met(therapist: User) -> Athlete:
    """Two tolerated 30-min uphill treadmill walks on different days, mornings answered."""
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(4))
    SessionLogFactory(athlete=athlete, date=days_ago(2))
    return athlete


def rest_day(therapist: User) -> Athlete:
    """Yesterday's walk hurt past 5: today is a rest day."""
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(3))
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_during=6, pain_next_morning=3)
    return athlete


def phone_home(athlete: Athlete) -> str:
    response = phone_of(athlete).get("/m/")
    assert response.status_code == 200
    return response.content.decode()


def today_card(html: str) -> str:
    match = re.search(r'<section class="card today".*?</section>', html, flags=re.S)
    assert match
    return match.group(0)


def pt_card(therapist: User, athlete: Athlete) -> str:
    """The "Suggested next session" card of the PT's athlete page."""
    client = Client()
    client.force_login(therapist)
    response = client.get(f"/athletes/{athlete.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section aria-labelledby="next-h".*?</section>', html, flags=re.S)
    assert match
    return match.group(0)


def changes_row(card: str) -> str:
    match = re.search(r"<dt>Changes</dt><dd>(.*?)</dd>", card)
    assert match
    return match.group(1)


def reason_of(athlete: Athlete) -> str:
    reason = athlete_progression(athlete).suggested_next_session.reason
    assert reason
    return reason


# --- The words themselves ------------------------------------------------------------


def suggestion(**fields: Any) -> SuggestedSession:
    values: dict[str, Any] = {
        "stage": StageCode.UPHILL_WALK,
        "activity": Activity.WALK,
        "terrain": Terrain.UPHILL,
        "surface": Surface.TREADMILL,
        "incline_percent": Decimal("8.0"),
        "duration_min": 30,
        "intensity": Intensity.EASY,
        "run_interval_sec": None,
        "walk_interval_sec": None,
        "repeats": None,
        "changed_variable": None,
        "reason": "Repeat: Sam's walk of 9 Mar.",
        "based_on_session_id": 7,
    }
    values.update(fields)
    return SuggestedSession(**values)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "30 min uphill walk on the treadmill at 8%"),
        ({"incline_percent": Decimal("7.50")}, "30 min uphill walk on the treadmill at 7.5%"),
        (
            {
                "activity": Activity.WALK_RUN,
                "duration_min": 20,
                "run_interval_sec": 60,
                "walk_interval_sec": 90,
                "repeats": 8,
            },
            "20 min uphill walk–run on the treadmill at 8% (run 1 min, walk 90 s, 8 times)",
        ),
        (
            {
                "activity": Activity.RUN,
                "terrain": Terrain.FLAT,
                "surface": Surface.ROAD,
                "incline_percent": None,
            },
            "30 min flat run on the road",
        ),
        (
            {
                "activity": Activity.RUN,
                "terrain": Terrain.ROLLING,
                "surface": Surface.TRAIL,
                "incline_percent": None,
            },
            "30 min run over rolling hills on trails",
        ),
        (
            {
                "activity": Activity.RUN,
                "terrain": Terrain.FLAT,
                "surface": Surface.TRACK,
                "incline_percent": None,
                "duration_min": 20,
                "intensity": Intensity.HARD,
            },
            "20 min flat run on the track, hard effort",
        ),
        ({"surface": Surface.OTHER, "incline_percent": Decimal("0")}, "30 min uphill walk"),
    ],
)
def test_a_session_is_said_from_its_fields(fields: dict[str, Any], words: str) -> None:
    assert describe_suggestion(suggestion(**fields)) == words


def test_a_rest_day_is_said_without_any_session() -> None:
    rest = suggestion(
        activity=None,
        terrain=None,
        surface=None,
        incline_percent=None,
        duration_min=None,
        intensity=None,
        based_on_session_id=None,
        rest_day=True,
    )

    assert describe_suggestion(rest) == "rest or cross-train"


def test_missing_fields_are_left_out() -> None:
    bare = suggestion(activity=None, terrain=None, surface=None, incline_percent=None)

    assert describe_suggestion(bare) == "30 min session"
    assert describe_suggestion(suggestion(duration_min=None)) == (
        "uphill walk on the treadmill at 8%"
    )


# --- The phone ---------------------------------------------------------------------------


def test_the_phone_says_todays_session_in_the_athletes_words_and_never_the_reason(
    therapist: User,
) -> None:
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(2), duration_min=20)
    reason = reason_of(athlete)

    page = phone_home(athlete)

    assert "Today: 20 min uphill walk on the treadmill at 8%" in today_card(page)
    assert escape(reason) not in page
    assert reason not in page
    assert "You have met the gate" not in page
    # The PT's page does say it: the phone leaves out words that exist.
    assert escape(reason) in pt_card(therapist, athlete)


def test_when_the_gate_is_met_the_phone_says_the_pt_decides_and_keeps_to_this_stage(
    therapist: User,
) -> None:
    athlete = gate_met(therapist)
    reason = reason_of(athlete)

    card = today_card(phone_home(athlete))

    assert "You have met the gate for the next stage." in card
    assert "Your PT will decide on the next stage" in card
    assert "Today: 30 min uphill walk on the treadmill at 8%" in card
    assert "walk–run" not in card
    assert escape(reason) not in card
    log_form = phone_of(athlete).get("/m/log/").content.decode()
    assert 'name="activity" value="walk" checked' in log_form
    assert 'name="activity" value="walk_run" checked' not in log_form


def test_on_a_rest_day_the_phone_says_rest_and_that_the_pt_was_alerted(
    therapist: User,
) -> None:
    athlete = rest_day(therapist)
    reason = reason_of(athlete)

    page = phone_home(athlete)
    card = today_card(page)

    assert "Today: rest or cross-train. Your PT has been alerted." in card
    assert " min " not in card
    assert METRONOME_LINK not in card
    assert escape(reason) not in page


def test_on_a_rest_day_the_log_form_fills_in_only_the_date(therapist: User) -> None:
    athlete = rest_day(therapist)

    form = phone_of(athlete).get("/m/log/").content.decode()

    assert f'name="date" value="{TODAY.isoformat()}"' in form
    assert 'name="client_id"' in form
    assert " checked" not in form
    assert 'id="id_duration_min" min="1" max="300" value=""' in form


def test_the_metronome_is_not_offered_for_a_walk(therapist: User) -> None:
    card = today_card(phone_home(athlete_in(therapist)))

    assert "Today: 20 min uphill walk on the treadmill at 5%" in card
    assert METRONOME_LINK not in card
    assert "<strong>179</strong> steps/min" in card


def test_the_metronome_is_offered_for_a_run(therapist: User) -> None:
    athlete = athlete_in(therapist, "flat_run")
    SessionLogFactory(athlete=athlete, date=days_ago(2), flat_run=True, duration_min=20)

    card = today_card(phone_home(athlete))

    assert "Today: 20 min flat run on the road" in card
    assert METRONOME_LINK in card


def test_the_metronome_is_offered_for_a_walk_run(therapist: User) -> None:
    card = today_card(phone_home(athlete_in(therapist, "uphill_jog")))

    assert "uphill walk–run" in card
    assert METRONOME_LINK in card


def test_after_the_pt_advances_the_phone_starts_the_next_stage(therapist: User) -> None:
    athlete = gate_met(therapist)
    offered = athlete_progression(athlete).next_stage_first_session
    assert offered is not None

    stage_review_decide(athlete=athlete, decision="advance", reviewed_by=therapist)
    card = today_card(phone_home(athlete))

    assert f"Today: {describe_suggestion(offered)}" in card
    assert "uphill walk–run on the treadmill at 8%" in card
    assert "You have met the gate" not in card
    assert METRONOME_LINK in card


# --- The PT page -------------------------------------------------------------------------


def test_the_pt_page_calls_a_first_session_the_entry_session(therapist: User) -> None:
    card = pt_card(therapist, athlete_in(therapist))

    assert changes_row(card) == "entry session"
    assert "nothing (first session)" not in card


def test_a_back_off_to_the_entry_session_names_what_differs_from_the_last_session(
    therapist: User,
) -> None:
    athlete = athlete_in(therapist)
    # Not settled by the next morning (4 > 2), and nothing tolerated before it.
    SessionLogFactory(athlete=athlete, date=days_ago(3), pain_next_morning=4)

    card = pt_card(therapist, athlete)

    assert changes_row(card) == "entry session (duration differs from the last session)"
    assert "<dt>Duration</dt><dd>20 min at 5.0%</dd>" in card


def test_the_pt_page_calls_a_level_done_once_a_repeat(therapist: User) -> None:
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(2), duration_min=20)

    assert changes_row(pt_card(therapist, athlete)) == "repeat"


def test_the_pt_page_names_the_variable_a_step_up_changes(therapist: User) -> None:
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(4), duration_min=20)
    SessionLogFactory(athlete=athlete, date=days_ago(2), duration_min=20)

    card = pt_card(therapist, athlete)

    assert changes_row(card) == SessionVariable.DURATION.label
    assert "<dt>Duration</dt><dd>25 min at 8.0%</dd>" in card


def test_on_advance_the_pt_page_shows_what_advancing_would_start_apart(
    therapist: User,
) -> None:
    athlete = gate_met(therapist)
    offered = athlete_progression(athlete).next_stage_first_session
    assert offered is not None

    card = pt_card(therapist, athlete)
    current, _, if_advance = card.partition('<div class="if-advance"')

    # This stage's suggestion: the gate session again, said as a repeat.
    assert "<dt>Activity</dt><dd>Walk, uphill, treadmill</dd>" in current
    assert changes_row(current) == "repeat"
    # Apart, beneath it: the next stage's first session.
    assert "Next stage: Uphill jogging (walk–run)" in if_advance
    assert f"If you advance: {describe_suggestion(offered)}." in if_advance
    assert "uphill walk–run on the treadmill at 8%" in if_advance


def test_without_advance_the_pt_page_shows_no_next_stage_session(therapist: User) -> None:
    athlete = athlete_in(therapist)
    SessionLogFactory(athlete=athlete, date=days_ago(2))

    assert "If you advance" not in pt_card(therapist, athlete)


def test_on_a_rest_day_the_pt_page_says_rest_with_the_reason_and_no_session(
    therapist: User,
) -> None:
    athlete = rest_day(therapist)
    reason = reason_of(athlete)

    card = pt_card(therapist, athlete)

    assert "Rest day or cross-training." in card
    assert escape(reason) in card
    assert "<dt>" not in card
    assert "If you advance" not in card
