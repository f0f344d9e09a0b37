"""``evaluate``: one athlete's stage, gate, red flags, warnings and next session, for a day."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from progressions.rules.cadence import cadence_status
from progressions.rules.gates import counting_in_window, evaluate_gate
from progressions.rules.next_stage import next_stage_first_session
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    PAIN_CEILING,
    PAIN_NOT_SETTLED_FLOOR,
    PAIN_TREND_RISE,
    RED_FLAG_WINDOW_DAYS,
    REST_PAIN_CEILING,
    CriterionCode,
    Recommendation,
    StageCode,
    StageDefinition,
    next_stage_in,
    stage_in,
)
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    StageStart,
    counting_sessions,
)
from progressions.rules.red_flags import detect_red_flags, red_flag_window_start
from progressions.rules.results import (
    Criterion,
    Progression,
    RedFlag,
    StageInfo,
    SuggestedSession,
)
from progressions.rules.suggestion import suggest_next_session
from progressions.rules.variables import warnings_of


def recommend(*, red_flags: Sequence[RedFlag], gate: Criterion | None) -> Recommendation:
    """Return ``back_off`` for any red flag, else ``advance`` for a met gate, else ``hold``.

    ``gate`` is None at the last stage, which therefore never advances.
    """
    if red_flags:
        return Recommendation.BACK_OFF
    if gate is not None and gate.met:
        return Recommendation.ADVANCE
    return Recommendation.HOLD


def _no_red_flags_criterion(
    red_flags: Sequence[RedFlag], window: Sequence[SessionRecord], gate_pain_max: int
) -> Criterion:
    return Criterion(
        code=CriterionCode.NO_RED_FLAGS,
        description=(
            f"No red flag in the last {RED_FLAG_WINDOW_DAYS} days: pain during and after ≤ "
            f"{PAIN_CEILING}, next-morning pain at most the pain before the session or "
            f"{max(PAIN_NOT_SETTLED_FLOOR, gate_pain_max)}, pain at rest ≤ "
            f"{REST_PAIN_CEILING}, mean pain at rest not up by {PAIN_TREND_RISE:.1f} on the "
            "week before, no session stopped early"
        ),
        met=not red_flags,
        evidence=tuple(session.id for session in reversed(window)),
    )


def evaluate(
    *,
    stage: StageCode,
    stage_since: datetime.date,
    settings: AthleteSettings,
    sessions: Sequence[SessionRecord],
    pain_scores: Sequence[PainScoreRecord],
    today: datetime.date,
    stage_changed_at: datetime.datetime | None = None,
    stage_entry: SuggestedSession | None = None,
    ladder: Sequence[StageDefinition] = DEFAULT_LADDER,
) -> Progression:
    """Return the progression of one athlete on ``today``.

    ``stage_since`` is the effective date of the last stage change (or the stage start)
    and ``stage_changed_at`` when that change was recorded (None: no change yet): together
    they decide which sessions and check-ins count (``StageStart.counts``). Gates, session
    red flags, ``rest_pain_high``, warnings and the suggestion use only what counts; the
    week-to-week pain trend uses every score. ``stage_entry`` is the
    ``next_stage_first_session`` stored when the PT advanced into this stage. Sessions and
    scores dated after ``today`` are ignored; input order does not matter. Raises
    ``KeyError`` for a stage the ladder lacks.
    """
    current = stage_in(ladder, stage)
    following = next_stage_in(ladder, stage)
    start = StageStart(stage_since, stage_changed_at)

    gate = (
        None
        if current.gate is None
        else evaluate_gate(
            current.gate, sessions=sessions, settings=settings, stage_since=start, today=today
        )
    )
    red_flags = detect_red_flags(
        sessions=sessions,
        pain_scores=pain_scores,
        settings=settings,
        stage_since=start,
        today=today,
    )
    recommendation = recommend(red_flags=red_flags, gate=gate)
    flag_window = counting_sessions(
        sessions, start=start, first=red_flag_window_start(today, stage_since), last=today
    )
    criteria = (
        *(() if gate is None else (gate,)),
        _no_red_flags_criterion(red_flags, flag_window, settings.gate_pain_max),
    )
    return Progression(
        as_of=today,
        stage=StageInfo.of(current),
        next_stage=None if following is None else StageInfo.of(following),
        recommendation=recommendation,
        criteria=criteria,
        red_flags=red_flags,
        warnings=warnings_of(
            sessions, counted=counting_in_window(sessions, start=start, today=today)
        ),
        cadence=cadence_status(sessions=sessions, settings=settings, today=today),
        suggested_next_session=suggest_next_session(
            stage=current,
            red_flags=red_flags,
            gate=gate,
            sessions=sessions,
            pain_scores=pain_scores,
            settings=settings,
            start=start,
            today=today,
            stage_entry=stage_entry,
        ),
        next_stage_first_session=next_stage_first_session(
            recommendation=recommendation,
            current=current,
            following=following,
            gate=gate,
            sessions=sessions,
            settings=settings,
        ),
    )
