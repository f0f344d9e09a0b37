"""The protocol as data: codes, the ladder, and the suggestion data agreeing with it."""

from __future__ import annotations

import pytest

from progressions.rules import SuggestedSession, entry_session, fits_shape, session_level
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    Activity,
    Intensity,
    RedFlagCode,
    SessionVariable,
    StageCode,
    Terrain,
    next_stage_in,
    stage_definition,
    stage_in,
)
from progressions.rules.suggestion_protocol import ENTRY_SESSIONS, STAGE_SHAPES, WALK_RUN_LEVELS
from tests.rules.builders import run, session, walk_run


def test_choices_pair_each_code_with_its_label_in_order() -> None:
    assert StageCode.choices()[:2] == [
        ("uphill_walk", "Uphill walking"),
        ("uphill_jog", "Uphill jogging (walk–run)"),
    ]
    assert [code for code, _ in RedFlagCode.choices()] == [
        "pain_above_ceiling",
        "pain_not_settled",
        "rest_pain_high",
        "pain_rising_week_to_week",
        "stopped_early",
    ]
    assert [str(v) for v in SessionVariable] == [
        "activity",
        "terrain",
        "surface",
        "incline",
        "duration",
        "intensity",
        "intervals",
        "cadence",
    ]


def test_an_unknown_stage_code_is_a_key_error() -> None:
    assert stage_definition("flat_run").order == 3
    with pytest.raises(KeyError):
        stage_definition("marathon")
    with pytest.raises(KeyError):
        stage_in(DEFAULT_LADDER, "marathon")


def test_the_ladder_runs_in_order_and_ends_at_full_training() -> None:
    assert [d.order for d in DEFAULT_LADDER] == [1, 2, 3, 4, 5, 6]
    assert next_stage_in(DEFAULT_LADDER, StageCode.SPEED_WORK) == DEFAULT_LADDER[-1]
    assert next_stage_in(DEFAULT_LADDER, StageCode.FULL_TRAINING) is None


@pytest.mark.parametrize(
    ("record", "level"),
    [
        (session(1), StageCode.UPHILL_WALK),
        (session(1, terrain=Terrain.FLAT, intensity=Intensity.HARD), StageCode.UPHILL_WALK),
        (walk_run(1), StageCode.UPHILL_JOG),
        (run(1, terrain=Terrain.UPHILL), StageCode.UPHILL_JOG),
        (walk_run(1, terrain=Terrain.FLAT), StageCode.FLAT_RUN),
        (run(1), StageCode.FLAT_RUN),
        (run(1, terrain=None), StageCode.FLAT_RUN),
        (run(1, terrain=Terrain.ROLLING), StageCode.HILLS_TRAILS),
        (run(1, terrain=Terrain.DOWNHILL, intensity=Intensity.MODERATE), StageCode.HILLS_TRAILS),
        (walk_run(1, terrain=Terrain.ROLLING), StageCode.HILLS_TRAILS),
        (run(1, intensity=Intensity.HARD), StageCode.SPEED_WORK),
        (walk_run(1, intensity=Intensity.HARD), StageCode.SPEED_WORK),
    ],
)
def test_every_running_session_belongs_to_the_earliest_stage_that_trains_it(
    record: object, level: StageCode
) -> None:
    assert session_level(record) == level  # type: ignore[arg-type]


@pytest.mark.parametrize("stage", list(StageCode))
def test_each_entry_session_fits_its_stage_and_is_a_valid_session(stage: StageCode) -> None:
    entry: SuggestedSession = entry_session(stage, reason="")
    assert fits_shape(entry, STAGE_SHAPES[stage])
    rank = list(StageCode).index
    assert rank(session_level(entry)) <= rank(stage)
    if stage != StageCode.FULL_TRAINING:
        assert session_level(entry) == stage
    assert DURATION_MIN_MINUTES <= entry.duration_min <= DURATION_MAX_MINUTES
    if entry.activity == Activity.WALK_RUN:
        assert entry.run_interval_sec is not None
        assert entry.walk_interval_sec is not None
        assert entry.repeats is not None
        total = (entry.run_interval_sec + entry.walk_interval_sec) * entry.repeats
        assert total <= entry.duration_min * 60  # SPEC §2: intervals fit the duration


def test_every_stage_has_a_shape_and_an_entry_session() -> None:
    assert set(STAGE_SHAPES) == set(ENTRY_SESSIONS) == set(StageCode)


def test_walk_run_levels_lengthen_the_run_bout_each_step() -> None:
    runs = [run_sec for run_sec, _ in WALK_RUN_LEVELS]
    assert runs == sorted(set(runs))
    assert ENTRY_SESSIONS[StageCode.UPHILL_JOG].run_interval_sec == WALK_RUN_LEVELS[0][0]
