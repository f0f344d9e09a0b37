"""What the suggestion rules share: the situation they read, and how a plan is built.

``Situation`` gathers once what rules 1–7 read; ``repeat`` and ``entry_plan`` build the
two kinds of plan that several rules return; ``into_stage`` keeps any plan inside the
current stage (SPEC §1: the suggestion always belongs to the current stage), lowering
its load by one change when the athlete logged more than the stage.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from progressions.rules.gates import is_tolerated
from progressions.rules.load import capped_by
from progressions.rules.moves import entry_session, level_rank, one_change, session_level
from progressions.rules.protocol import (
    INTENSITY_LOAD,
    TERRAIN_LOAD,
    Activity,
    Intensity,
    StageCode,
    StageDefinition,
)
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    StageStart,
)
from progressions.rules.results import Criterion, RedFlag, SuggestedSession
from progressions.rules.suggestion_protocol import STAGE_SHAPES
from progressions.rules.variables import changed_variables
from progressions.rules.words import named, who


@dataclass(frozen=True, slots=True)
class Situation:
    """What the rules read, gathered once."""

    stage: StageDefinition
    settings: AthleteSettings
    today: datetime.date
    start: StageStart
    sessions: Sequence[SessionRecord]  # every session given, any date
    running: list[SessionRecord]  # counting running-type sessions up to today, oldest first
    red_flags: Sequence[RedFlag]
    gate: Criterion | None
    pain_scores: Sequence[PainScoreRecord]
    stage_entry: SuggestedSession | None

    @property
    def last(self) -> SessionRecord | None:
        return self.running[-1] if self.running else None

    def tolerated(self, session: SessionRecord) -> bool:
        return is_tolerated(session, self.settings.gate_pain_max)


def repeat(base: SessionRecord, situation: Situation, reason: str) -> SuggestedSession:
    return one_change(
        base, stage=situation.stage.code, variable=None, reason=f"{reason}." if reason else ""
    )


def entry_plan(situation: Situation, *, why: str) -> SuggestedSession:
    """Return the stage's entry session, capped after a painful last session before it."""
    stage = situation.stage
    stored = situation.stage_entry
    if stored is not None and stored.stage == stage.code and not stored.rest_day:
        plan = dataclasses.replace(
            stored,
            changed_variable=None,
            based_on_session_id=None,
            reason=f"{why}: the first session offered when the PT advanced.",
        )
    else:
        plan = entry_session(
            stage.code, reason=f"{why}: the protocol's entry session of {stage.name.lower()}."
        )
    before = [
        s
        for s in situation.sessions
        if s.is_running_type and s.date <= situation.today and not situation.start.counts(s)
    ]
    previous = max(before, key=lambda s: s.order_key, default=None)
    if previous is not None and not situation.tolerated(previous):
        why = f"no more load than {named(previous, situation.settings)}, which was not tolerated"
        plan = capped_by(plan, previous, saying=why)
    return plan


# --- Never past the current stage -----------------------------------------------------------


def _lowerings(plan: SuggestedSession, stage: StageCode) -> Iterator[SuggestedSession]:
    """Yield single load-lowering changes: easier intensity, the stage's terrain, a walk."""
    if plan.intensity == Intensity.HARD:
        yield dataclasses.replace(plan, intensity=INTENSITY_LOAD[1])
    terrain = STAGE_SHAPES[stage].terrain
    if (
        terrain is not None
        and plan.terrain in TERRAIN_LOAD
        and TERRAIN_LOAD.index(terrain) < TERRAIN_LOAD.index(plan.terrain)  # type: ignore[arg-type]
    ):
        yield dataclasses.replace(plan, terrain=terrain, incline_percent=None)
    yield dataclasses.replace(
        plan,
        activity=Activity.WALK,
        run_interval_sec=None,
        walk_interval_sec=None,
        repeats=None,
    )


def into_stage(plan: SuggestedSession, situation: Situation, *, tail: str = "") -> SuggestedSession:
    """Return ``plan``, or one load-lowering change of it when it is past the stage."""
    code = situation.stage.code
    if level_rank(session_level(plan)) <= level_rank(code):
        return dataclasses.replace(plan, reason=_with_tail(plan.reason, tail))
    lowered = next(
        c for c in _lowerings(plan, code) if level_rank(session_level(c)) <= level_rank(code)
    )
    changed = changed_variables(plan, lowered)
    return dataclasses.replace(
        lowered,
        changed_variable=changed[0] if changed else None,
        reason=_with_tail(
            f"{plan.reason.rstrip('.')}; {_lowered_words(plan, lowered)}, since "
            f"{who(situation.settings)} is in {situation.stage.name.lower()}.",
            tail,
        ),
    )


def _lowered_words(plan: SuggestedSession, lowered: SuggestedSession) -> str:
    if lowered.activity != plan.activity:
        return "as a walk"
    if lowered.intensity != plan.intensity:
        return f"{lowered.intensity!s} instead of hard"
    return f"{lowered.terrain!s} instead of {plan.terrain!s}"


def _with_tail(reason: str, tail: str) -> str:
    return f"{reason.rstrip('.')}{tail}" if tail else reason
