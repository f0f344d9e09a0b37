"""The suggested next session: the last running-type session with at most one change.

Every candidate comes from a one-variable move (``moves``) and is then checked against
``changed_variables`` and against the stage it is for (``session_level``), so a
suggestion differs from the last running-type session in at most one variable and never
jumps a stage.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from progressions.rules.gates import gate_min_minutes, is_tolerated
from progressions.rules.moves import (
    describe_entry,
    entry_session,
    fits_shape,
    level_rank,
    longer,
    longer_run_interval,
    moves_into_stage,
    one_change,
    session_level,
    shorter,
)
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    DURATION_MAX_MINUTES,
    GATE_SESSIONS_REQUIRED,
    Recommendation,
    StageCode,
    StageDefinition,
    next_stage_in,
    stage_in,
)
from progressions.rules.records import AthleteSettings, SessionRecord, last_running_session
from progressions.rules.results import SuggestedSession
from progressions.rules.suggestion_protocol import ENTRY_SESSIONS, STAGE_SHAPES
from progressions.rules.variables import changed_variables


def _within_stage(
    anchor: SessionRecord,
    *,
    target: StageDefinition,
    settings: AthleteSettings,
    prefix: str,
) -> SuggestedSession:
    """Return the next step inside the stage for a session that already fits its shape.

    Not tolerated (or not yet known): repeat it. Else: +5 min toward the gate's minimum;
    at the minimum a walk–run where the gate wants a continuous run gets a longer run
    interval; otherwise repeat it (the gate needs two tolerated sessions). The last stage
    has no gate: +5 min up to the 300-min maximum.
    """
    pain_max = settings.gate_pain_max
    if not is_tolerated(anchor, pain_max):
        return one_change(
            anchor,
            stage=target.code,
            variable=None,
            reason=(
                f"{prefix}repeat the same session until it is tolerated: pain ≤ {pain_max} "
                "during, after and next morning, not stopped early."
            ),
        )
    if target.gate is None:
        return longer(
            anchor,
            stage=target.code,
            up_to=DURATION_MAX_MINUTES,
            prefix=prefix,
            why="as training resumes",
        )
    minimum = gate_min_minutes(target.gate, settings)
    if anchor.duration_min < minimum:
        return longer(
            anchor,
            stage=target.code,
            up_to=minimum,
            prefix=prefix,
            why=f"toward the {minimum}-min gate",
        )
    if anchor.activity not in target.gate.activities:
        # Only walk–run reaches here (the flat-running gate wants a continuous run).
        return longer_run_interval(anchor, stage=target.code, prefix=prefix)
    return one_change(
        anchor,
        stage=target.code,
        variable=None,
        reason=(
            f"{prefix}repeat the same session: the gate needs the {GATE_SESSIONS_REQUIRED} most "
            f"recent sessions of ≥ {minimum} min tolerated."
        ),
    )


def _acceptable(
    candidate: SuggestedSession,
    *,
    anchor: SessionRecord,
    target: StageDefinition,
) -> bool:
    """Return whether the candidate changes at most its declared variable and fits the stage."""
    declared = set() if candidate.changed_variable is None else {candidate.changed_variable}
    within_stage = level_rank(session_level(candidate)) <= level_rank(target.code)
    return within_stage and set(changed_variables(anchor, candidate)) <= declared


def suggest_next_session(
    *,
    stage: StageCode,
    recommendation: Recommendation,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
    stage_since: datetime.date,
    today: datetime.date,
    ladder: Sequence[StageDefinition] = DEFAULT_LADDER,
) -> SuggestedSession:
    """Return the next session for the recommendation.

    The anchor is the last running-type session up to today, whatever its stage. With
    none, the entry session of the stage (the next stage on ``advance``) with no changed
    variable. ``advance``: one move toward the next stage's shape (its first session).
    ``hold``: one move toward the current stage's shape, or the next step within it.
    ``back_off``: the last tolerated running-type session of this stage (since
    ``stage_since``), shorter, if that differs from the anchor in at most one variable;
    else the anchor shorter; else, for an anchor beyond this stage, one move back into it.
    Every suggestion differs from the anchor in at most one variable and its level is
    never past the stage it is for. ``advance`` at the last stage is treated as ``hold``.
    """
    current = stage_in(ladder, stage)
    following = next_stage_in(ladder, stage)
    if recommendation == Recommendation.ADVANCE and following is not None:
        target, prefix = following, f"Advance to {following.name}: "
    elif recommendation == Recommendation.BACK_OFF:
        target, prefix = current, "Back off: "
    else:
        target, prefix = current, "Hold: "

    anchor = last_running_session(sessions, today=today)
    if anchor is None:
        return entry_session(
            target.code,
            reason=(
                f"{prefix}no walk, walk–run or run logged yet: start {target.name.lower()} "
                f"with {describe_entry(ENTRY_SESSIONS[target.code])}."
            ),
        )

    candidates: Iterator[SuggestedSession]
    if recommendation == Recommendation.BACK_OFF:
        candidates = _back_off_candidates(
            anchor,
            sessions=sessions,
            settings=settings,
            stage_since=stage_since,
            today=today,
            stage=target.code,
        )
    elif fits_shape(anchor, STAGE_SHAPES[target.code]):
        candidates = iter([_within_stage(anchor, target=target, settings=settings, prefix=prefix)])
    else:
        candidates = moves_into_stage(anchor, target.code, prefix)
    return next(
        candidate
        for candidate in candidates
        if _acceptable(candidate, anchor=anchor, target=target)
    )


def _back_off_candidates(
    anchor: SessionRecord,
    *,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
    stage_since: datetime.date,
    today: datetime.date,
    stage: StageCode,
) -> Iterator[SuggestedSession]:
    """Yield the back-off candidates in order of preference (see ``suggest_next_session``)."""
    tolerated = [
        s
        for s in sessions
        if s.is_running_type
        and stage_since <= s.date <= today
        and is_tolerated(s, settings.gate_pain_max)
    ]
    base = max(tolerated, key=lambda session: session.order_key, default=None)
    if base is not None and base.id != anchor.id:
        yield shorter(
            base, stage=stage, what=f"repeat your last tolerated session ({base.date.isoformat()})"
        )
    yield shorter(anchor, stage=stage, what="repeat your last session")
    yield from moves_into_stage(anchor, stage, "Back off: ")
