"""Properties over any valid history: one variable at a time, never a stage jump."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progressions.rules import (
    AthleteSettings,
    PainScoreRecord,
    Progression,
    SessionRecord,
    changed_variables,
    evaluate,
    last_running_session,
    session_level,
)
from progressions.rules.protocol import (
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    INCLINE_MAX_PERCENT,
    INCLINE_MIN_PERCENT,
    RUNNING_TYPE_ACTIVITIES,
    Activity,
    Intensity,
    Recommendation,
    StageCode,
    Surface,
    Terrain,
    stage_definition,
)
from progressions.rules.suggestion_protocol import ENTRY_SESSIONS
from tests.rules.builders import TODAY, day

_RANK = list(StageCode).index
_pain = st.integers(0, 10)
_low_pain = st.integers(0, 3)


def _intervals(draw: st.DrawFn, activity: Activity, duration_min: int) -> dict[str, Any]:
    """Draw run/walk intervals for a walk–run whose total fits the duration (SPEC §2)."""
    none = {"run_interval_sec": None, "walk_interval_sec": None, "repeats": None}
    if activity != Activity.WALK_RUN or not draw(st.booleans()):
        return none
    run_sec = draw(st.sampled_from([30, 60, 90, 120, 180, 240, 300, 360]))
    walk_sec = draw(st.sampled_from([30, 60, 90, 120]))
    most = duration_min * 60 // (run_sec + walk_sec)
    if most < 1:
        return none
    repeats = draw(st.integers(1, most))
    return {"run_interval_sec": run_sec, "walk_interval_sec": walk_sec, "repeats": repeats}


@st.composite
def any_session_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Draw any session SPEC §2 accepts."""
    activity = draw(st.sampled_from(list(Activity)))
    running = activity in RUNNING_TYPE_ACTIVITIES
    duration = draw(st.integers(DURATION_MIN_MINUTES, DURATION_MAX_MINUTES))
    tenths = st.integers(INCLINE_MIN_PERCENT * 10, INCLINE_MAX_PERCENT * 10)
    return {
        "activity": activity,
        "terrain": draw(
            st.sampled_from(list(Terrain)) if running else st.none() | st.sampled_from(Terrain)
        ),
        "surface": draw(st.none() | st.sampled_from(list(Surface))),
        "incline_percent": draw(st.none() | tenths.map(lambda t: Decimal(t) / 10)),
        "duration_min": duration,
        "intensity": draw(st.none() | st.sampled_from(list(Intensity))),
        "cadence_spm": draw(st.none() | st.integers(100, 230)),
        "pain_before": draw(st.none() | _pain),
        "pain_during": draw(_pain if running else st.none() | _pain),
        "pain_after": draw(st.none() | _pain),
        "pain_next_morning": draw(st.none() | _pain),
        "stopped_early": draw(st.booleans()),
        **_intervals(draw, activity, duration),
    }


@st.composite
def stage_session_fields(
    draw: st.DrawFn, stage: StageCode, pain_max: int | None = None
) -> dict[str, Any]:
    """Draw a session of the kind the stage's gate counts (tolerated when ``pain_max``)."""
    gate = stage_definition(stage).gate
    fields = draw(any_session_fields())
    pain = _low_pain if pain_max is None else st.integers(0, pain_max)
    fields.update(
        pain_during=draw(pain),
        pain_after=draw(pain),
        pain_next_morning=draw(pain if pain_max is not None else st.none() | pain),
        stopped_early=False,
    )
    if gate is None:
        fields.update(
            activity=Activity.RUN,
            terrain=draw(st.sampled_from(list(Terrain))),
            run_interval_sec=None,
            walk_interval_sec=None,
            repeats=None,
        )
        return fields
    activity = draw(st.sampled_from(sorted(gate.activities)))
    duration = draw(st.integers(20, 50))
    fields.update(
        activity=activity,
        terrain=gate.terrain or draw(st.sampled_from(list(Terrain))),
        intensity=gate.intensity or fields["intensity"],
        duration_min=duration,
        **_intervals(draw, activity, duration),
    )
    return fields


@dataclass(frozen=True)
class History:
    stage: StageCode
    stage_since: datetime.date
    settings: AthleteSettings
    sessions: list[SessionRecord]
    pain_scores: list[PainScoreRecord]


@st.composite
def histories(draw: st.DrawFn) -> History:
    """Draw one athlete's valid history: stage, settings, sessions and daily pain.

    Half the histories are "clean" (tolerated sessions of the stage's kind, no check-ins)
    so that gates open and ``advance`` is exercised as often as hold and back off.
    """
    stage = draw(st.sampled_from(list(StageCode)))
    athlete = AthleteSettings(
        walk_gate_minutes=draw(st.integers(30, 45)),
        gate_pain_max=draw(st.integers(0, 3)),
        preferred_cadence_spm=draw(st.none() | st.integers(120, 220)),
        target_cadence_spm=draw(st.none() | st.integers(120, 230)),
    )
    clean = draw(st.booleans())
    kinds = (
        stage_session_fields(stage, athlete.gate_pain_max)
        if clean
        else st.one_of(any_session_fields(), stage_session_fields(stage))
    )
    sessions = [
        SessionRecord(
            id=index + 1,
            date=day(draw(st.integers(-2, 30))),  # a few in the future: to be ignored
            recorded_seq=draw(st.integers(0, 40)),  # ties are broken by id
            **draw(kinds),
        )
        for index in range(draw(st.integers(0, 10)))
    ]
    checks = st.builds(PainScoreRecord, date=st.integers(-1, 20).map(day), score=_pain)
    scores = [] if clean else draw(st.lists(checks))
    return History(stage, day(draw(st.integers(0, 40))), athlete, sessions, scores)


def _evaluate(history: History, sessions: list[SessionRecord] | None = None) -> Progression:
    return evaluate(
        stage=history.stage,
        stage_since=history.stage_since,
        settings=history.settings,
        sessions=history.sessions if sessions is None else sessions,
        pain_scores=history.pain_scores,
        today=TODAY,
    )


_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(histories())
def test_the_suggestion_changes_at_most_one_variable_and_never_jumps_a_stage(
    history: History,
) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    advancing = result.recommendation == Recommendation.ADVANCE
    target = result.next_stage.code if advancing and result.next_stage else history.stage

    # On advance the next stage only; otherwise the current stage.
    assert suggestion.stage == target
    assert _RANK(session_level(suggestion)) <= _RANK(target)

    anchor = last_running_session(history.sessions, today=TODAY)
    if anchor is None:
        assert suggestion.changed_variable is None
        assert suggestion.based_on_session_id is None
        assert suggestion.duration_min == ENTRY_SESSIONS[target].duration_min
        return
    changed = changed_variables(anchor, suggestion)
    assert len(changed) <= 1
    assert set(changed) <= {suggestion.changed_variable}


@_PROPERTY
@given(histories())
def test_the_suggestion_is_a_session_the_athlete_could_log(history: History) -> None:
    suggestion = _evaluate(history).suggested_next_session
    assert suggestion.activity in RUNNING_TYPE_ACTIVITIES
    assert suggestion.terrain is not None
    assert DURATION_MIN_MINUTES <= suggestion.duration_min <= DURATION_MAX_MINUTES
    if suggestion.incline_percent is not None:
        assert INCLINE_MIN_PERCENT <= suggestion.incline_percent <= INCLINE_MAX_PERCENT
    if suggestion.activity != Activity.WALK_RUN:
        assert suggestion.repeats is None
    if suggestion.repeats is not None:
        assert suggestion.run_interval_sec is not None
        assert suggestion.walk_interval_sec is not None
        total = (suggestion.run_interval_sec + suggestion.walk_interval_sec) * suggestion.repeats
        assert total <= suggestion.duration_min * 60
    assert suggestion.reason.endswith(".")


@_PROPERTY
@given(histories(), st.randoms(use_true_random=False))
def test_the_progression_follows_its_rules_whatever_the_input_order(
    history: History, random: Any
) -> None:
    result = _evaluate(history)
    shuffled = list(history.sessions)
    random.shuffle(shuffled)
    assert _evaluate(history, shuffled) == result

    assert (result.recommendation == Recommendation.BACK_OFF) == bool(result.red_flags)
    if result.next_stage is None:
        assert result.recommendation != Recommendation.ADVANCE
    counted = {s.id for s in history.sessions if history.stage_since <= s.date <= TODAY}
    for criterion in result.criteria:
        assert set(criterion.evidence) <= counted
    for warning in result.warnings:
        assert warning.session_id in counted
        assert len(warning.variables) >= 2
    json.dumps(result.as_dict())
