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

Rule 2 lives in ``back_off``; what the rules share (the situation, repeats, entry
sessions, keeping a plan inside the stage) in ``situation``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Sequence

from progressions.rules.back_off import back_off
from progressions.rules.gates import gate_min_minutes
from progressions.rules.load import repeats_in
from progressions.rules.moves import (
    PLAN_FIELDS,
    fits_shape,
    level_rank,
    longer,
    longer_run_interval,
    moves_into_stage,
    one_change,
    session_level,
)
from progressions.rules.protocol import (
    REST_DAY_FLAGS,
    REST_DAY_LOOKBACK_DAYS,
    Activity,
    SessionVariable,
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
from progressions.rules.situation import Situation, entry_plan, into_stage, repeat
from progressions.rules.suggestion_protocol import STAGE_SHAPES
from progressions.rules.variables import changed_variables
from progressions.rules.words import day_month, named, noun, sentence, who, whose

_NO_SESSION: dict[str, None] = dict.fromkeys(PLAN_FIELDS)


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
    situation = Situation(
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
        return back_off(situation)
    last = situation.last
    if last is None:
        return _entry(situation, why=f"{sentence(who(settings))} has no session in this stage yet")
    if gate is not None and gate.met:
        base = next(s for s in running if s.id == gate.evidence[0])
        return into_stage(
            repeat(base, situation, f"Gate met: repeat {named(base, settings)}"),
            situation,
            tail="; the PT decides on the next stage.",
        )
    if not situation.tolerated(last):
        return into_stage(
            repeat(last, situation, f"Waiting: {_not_tolerated(last, situation)}; repeat it"),
            situation,
        )
    return _step_orrepeat(situation, last)


# --- Rule 1: rest -----------------------------------------------------------------------


def _rest_day(situation: Situation) -> SuggestedSession | None:
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


# --- Rule 3: the stage's entry session ----------------------------------------------------


def _entry(situation: Situation, *, why: str) -> SuggestedSession:
    plan = into_stage(entry_plan(situation, why=why), situation)
    return dataclasses.replace(plan, changed_variable=None)


# --- Rules 4, 5 and 7: repeats ------------------------------------------------------------


def _not_tolerated(session: SessionRecord, situation: Situation) -> str:
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


def _step_orrepeat(situation: Situation, last: SessionRecord) -> SuggestedSession:
    settings = situation.settings
    earlier = situation.running[-2] if len(situation.running) >= 2 else None
    done_twice = (
        earlier is not None
        and situation.tolerated(earlier)
        and earlier.date != last.date
        and not changed_variables(earlier, last)
    )
    if not done_twice:
        return into_stage(
            repeat(
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
    return into_stage(
        repeat(last, situation, f"Repeat {named(last, settings)}: {_no_step_why(situation)}"),
        situation,
    )


def _no_step_why(situation: Situation) -> str:
    if situation.stage.gate is None:
        return "at the last stage the app steps nothing up; the PT sets the plan"
    return "no one-variable step toward the gate is left"


def _steps(last: SessionRecord, situation: Situation, prefix: str) -> Iterator[SuggestedSession]:
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


def _one_step(candidate: SuggestedSession, last: SessionRecord, situation: Situation) -> bool:
    """Return whether the step changes exactly its one variable and stays in the stage."""
    in_stage = level_rank(session_level(candidate)) <= level_rank(situation.stage.code)
    declared = candidate.changed_variable
    # A small step (28 → 30 min) is within the tolerance and counts as no change at all.
    return (
        in_stage and declared is not None and set(changed_variables(last, candidate)) <= {declared}
    )
