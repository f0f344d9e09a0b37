"""Rule 2 of the suggestion (SPEC §1): back off after a red flag.

The base is the last tolerated counting running-type session, a quarter shorter (a
walk–run: a quarter fewer run bouts), at least 5 minutes; with none, the stage's entry
session. No ratchet: a session tolerated after the newest red flag is repeated unchanged.
Never more load: the plan is capped at the newest red-flag session. ``changed_variable``
names the first variable that differs from the last session.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from decimal import Decimal

from progressions.rules.load import capped_by
from progressions.rules.protocol import (
    BACK_OFF_FLOOR_MINUTES,
    BACK_OFF_FRACTION,
    REST_PAIN_CEILING,
    Activity,
    RedFlagCode,
    SessionVariable,
)
from progressions.rules.records import SessionRecord, sort_sessions
from progressions.rules.results import SuggestedSession
from progressions.rules.situation import Situation, entry_plan, into_stage, repeat
from progressions.rules.variables import changed_variables
from progressions.rules.words import day_month, named

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


def _flag_sessions(situation: Situation) -> list[SessionRecord]:
    ids = {
        session_id
        for flag in situation.red_flags
        if flag.code in _SESSION_CAP_FLAGS
        for session_id in flag.session_ids
    }
    return sort_sessions([s for s in situation.sessions if s.id in ids])


def _newest_flag_date(situation: Situation) -> datetime.date | None:
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


def back_off(situation: Situation) -> SuggestedSession:
    settings = situation.settings
    tolerated = [s for s in situation.running if situation.tolerated(s)]
    base = tolerated[-1] if tolerated else None
    newest_flag = _newest_flag_date(situation)
    if base is not None and newest_flag is not None and base.date > newest_flag:
        plan = repeat(
            base,
            situation,
            f"Back off: repeat {named(base, settings, adjective='last tolerated')} unchanged, "
            f"tolerated after the red flag of {day_month(newest_flag)} (no ratchet)",
        )
    elif base is not None:
        plan = _shorter(base, situation)
    else:
        plan = entry_plan(situation, why="Back off: no tolerated session in this stage yet")
    running_flags = [s for s in _flag_sessions(situation) if s.is_running_type]
    if running_flags:
        limit = running_flags[-1]
        why = f"and no more load than {named(limit, settings)}, which raised the red flag"
        plan = capped_by(plan, limit, saying=why)
    plan = into_stage(plan, situation)
    return dataclasses.replace(plan, changed_variable=_first_difference(situation.last, plan))


def _shorter(base: SessionRecord, situation: Situation) -> SuggestedSession:
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
        repeat(base, situation, ""),
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
