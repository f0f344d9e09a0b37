"""The progression: back off on any red flag, else advance on a met gate, else hold."""

from __future__ import annotations

import dataclasses
import itertools
import json
from decimal import Decimal

import pytest

from progressions.rules import (
    AthleteSettings,
    Criterion,
    RedFlag,
    StageInfo,
    evaluate,
    recommend,
)
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    CriterionCode,
    Gate,
    Recommendation,
    RedFlagCode,
    StageCode,
    StageDefinition,
    stage_in,
)
from tests.rules.builders import TODAY, day, pain, progression, run, session


def _gate(met: bool) -> Criterion:
    return Criterion(code=CriterionCode.GATE, description="", met=met, evidence=())


_FLAG = RedFlag(code=RedFlagCode.STOPPED_EARLY, description="", session_ids=(), dates=())


@pytest.mark.parametrize(
    ("red_flags", "gate", "recommendation"),
    [
        ((), _gate(met=True), Recommendation.ADVANCE),
        ((), _gate(met=False), Recommendation.HOLD),
        ((_FLAG,), _gate(met=True), Recommendation.BACK_OFF),
        ((_FLAG,), _gate(met=False), Recommendation.BACK_OFF),
        ((), None, Recommendation.HOLD),  # the last stage has no gate
        ((_FLAG,), None, Recommendation.BACK_OFF),
    ],
)
def test_a_red_flag_wins_then_the_gate_decides(
    red_flags: tuple[RedFlag, ...], gate: Criterion | None, recommendation: Recommendation
) -> None:
    assert recommend(red_flags=red_flags, gate=gate) == recommendation


def test_a_new_athlete_holds_with_the_gate_open_and_no_red_flags() -> None:
    result = progression([])
    assert result.recommendation == Recommendation.HOLD
    assert [(c.code, c.met, c.evidence) for c in result.criteria] == [
        (CriterionCode.GATE, False, ()),
        (CriterionCode.NO_RED_FLAGS, True, ()),
    ]
    assert result.red_flags == ()
    assert result.warnings == ()


def test_two_tolerated_gate_sessions_recommend_advancing() -> None:
    first, second = session(3), session(1)
    result = progression([second, first])
    assert result.recommendation == Recommendation.ADVANCE
    assert result.criteria[0].evidence == (second.id, first.id)


@pytest.mark.parametrize(
    ("pain_during", "recommendation"),
    [
        (2, Recommendation.ADVANCE),  # at the gate max
        (3, Recommendation.HOLD),  # above it: not tolerated, not a red flag
        (5, Recommendation.HOLD),  # at the ceiling: still not a red flag
        (6, Recommendation.BACK_OFF),  # past the ceiling
    ],
)
def test_the_pain_of_the_last_gate_session_decides_between_advance_hold_and_back_off(
    pain_during: int, recommendation: Recommendation
) -> None:
    result = progression([session(3), session(1, pain_during=pain_during)])
    assert result.recommendation == recommendation


def test_a_red_flag_turns_a_met_gate_into_back_off() -> None:
    # Rest pain: not a session, so the gate itself stays met; the flag still backs off.
    result = progression([session(3), session(2)], pain_scores=[pain(1, 6)])
    assert result.recommendation == Recommendation.BACK_OFF
    assert [c.met for c in result.criteria] == [True, False]


def test_a_short_session_stopped_early_blocks_the_gate_and_backs_off() -> None:
    result = progression([session(3), session(2), session(1, duration_min=10, stopped_early=True)])
    assert result.recommendation == Recommendation.BACK_OFF
    assert [c.met for c in result.criteria] == [False, False]


def test_rising_pain_from_before_the_stage_change_still_backs_off() -> None:
    result = progression(
        [session(3), session(1)],
        since=day(4),
        pain_scores=[pain(10, 0), pain(9, 0), pain(2, 4), pain(0, 4)],
    )
    assert [flag.code for flag in result.red_flags] == [RedFlagCode.PAIN_RISING_WEEK_TO_WEEK]
    assert result.recommendation == Recommendation.BACK_OFF


def test_a_session_red_flag_from_before_the_stage_change_is_ignored() -> None:
    result = progression([session(3, pain_during=8), session(2), session(1)], since=day(2))
    assert result.recommendation == Recommendation.ADVANCE


def test_the_red_flag_criterion_lists_the_sessions_it_looked_at() -> None:
    looked_at = [session(6), session(0)]
    result = progression([session(7), *looked_at, session(-1)])
    (_, no_flags) = result.criteria
    assert no_flags.evidence == (looked_at[1].id, looked_at[0].id)
    assert "pain during and after ≤ 5" in no_flags.description


@pytest.mark.parametrize(
    ("stage", "next_code"),
    [(a.code, b.code) for a, b in itertools.pairwise(DEFAULT_LADDER)],
)
def test_every_stage_but_the_last_names_the_next_one(
    stage: StageCode, next_code: StageCode
) -> None:
    result = progression([], stage=stage)
    assert result.next_stage == StageInfo.of(stage_in(DEFAULT_LADDER, next_code))
    assert result.next_stage.order == result.stage.order + 1


def test_the_last_stage_has_no_gate_and_no_next_stage_and_holds() -> None:
    result = progression([run(3), run(2), run(1)], stage=StageCode.FULL_TRAINING)
    assert result.stage == StageInfo(StageCode.FULL_TRAINING, "Back to full training", 6)
    assert result.next_stage is None
    assert [c.code for c in result.criteria] == [CriterionCode.NO_RED_FLAGS]
    assert result.recommendation == Recommendation.HOLD
    assert result.suggested_next_session.stage == StageCode.FULL_TRAINING


def test_the_last_stage_still_backs_off_on_a_red_flag() -> None:
    result = progression([run(1, pain_after=6)], stage=StageCode.FULL_TRAINING)
    assert result.recommendation == Recommendation.BACK_OFF


def test_the_progression_serialises_to_the_api_shape() -> None:
    last = session(1, incline_percent=Decimal("5.5"), stopped_early=True, cadence_spm=120)
    result = progression(
        [session(2, duration_min=60, terrain=None), last],
        athlete=AthleteSettings(preferred_cadence_spm=170),
    )
    data = json.loads(json.dumps(result.as_dict()))
    assert list(data) == [
        "as_of",
        "stage",
        "next_stage",
        "recommendation",
        "criteria",
        "red_flags",
        "warnings",
        "cadence",
        "suggested_next_session",
        "next_stage_first_session",
    ]
    assert data["as_of"] == TODAY.isoformat()
    assert data["stage"] == {"code": "uphill_walk", "name": "Uphill walking", "order": 1}
    assert data["next_stage"]["code"] == "uphill_jog"
    assert data["recommendation"] == "back_off"
    assert list(data["criteria"][0]) == ["code", "description", "met", "evidence"]
    assert data["red_flags"] == [
        {
            "code": "stopped_early",
            "description": "1 session in the last 7 days stopped early or changed gait because "
            "of pain.",
            "session_ids": [last.id],
            "dates": [day(1).isoformat()],
        }
    ]
    assert data["warnings"][0]["code"] == "multiple_variables_changed"
    assert data["warnings"][0]["variables"] == ["terrain", "duration"]
    assert data["cadence"]["target_spm"] == 179
    suggestion = data["suggested_next_session"]
    assert suggestion["rest_day"] is True  # stopped early yesterday: rule 1
    assert (suggestion["activity"], suggestion["stage"]) == (None, "uphill_walk")
    assert data["next_stage_first_session"] is None
    held = progression([dataclasses.replace(last, stopped_early=False)])
    assert held.as_dict()["suggested_next_session"]["incline_percent"] == "5.5"
    assert progression([], stage=StageCode.FULL_TRAINING).as_dict()["next_stage"] is None


def test_a_custom_ladder_is_followed() -> None:
    walking_only = Gate(
        activities=frozenset({Activity.WALK}), terrain=None, intensity=None, min_minutes=10
    )
    ladder = (
        StageDefinition(StageCode.UPHILL_WALK, 1, walking_only),
        StageDefinition(StageCode.FULL_TRAINING, 2, None),
    )
    result = evaluate(
        stage=StageCode.UPHILL_WALK,
        stage_since=day(30),
        settings=AthleteSettings(),
        sessions=[session(2, duration_min=10), session(1, duration_min=10)],
        pain_scores=[],
        today=TODAY,
        ladder=ladder,
    )
    assert result.recommendation == Recommendation.ADVANCE
    assert result.next_stage == StageInfo(StageCode.FULL_TRAINING, "Back to full training", 2)
    assert result.suggested_next_session.stage == StageCode.UPHILL_WALK
    assert result.next_stage_first_session is not None
    assert result.next_stage_first_session.stage == StageCode.FULL_TRAINING


def test_a_stage_missing_from_the_ladder_is_an_error() -> None:
    with pytest.raises(KeyError):
        evaluate(
            stage=StageCode.SPEED_WORK,
            stage_since=day(30),
            settings=AthleteSettings(),
            sessions=[],
            pain_scores=[],
            today=TODAY,
            ladder=DEFAULT_LADDER[:2],
        )
