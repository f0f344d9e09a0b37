"""Properties over any valid history (issue 11): what the app may never advise.

The suggestion never belongs to the next stage; a back-off never exceeds the newest
red-flag session; a step up changes one variable and only after the level was tolerated
twice on different days; no ratchet; ``next_stage_first_session`` only on advance.
"""

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
    is_tolerated,
    session_level,
)
from progressions.rules.load import exceeds
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
from progressions.rules.records import StageStart, previous_running_session, running_predecessors
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
    start: StageStart
    settings: AthleteSettings
    sessions: list[SessionRecord]
    pain_scores: list[PainScoreRecord]

    def counting_running(self) -> list[SessionRecord]:
        """Return the counting running-type sessions up to today, oldest first."""
        return sorted(
            (
                s
                for s in self.sessions
                if s.is_running_type and s.date <= TODAY and self.start.counts(s)
            ),
            key=lambda s: s.order_key,
        )


def _at(date: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour), tzinfo=datetime.UTC)


@st.composite
def histories(draw: st.DrawFn) -> History:
    """Draw one athlete's valid history: stage, settings, sessions and daily pain.

    Half the histories are "clean" (tolerated sessions of the stage's kind, no check-ins)
    so that gates open and ``advance`` is exercised as often as hold and back off. Half
    have a recorded stage change, so sessions on its date count or not by recording time.
    """
    stage = draw(st.sampled_from(list(StageCode)))
    athlete = AthleteSettings(
        walk_gate_minutes=draw(st.integers(30, 45)),
        gate_pain_max=draw(st.integers(0, 3)),
        preferred_cadence_spm=draw(st.none() | st.integers(120, 220)),
        target_cadence_spm=draw(st.none() | st.integers(120, 230)),
        first_name=draw(st.sampled_from(["", "Ana"])),
    )
    clean = draw(st.booleans())
    kinds = (
        stage_session_fields(stage, athlete.gate_pain_max)
        if clean
        else st.one_of(any_session_fields(), stage_session_fields(stage))
    )
    sessions = []
    for index in range(draw(st.integers(0, 10))):
        date = day(draw(st.integers(-2, 30)))  # a few in the future: to be ignored
        sessions.append(
            SessionRecord(
                id=index + 1,
                date=date,
                recorded_seq=draw(st.integers(0, 40)),  # ties are broken by id
                recorded_at=_at(date, draw(st.integers(0, 23))),
                **draw(kinds),
            )
        )
    checks = st.builds(
        PainScoreRecord,
        date=st.integers(-1, 20).map(day),
        score=_pain,
        context=st.sampled_from(["morning", "rest", "other"]),
    )
    scores = [] if clean else draw(st.lists(checks))
    since = day(draw(st.integers(0, 40)))
    changed_at = draw(st.none() | st.integers(0, 23).map(lambda hour: _at(since, hour)))
    return History(stage, StageStart(since, changed_at), athlete, sessions, scores)


def _evaluate(history: History, sessions: list[SessionRecord] | None = None) -> Progression:
    return evaluate(
        stage=history.stage,
        stage_since=history.start.date,
        stage_changed_at=history.start.recorded_at,
        settings=history.settings,
        sessions=history.sessions if sessions is None else sessions,
        pain_scores=history.pain_scores,
        today=TODAY,
    )


_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(histories())
def test_the_suggestion_never_belongs_to_the_next_stage(history: History) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    assert suggestion.stage == history.stage
    if not suggestion.rest_day:
        assert _RANK(session_level(suggestion)) <= _RANK(history.stage)


@_PROPERTY
@given(histories())
def test_a_back_off_never_exceeds_the_newest_red_flag_session(history: History) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    flagged = {
        i
        for flag in result.red_flags
        if flag.code != "pain_rising_week_to_week"
        for i in flag.session_ids
    }
    running = [s for s in history.sessions if s.id in flagged and s.is_running_type]
    if suggestion.rest_day or not running:
        return
    newest = max(running, key=lambda s: s.order_key)
    assert exceeds(suggestion, newest) == []


@_PROPERTY
@given(histories())
def test_more_load_only_after_the_level_was_tolerated_twice_on_different_days(
    history: History,
) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    running = history.counting_running()
    if result.recommendation != Recommendation.HOLD or not running or suggestion.rest_day:
        return
    last = running[-1]
    changed = changed_variables(last, suggestion)
    assert len(changed) <= 1
    assert set(changed) <= {suggestion.changed_variable}
    if exceeds(suggestion, last):
        earlier = running[-2]
        pain_max = history.settings.gate_pain_max
        assert is_tolerated(earlier, pain_max)
        assert is_tolerated(last, pain_max)
        assert earlier.date != last.date
        assert changed_variables(earlier, last) == ()


@_PROPERTY
@given(histories())
def test_no_ratchet_a_session_tolerated_after_the_red_flags_is_not_cut_again(
    history: History,
) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    if result.recommendation != Recommendation.BACK_OFF or suggestion.rest_day:
        return
    pain_max = history.settings.gate_pain_max
    tolerated = [s for s in history.counting_running() if is_tolerated(s, pain_max)]
    newest_flag = max(day for flag in result.red_flags for day in flag.dates)
    if not tolerated or tolerated[-1].date <= newest_flag:
        return
    after = tolerated[-1]
    capping = [
        s
        for flag in result.red_flags
        for s in history.sessions
        if s.id in flag.session_ids and s.is_running_type
    ]
    cap = max(capping, key=lambda s: s.order_key).duration_min if capping else after.duration_min
    assert suggestion.duration_min is not None
    assert suggestion.duration_min >= min(after.duration_min, cap)


@_PROPERTY
@given(histories())
def test_the_next_stages_first_session_only_comes_with_advance(history: History) -> None:
    result = _evaluate(history)
    first = result.next_stage_first_session
    if result.recommendation != Recommendation.ADVANCE:
        assert first is None
        return
    assert result.next_stage is not None
    assert first is not None
    assert first.stage == result.next_stage.code
    assert _RANK(session_level(first)) <= _RANK(first.stage)


@_PROPERTY
@given(histories())
def test_the_suggestion_is_a_session_the_athlete_could_log_or_a_rest_day(history: History) -> None:
    suggestion = _evaluate(history).suggested_next_session
    if suggestion.rest_day:
        assert suggestion.activity is None
        assert suggestion.duration_min is None
        assert suggestion.changed_variable is None
        return
    assert suggestion.activity in RUNNING_TYPE_ACTIVITIES
    assert suggestion.terrain is not None
    assert suggestion.duration_min is not None
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
    counted = {s.id for s in history.sessions if s.date <= TODAY and history.start.counts(s)}
    for criterion in result.criteria:
        assert set(criterion.evidence) <= counted
    for warning in result.warnings:
        assert warning.session_id in counted
        assert len(warning.variables) >= 2
    json.dumps(result.as_dict())


@st.composite
def flag_then_tolerated(draw: st.DrawFn) -> History:
    """Draw a running session that raised a red flag, then tolerated sessions after it."""
    stage = draw(st.sampled_from(list(StageCode)))
    fields = draw(stage_session_fields(stage, pain_max=0))
    flag_day = draw(st.integers(2, 6))
    painful = SessionRecord(
        id=1,
        date=day(flag_day),
        recorded_seq=1,
        **{**fields, "pain_before": 0, "pain_during": draw(st.integers(6, 10))},
    )
    later = [
        SessionRecord(
            id=2 + index,
            date=day(days_ago),
            recorded_seq=2 + index,
            **{**draw(stage_session_fields(stage, pain_max=0)), "pain_before": 0},
        )
        for index, days_ago in enumerate(
            sorted(draw(st.lists(st.integers(0, flag_day - 1), min_size=1, max_size=4)))[::-1]
        )
    ]
    return History(stage, StageStart(day(30)), AthleteSettings(), [painful, *later], [])


@_PROPERTY
@given(flag_then_tolerated())
def test_no_ratchet_after_a_red_flag_session(history: History) -> None:
    result = _evaluate(history)
    suggestion = result.suggested_next_session
    assert result.recommendation == Recommendation.BACK_OFF
    newest = history.sessions[-1]
    assert suggestion.duration_min == min(newest.duration_min, history.sessions[0].duration_min)


@_PROPERTY
@given(histories())
def test_any_progression_reads_back_equal_from_its_json(history: History) -> None:
    result = _evaluate(history)

    assert Progression.from_dict(json.loads(json.dumps(result.as_dict()))) == result


@given(histories())
def test_each_sessions_previous_run_is_found_alike_by_scan_and_by_bisection(
    history: History,
) -> None:
    # The warnings look up every counted session's previous running-type session through
    # ``running_predecessors`` (sorted once); it must agree with the plain definition.
    previous = running_predecessors(history.sessions)
    for session in history.sessions:
        assert previous(session) == previous_running_session(history.sessions, session)
