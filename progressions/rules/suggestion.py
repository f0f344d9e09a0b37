"""The suggested next session (SPEC §1, rules 1–7, first match wins).

It always belongs to the **current** stage: the athlete is never told to do the next
stage's work before a PT has recorded the stage change (``next_stage`` has what advancing
would start). Only what counts for the stage is read (``StageStart.counts``); the *last
session* is the most recent counting running-type session.

1. Rest: a ceiling, stopped-early or rest-pain flag raised by something dated today or
   yesterday.
2. Back off: any other red flag; the last tolerated session 25% shorter (or repeated if
   it came after the newest red flag), never more load than the newest red-flag session.
3. No session yet in this stage: its entry session.
4. Advance: repeat the more recent gate session while the PT decides.
5. Waiting: the last session's next morning is unknown, or it was not tolerated: repeat it.
6. Step up: the level was tolerated twice on different days: one variable toward the gate.
7. Otherwise repeat the last session (the level has been done once).

Clinical judgements beyond the SPEC's words (the safer reading each time):
- Whatever a rule picks, a session whose level is past the current stage (a hard run in
  flat running, a walk–run in uphill walking) is brought back into it by one
  load-lowering change (intensity, then terrain, else a walk): the athlete may have
  logged more than the stage, the app never suggests it.
- A stage's entry session (rules 2 and 3) is capped at the newest running-type session
  before the stage began when that session was not tolerated (a restart or a move back
  after pain): never more load than the knee last showed it could not take.
- The back-off floor of 5 minutes never lengthens a shorter base: it is capped at the
  base's own duration.
- "No ratchet" reads a check-in flag's date as its event: the newest check-in above 5/10
  for ``rest_pain_high``; the newest score at rest above the gate maximum for the trend.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from progressions.rules.gates import gate_min_minutes, is_tolerated
from progressions.rules.load import cap_load, repeats_in
from progressions.rules.moves import (
    PLAN_FIELDS,
    entry_session,
    fits_shape,
    level_rank,
    longer,
    longer_run_interval,
    moves_into_stage,
    one_change,
    session_level,
)
from progressions.rules.protocol import (
    BACK_OFF_FLOOR_MINUTES,
    BACK_OFF_FRACTION,
    INTENSITY_LOAD,
    REST_DAY_FLAGS,
    REST_DAY_LOOKBACK_DAYS,
    REST_PAIN_CEILING,
    TERRAIN_LOAD,
    Activity,
    Intensity,
    RedFlagCode,
    SessionVariable,
    StageCode,
    StageDefinition,
)
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    StageStart,
    sort_sessions,
)
from progressions.rules.results import Criterion, RedFlag, SuggestedSession
from progressions.rules.suggestion_protocol import STAGE_SHAPES
from progressions.rules.variables import changed_variables
from progressions.rules.words import day_month, named, noun, sentence, who, whose

# Rule 2 names the first variable that differs from the last session, in this order.
_BACK_OFF_ORDER = (
    SessionVariable.ACTIVITY,
    SessionVariable.TERRAIN,
    SessionVariable.SURFACE,
    SessionVariable.INTENSITY,
    SessionVariable.DURATION,
    SessionVariable.INTERVALS,
)
# Flags whose sessions cap a back-off (the trend is about the knee at rest: no session).
_SESSION_CAP_FLAGS = frozenset(
    {
        RedFlagCode.PAIN_ABOVE_CEILING,
        RedFlagCode.PAIN_NOT_SETTLED,
        RedFlagCode.REST_PAIN_HIGH,
        RedFlagCode.STOPPED_EARLY,
    }
)
_NO_SESSION: dict[str, None] = dict.fromkeys(PLAN_FIELDS)


@dataclass(frozen=True, slots=True)
class _Situation:
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


def suggest_next_session(
    *,
    stage: StageDefinition,
    red_flags: Sequence[RedFlag],
    gate: Criterion | None,
    sessions: Sequence[SessionRecord],
    pain_scores: Sequence[PainScoreRecord],
    settings: AthleteSettings,
    start: StageStart,
    today: datetime.date,
    stage_entry: SuggestedSession | None = None,
) -> SuggestedSession:
    """Return the next session by SPEC §1's rules 1–7 (see the module docstring).

    ``gate`` is the evaluated gate criterion (None at the last stage); ``stage_entry`` the
    ``next_stage_first_session`` stored when the PT advanced into this stage, if any.
    """
    running = sort_sessions(
        [s for s in sessions if s.is_running_type and s.date <= today and start.counts(s)]
    )
    situation = _Situation(
        stage=stage,
        settings=settings,
        today=today,
        start=start,
        sessions=sessions,
        running=running,
        red_flags=red_flags,
        gate=gate,
        pain_scores=pain_scores,
        stage_entry=stage_entry,
    )
    rest = _rest_day(situation)
    if rest is not None:
        return rest
    if red_flags:
        return _back_off(situation)
    last = situation.last
    if last is None:
        return _entry(situation, why=f"{sentence(who(settings))} has no session in this stage yet")
    if gate is not None and gate.met:
        base = next(s for s in running if s.id == gate.evidence[0])
        return _into_stage(
            _repeat(base, situation, f"Gate met: repeat {named(base, settings)}"),
            situation,
            tail="; the PT decides on the next stage.",
        )
    if not situation.tolerated(last):
        return _into_stage(
            _repeat(last, situation, f"Waiting: {_not_tolerated(last, situation)}; repeat it"),
            situation,
        )
    return _step_or_repeat(situation, last)


# --- Rule 1: rest -----------------------------------------------------------------------


def _rest_day(situation: _Situation) -> SuggestedSession | None:
    since = situation.today - datetime.timedelta(days=REST_DAY_LOOKBACK_DAYS)
    recent = [
        (flag, max(day for day in flag.dates if since <= day <= situation.today))
        for flag in situation.red_flags
        if flag.code in REST_DAY_FLAGS
        and any(since <= day <= situation.today for day in flag.dates)
    ]
    if not recent:
        return None
    what = "; ".join(f"{flag.code.label.lower()} ({day_month(day)})" for flag, day in recent)
    return SuggestedSession(
        stage=situation.stage.code,
        rest_day=True,
        **_NO_SESSION,
        changed_variable=None,
        reason=(
            f"Rest day: {what}. {sentence(who(situation.settings))} is told to rest or "
            "cross-train and that the PT has been alerted."
        ),
        based_on_session_id=None,
    )


# --- Rule 2: back off -------------------------------------------------------------------


def _flag_sessions(situation: _Situation) -> list[SessionRecord]:
    ids = {
        session_id
        for flag in situation.red_flags
        if flag.code in _SESSION_CAP_FLAGS
        for session_id in flag.session_ids
    }
    return sort_sessions([s for s in situation.sessions if s.id in ids])


def _newest_flag_date(situation: _Situation) -> datetime.date | None:
    """Return the date of the newest thing that raised a red flag (see the module notes)."""
    dates = [s.date for s in _flag_sessions(situation)]
    codes = {flag.code for flag in situation.red_flags}
    counted = [p for p in situation.pain_scores if situation.start.counts(p)]
    if RedFlagCode.REST_PAIN_HIGH in codes:
        dates += [p.date for p in counted if p.score > REST_PAIN_CEILING]
    if RedFlagCode.PAIN_RISING_WEEK_TO_WEEK in codes:
        high = situation.settings.gate_pain_max
        week = situation.today - datetime.timedelta(days=6)
        today = situation.today
        dates += [
            p.date for p in situation.pain_scores if p.score > high and week <= p.date <= today
        ]
        dates += [
            s.date
            for s in situation.sessions
            if s.pain_next_morning is not None
            and s.pain_next_morning > high
            and week <= s.date <= today
        ]
    return max(dates, default=None)


def _back_off(situation: _Situation) -> SuggestedSession:
    settings = situation.settings
    tolerated = [s for s in situation.running if situation.tolerated(s)]
    base = tolerated[-1] if tolerated else None
    newest_flag = _newest_flag_date(situation)
    if base is not None and newest_flag is not None and base.date > newest_flag:
        plan = _repeat(
            base,
            situation,
            f"Back off: repeat {named(base, settings, adjective='last tolerated')} unchanged, "
            f"tolerated after the red flag of {day_month(newest_flag)} (no ratchet)",
        )
    elif base is not None:
        plan = _shorter(base, situation)
    else:
        plan = _entry_plan(situation, why="Back off: no tolerated session in this stage yet")
    running_flags = [s for s in _flag_sessions(situation) if s.is_running_type]
    if running_flags:
        limit = running_flags[-1]
        capped = cap_load(plan, limit)
        if capped != plan:
            plan = dataclasses.replace(
                capped,
                reason=(
                    f"{plan.reason.rstrip('.')}, and no more load than "
                    f"{named(limit, settings)}, which raised the red flag."
                ),
            )
    plan = _into_stage(plan, situation)
    return dataclasses.replace(plan, changed_variable=_first_difference(situation.last, plan))


def _shorter(base: SessionRecord, situation: _Situation) -> SuggestedSession:
    """Return ``base`` 25% shorter (walk–run: 25% fewer repeats), at least 5 min."""
    keep = 1 - BACK_OFF_FRACTION
    minutes = min(
        base.duration_min,
        max(BACK_OFF_FLOOR_MINUTES, math.floor(Decimal(base.duration_min) * keep)),
    )
    fields: dict[str, object] = {"duration_min": minutes}
    repeats_words = ""
    if base.activity == Activity.WALK_RUN and base.repeats is not None:
        repeats = max(1, math.floor(Decimal(base.repeats) * keep))
        cycle = (base.run_interval_sec or 0) + (base.walk_interval_sec or 0)
        fields["duration_min"] = min(
            base.duration_min, max(minutes, math.ceil(repeats * cycle / 60))
        )
        fields["repeats"] = repeats
        repeats_words = f", {base.repeats} → {repeats} run bouts"
    plan = dataclasses.replace(
        _repeat(base, situation, ""),
        **fields,  # type: ignore[arg-type]
    )
    return dataclasses.replace(
        plan,
        reason=(
            f"Back off: {named(base, situation.settings, adjective='last tolerated')}, 25% "
            f"shorter ({base.duration_min} → {plan.duration_min} min{repeats_words})."
        ),
    )


def _first_difference(last: SessionRecord | None, plan: SuggestedSession) -> SessionVariable | None:
    changed = set(changed_variables(last, plan))
    return next((variable for variable in _BACK_OFF_ORDER if variable in changed), None)


# --- Rule 3: the stage's entry session ----------------------------------------------------


def _entry_plan(situation: _Situation, *, why: str) -> SuggestedSession:
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
        capped = cap_load(plan, previous)
        if capped != plan:
            plan = dataclasses.replace(
                capped,
                reason=(
                    f"{plan.reason.rstrip('.')}, no more load than "
                    f"{named(previous, situation.settings)}, which was not tolerated."
                ),
            )
    return plan


def _entry(situation: _Situation, *, why: str) -> SuggestedSession:
    plan = _into_stage(_entry_plan(situation, why=why), situation)
    return dataclasses.replace(plan, changed_variable=None)


# --- Rules 4, 5 and 7: repeats ------------------------------------------------------------


def _repeat(base: SessionRecord, situation: _Situation, reason: str) -> SuggestedSession:
    return one_change(
        base, stage=situation.stage.code, variable=None, reason=f"{reason}." if reason else ""
    )


def _not_tolerated(session: SessionRecord, situation: _Situation) -> str:
    """Return why the session is not (yet) tolerated, naming it for the PT.

    A session stopped early never gets here: stopping early is a red flag (rule 1 or 2).
    """
    limit = situation.settings.gate_pain_max
    name = named(session, situation.settings)
    scores = (
        ("during", session.pain_during),
        ("after", session.pain_after),
    )
    for when, score in scores:
        if score is None:
            return f"{name} has no pain {when} recorded"
        if score > limit:
            return f"{name} hurt {score}/10 {when} (more than {limit})"
    if session.pain_next_morning is None:
        return f"{whose(situation.settings)} next-morning pain after the {noun(session)} of " + (
            f"{day_month(session.date)} is not in yet"
        )
    return f"{name} hurt {session.pain_next_morning}/10 the next morning (more than {limit})"


# --- Rule 6: step up ------------------------------------------------------------------------


def _step_or_repeat(situation: _Situation, last: SessionRecord) -> SuggestedSession:
    settings = situation.settings
    earlier = situation.running[-2] if len(situation.running) >= 2 else None
    done_twice = (
        earlier is not None
        and situation.tolerated(earlier)
        and earlier.date != last.date
        and not changed_variables(earlier, last)
    )
    if not done_twice:
        return _into_stage(
            _repeat(
                last,
                situation,
                f"Repeat {named(last, settings)}: this level has been tolerated once; "
                "walk–run programmes repeat each level twice before a step up",
            ),
            situation,
        )
    assert earlier is not None
    twice = f"{whose(settings)} level was tolerated twice ({day_month(earlier.date)}, "
    twice += f"{day_month(last.date)})"
    step = next(
        (
            c
            for c in _steps(last, situation, f"Step up: {twice}: ")
            if _one_step(c, last, situation)
        ),
        None,
    )
    if step is not None:
        return step
    return _into_stage(
        _repeat(last, situation, f"Repeat {named(last, settings)}: {_no_step_why(situation)}"),
        situation,
    )


def _no_step_why(situation: _Situation) -> str:
    if situation.stage.gate is None:
        return "at the last stage the app steps nothing up; the PT sets the plan"
    return "no one-variable step toward the gate is left"


def _steps(last: SessionRecord, situation: _Situation, prefix: str) -> Iterator[SuggestedSession]:
    """Yield the one-variable steps toward the stage's gate, in order of preference."""
    stage = situation.stage
    if stage.gate is None:
        return
    code = stage.code
    if not fits_shape(last, STAGE_SHAPES[code]):
        yield from moves_into_stage(last, code, prefix)
        return
    minimum = gate_min_minutes(stage.gate, situation.settings)
    if last.activity == Activity.WALK_RUN and last.repeats and last.run_interval_sec:
        fit = repeats_in(last.duration_min, last.run_interval_sec, last.walk_interval_sec or 0)
        if fit and fit > last.repeats:
            yield one_change(
                last,
                stage=code,
                variable=SessionVariable.INTERVALS,
                reason=f"{prefix}more run bouts ({last.repeats} → {fit}) in the same "
                f"{last.duration_min} min.",
                repeats=fit,
            )
    if last.duration_min < minimum:
        yield longer(
            last, stage=code, up_to=minimum, prefix=prefix, why=f"toward the {minimum}-min gate"
        )
    if last.activity not in stage.gate.activities and last.activity == Activity.WALK_RUN:
        yield longer_run_interval(last, stage=code, prefix=prefix)


def _one_step(candidate: SuggestedSession, last: SessionRecord, situation: _Situation) -> bool:
    """Return whether the step changes exactly its one variable and stays in the stage."""
    in_stage = level_rank(session_level(candidate)) <= level_rank(situation.stage.code)
    declared = candidate.changed_variable
    # A small step (28 → 30 min) is within the tolerance and counts as no change at all.
    return (
        in_stage and declared is not None and set(changed_variables(last, candidate)) <= {declared}
    )


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


def _into_stage(
    plan: SuggestedSession, situation: _Situation, *, tail: str = ""
) -> SuggestedSession:
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
