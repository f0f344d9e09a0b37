"""A gate is met when the two most recent qualifying sessions of the last 14 days are tolerated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from progressions.rules import (
    AthleteSettings,
    describe_gate,
    evaluate_gate,
    gate_met,
    gate_min_minutes,
)
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    CriterionCode,
    Gate,
    Intensity,
    StageCode,
    Surface,
    Terrain,
    stage_definition,
)
from tests.rules.builders import LONG_AGO, TODAY, day, run, session, settings, walk_run


def _gate(stage: StageCode) -> Gate:
    gate = stage_definition(stage).gate
    assert gate is not None
    return gate


def _met(stage: StageCode, sessions: list[Any], **kwargs: Any) -> bool:
    return gate_met(
        _gate(stage),
        sessions=sessions,
        settings=kwargs.pop("athlete", AthleteSettings()),
        stage_since=kwargs.pop("since", LONG_AGO),
        today=kwargs.pop("today", TODAY),
    )


# --- Minimum duration at, just below and just above each threshold ---------------------

_UPHILL_WALK: dict[str, Any] = {}
_UPHILL_JOG: dict[str, Any] = {
    "activity": Activity.WALK_RUN,
    "run_interval_sec": 60,
    "walk_interval_sec": 120,
    "repeats": 10,
}
_FLAT_RUN: dict[str, Any] = {
    "activity": Activity.RUN,
    "terrain": Terrain.FLAT,
    "surface": Surface.ROAD,
}
_HILLS: dict[str, Any] = {**_FLAT_RUN, "terrain": Terrain.ROLLING, "intensity": Intensity.EASY}
_SPEED: dict[str, Any] = {**_FLAT_RUN, "surface": Surface.TRACK, "intensity": Intensity.HARD}


@pytest.mark.parametrize(
    ("stage", "kind", "minutes", "met"),
    [
        (StageCode.UPHILL_WALK, _UPHILL_WALK, 29, False),
        (StageCode.UPHILL_WALK, _UPHILL_WALK, 30, True),
        (StageCode.UPHILL_WALK, _UPHILL_WALK, 31, True),
        (StageCode.UPHILL_JOG, _UPHILL_JOG, 29, False),
        (StageCode.UPHILL_JOG, _UPHILL_JOG, 30, True),
        (StageCode.UPHILL_JOG, _UPHILL_JOG, 31, True),
        (StageCode.UPHILL_JOG, {**_UPHILL_JOG, "activity": Activity.RUN}, 30, True),
        (StageCode.FLAT_RUN, _FLAT_RUN, 29, False),
        (StageCode.FLAT_RUN, _FLAT_RUN, 30, True),
        (StageCode.FLAT_RUN, _FLAT_RUN, 31, True),
        (StageCode.HILLS_TRAILS, _HILLS, 29, False),
        (StageCode.HILLS_TRAILS, _HILLS, 30, True),
        (StageCode.HILLS_TRAILS, _HILLS, 31, True),
        (StageCode.SPEED_WORK, _SPEED, 19, False),
        (StageCode.SPEED_WORK, _SPEED, 20, True),
        (StageCode.SPEED_WORK, _SPEED, 21, True),
    ],
)
def test_each_gate_needs_its_minimum_duration(
    stage: StageCode, kind: dict[str, Any], minutes: int, met: bool
) -> None:
    sessions = [session(2, **kind, duration_min=minutes), session(1, **kind, duration_min=minutes)]
    assert _met(stage, sessions) is met


@pytest.mark.parametrize(
    ("walk_gate_minutes", "minutes", "met"),
    [
        (30, 30, True),
        (35, 34, False),
        (35, 35, True),
        (45, 44, False),
        (45, 45, True),
        (45, 46, True),
    ],
)
def test_the_walk_gate_reads_the_athletes_30_to_45_minute_setting(
    walk_gate_minutes: int, minutes: int, met: bool
) -> None:
    athlete = settings(walk_gate_minutes=walk_gate_minutes)
    sessions = [session(2, duration_min=minutes), session(1, duration_min=minutes)]
    assert _met(StageCode.UPHILL_WALK, sessions, athlete=athlete) is met


def test_the_walk_gate_setting_does_not_change_the_other_gates() -> None:
    athlete = settings(walk_gate_minutes=45)
    sessions = [walk_run(2), walk_run(1)]
    assert _met(StageCode.UPHILL_JOG, sessions, athlete=athlete) is True


@pytest.mark.parametrize(
    ("pain", "gate_pain_max", "met"),
    [(2, 2, True), (3, 2, False), (0, 0, True), (1, 0, False), (3, 3, True), (4, 3, False)],
)
def test_both_gate_sessions_need_pain_at_most_the_gate_max(
    pain: int, gate_pain_max: int, met: bool
) -> None:
    athlete = settings(gate_pain_max=gate_pain_max)
    painful = {"pain_during": pain, "pain_after": pain, "pain_next_morning": pain}
    sessions = [session(2, **painful), session(1, **painful)]
    assert _met(StageCode.UPHILL_WALK, sessions, athlete=athlete) is met


# --- Which sessions match a gate -----------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "kind"),
    [
        (StageCode.UPHILL_WALK, {"terrain": Terrain.FLAT}),
        (StageCode.UPHILL_WALK, {"activity": Activity.WALK_RUN}),
        (StageCode.UPHILL_JOG, {"activity": Activity.WALK}),
        (StageCode.UPHILL_JOG, {**_UPHILL_JOG, "terrain": Terrain.FLAT}),
        (StageCode.FLAT_RUN, {**_UPHILL_JOG, "terrain": Terrain.FLAT}),  # walk–run is not a run
        (StageCode.FLAT_RUN, {**_FLAT_RUN, "terrain": Terrain.UPHILL}),
        (StageCode.HILLS_TRAILS, {**_HILLS, "intensity": Intensity.MODERATE}),
        (StageCode.HILLS_TRAILS, {**_HILLS, "intensity": None}),
        (StageCode.HILLS_TRAILS, {**_HILLS, "terrain": Terrain.FLAT}),
        (StageCode.SPEED_WORK, {**_SPEED, "intensity": Intensity.MODERATE}),
        (StageCode.SPEED_WORK, {**_SPEED, "activity": Activity.CROSS_TRAINING}),
    ],
)
def test_sessions_of_another_kind_do_not_count(stage: StageCode, kind: dict[str, Any]) -> None:
    assert _met(stage, [session(2, **kind), session(1, **kind)]) is False


@pytest.mark.parametrize(
    "terrain", [Terrain.FLAT, Terrain.UPHILL, Terrain.ROLLING, Terrain.DOWNHILL]
)
def test_the_speed_gate_names_no_terrain_so_any_terrain_counts(terrain: Terrain) -> None:
    kind = {**_SPEED, "terrain": terrain}
    sessions = [session(2, **kind), session(1, **kind)]
    assert _met(StageCode.SPEED_WORK, sessions) is True


def test_attributes_a_gate_does_not_name_are_ignored() -> None:
    sessions = [
        session(2, surface=Surface.ROAD, incline_percent=None, intensity=Intensity.HARD),
        session(1, surface=Surface.TRAIL, incline_percent=Decimal("12.0"), cadence_spm=120),
    ]
    assert _met(StageCode.UPHILL_WALK, sessions) is True


# --- The two most recent decide; shorter ones neither help nor hurt -------------------------


def test_one_qualifying_session_is_not_enough() -> None:
    assert _met(StageCode.UPHILL_WALK, [session(1)]) is False


def test_a_shorter_tolerated_session_between_two_qualifying_ones_neither_helps_nor_hurts() -> None:
    calm_short = session(2, duration_min=15, pain_during=0, pain_after=0, pain_next_morning=0)
    assert _met(StageCode.UPHILL_WALK, [session(3), calm_short, session(1)]) is True


@pytest.mark.parametrize(
    "blocking",
    [
        {"pain_during": 3},
        {"pain_after": 3},
        {"pain_next_morning": 3},
        {"pain_before": 3},  # the safer reading of "a known pain score"
        {"stopped_early": True},
    ],
)
def test_a_short_painful_session_cannot_help_the_gate_but_blocks_it(
    blocking: dict[str, Any],
) -> None:
    calm = {"pain_before": 0, "pain_during": 1, "pain_after": 1, "pain_next_morning": 1}
    painful_short = session(2, duration_min=15, **{**calm, **blocking})
    assert _met(StageCode.UPHILL_WALK, [session(3), painful_short, session(1)]) is False


def test_a_painful_session_before_the_older_of_the_two_does_not_block() -> None:
    painful_short = session(4, duration_min=15, pain_during=4)
    assert _met(StageCode.UPHILL_WALK, [painful_short, session(3), session(1)]) is True


def test_a_painful_cross_training_session_does_not_block_the_gate() -> None:
    # Only running-type sessions (walk, walk–run, run) load the knee the gate is about.
    bike = session(2, activity=Activity.CROSS_TRAINING, terrain=None, pain_during=4)
    assert _met(StageCode.UPHILL_WALK, [session(3), bike, session(1)]) is True


def test_a_short_tolerated_session_does_not_make_up_the_second_one() -> None:
    assert _met(StageCode.UPHILL_WALK, [session(3, duration_min=29), session(1)]) is False


def test_the_two_most_recent_decide_over_older_tolerated_ones() -> None:
    sessions = [session(5), session(4), session(2, pain_during=3), session(1)]
    assert _met(StageCode.UPHILL_WALK, sessions) is False


def test_an_older_painful_session_no_longer_counts_once_two_newer_are_tolerated() -> None:
    sessions = [session(5, pain_during=4), session(2), session(1)]
    assert _met(StageCode.UPHILL_WALK, sessions) is True


def test_two_sessions_on_one_day_share_one_next_morning_and_count_once() -> None:
    fine_earlier = session(1, recorded_seq=10)
    fine_later = session(1, recorded_seq=30)
    assert _met(StageCode.UPHILL_WALK, [fine_earlier, fine_later]) is False
    assert _met(StageCode.UPHILL_WALK, [session(3), fine_earlier, fine_later]) is True


def test_on_the_same_date_the_later_recorded_session_is_the_one_that_counts() -> None:
    painful = session(1, recorded_seq=20, pain_during=3)
    fine_earlier = session(1, recorded_seq=10)
    fine_later = session(1, recorded_seq=30)
    # The painful one blocks whatever its place; with it recorded last it also decides.
    assert _met(StageCode.UPHILL_WALK, [session(3), fine_later, painful]) is False
    assert _met(StageCode.UPHILL_WALK, [session(3), painful, fine_later, fine_earlier]) is False
    criterion = evaluate_gate(
        stage_definition(StageCode.UPHILL_WALK).gate,
        sessions=[session(3, id=300), fine_earlier, fine_later],
        settings=AthleteSettings(),
        stage_since=LONG_AGO,
        today=TODAY,
    )
    assert criterion.evidence == (fine_later.id, 300)


def test_input_order_does_not_matter() -> None:
    sessions = [session(1), session(9, pain_after=4), session(2)]
    assert _met(StageCode.UPHILL_WALK, sessions) is True
    assert _met(StageCode.UPHILL_WALK, list(reversed(sessions))) is True


def test_a_missing_next_morning_pain_keeps_the_gate_closed() -> None:
    sessions = [session(2), session(0, pain_next_morning=None)]
    assert _met(StageCode.UPHILL_WALK, sessions) is False


def test_the_gate_opens_once_the_next_morning_pain_arrives() -> None:
    sessions = [session(2), session(1, pain_next_morning=2)]
    assert _met(StageCode.UPHILL_WALK, sessions) is True


# --- Windows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("older", "met"), [(12, True), (13, True), (14, False), (30, False)])
def test_the_14_day_window_is_today_and_the_13_days_before(older: int, met: bool) -> None:
    assert _met(StageCode.UPHILL_WALK, [session(older), session(0)]) is met


def test_sessions_after_today_do_not_count() -> None:
    assert _met(StageCode.UPHILL_WALK, [session(1), session(-1)]) is False


@pytest.mark.parametrize(("since_days_ago", "met"), [(3, True), (2, False), (1, False)])
def test_sessions_before_the_last_stage_change_are_ignored(since_days_ago: int, met: bool) -> None:
    sessions = [session(3), session(1)]
    assert _met(StageCode.UPHILL_WALK, sessions, since=day(since_days_ago)) is met


def test_a_painful_session_before_the_stage_change_does_not_hurt() -> None:
    sessions = [session(5, pain_during=4), session(3), session(1)]
    assert _met(StageCode.UPHILL_WALK, sessions, since=day(4)) is True


# --- The criterion -------------------------------------------------------------------------


def test_the_criterion_lists_the_two_deciding_sessions_newest_first() -> None:
    older, short, newer, newest = session(6), session(4, duration_min=10), session(3), session(1)
    criterion = evaluate_gate(
        _gate(StageCode.UPHILL_WALK),
        sessions=[newest, older, short, newer],
        settings=AthleteSettings(),
        stage_since=LONG_AGO,
        today=TODAY,
    )
    assert criterion.code == CriterionCode.GATE
    assert criterion.met is True
    assert criterion.evidence == (newest.id, newer.id)


def test_a_closed_gate_still_shows_the_sessions_it_looked_at() -> None:
    only = session(1)
    criterion = evaluate_gate(
        _gate(StageCode.UPHILL_WALK),
        sessions=[only],
        settings=AthleteSettings(),
        stage_since=LONG_AGO,
        today=TODAY,
    )
    assert (criterion.met, criterion.evidence) == (False, (only.id,))


@pytest.mark.parametrize(
    ("stage", "athlete", "sentence"),
    [
        (
            StageCode.UPHILL_WALK,
            AthleteSettings(walk_gate_minutes=40, gate_pain_max=1),
            "2 most recent uphill walks of ≥ 40 min in the last 14 days (since the last stage "
            "change) tolerated: pain ≤ 1 during, after and next morning, not stopped early",
        ),
        (
            StageCode.UPHILL_JOG,
            AthleteSettings(),
            "2 most recent uphill walk–runs or runs of ≥ 30 min",
        ),
        (StageCode.FLAT_RUN, AthleteSettings(), "2 most recent flat runs of ≥ 30 min"),
        (
            StageCode.HILLS_TRAILS,
            AthleteSettings(),
            "2 most recent easy rolling-hill runs of ≥ 30 min",
        ),
        (StageCode.SPEED_WORK, AthleteSettings(), "2 most recent hard runs of ≥ 20 min"),
    ],
)
def test_the_gate_reads_as_a_sentence_with_its_numbers(
    stage: StageCode, athlete: AthleteSettings, sentence: str
) -> None:
    assert describe_gate(_gate(stage), athlete).startswith(sentence)


def test_a_gate_without_a_minimum_accepts_any_duration() -> None:
    gate = Gate(
        activities=frozenset({Activity.CROSS_TRAINING, Activity.STRENGTH}),
        terrain=None,
        intensity=None,
        min_minutes=None,
    )
    assert gate_min_minutes(gate, AthleteSettings()) == 1
    assert "cross-training sessions or strength sessions of ≥ 1 min" in describe_gate(
        gate, AthleteSettings()
    )
    sessions = [
        session(2, activity=Activity.CROSS_TRAINING, duration_min=1),
        run(1, activity=Activity.STRENGTH, duration_min=1),
    ]
    assert gate_met(
        gate, sessions=sessions, settings=AthleteSettings(), stage_since=LONG_AGO, today=TODAY
    )


def test_the_default_ladder_has_a_gate_on_every_stage_but_the_last() -> None:
    assert [definition.gate is None for definition in DEFAULT_LADDER] == [False] * 5 + [True]
