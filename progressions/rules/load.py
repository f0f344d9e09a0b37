"""The load order (SPEC §1) and the "never more load" cap.

Higher is more load on the ITB: activity walk < walk–run < run; terrain uphill < flat <
rolling < downhill; surface treadmill < track < road < other < trail; intensity easy <
moderate < hard; longer and more run time are more. A blank value has no place in the
order: it caps nothing and is never capped (the safe side is to leave what is unknown).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TypeVar

from progressions.rules.protocol import (
    ACTIVITY_LOAD,
    INTENSITY_LOAD,
    SURFACE_LOAD,
    TERRAIN_LOAD,
    Activity,
)
from progressions.rules.records import SessionRecord, SessionShape
from progressions.rules.results import SuggestedSession

_T = TypeVar("_T")


def _higher(order: Sequence[_T], value: _T | None, limit: _T | None) -> bool:
    """Return whether ``value`` is known, ``limit`` is known, and ``value`` is more load."""
    if value not in order or limit not in order:
        return False
    return order.index(value) > order.index(limit)  # type: ignore[arg-type]


def run_seconds(session: SessionShape) -> int | None:
    """Return the seconds of running: a run's whole duration, a walk–run's run bouts.

    A walk has none; a walk–run without its intervals, or a cross-training or strength
    session, has no known run time (None).
    """
    if session.activity == Activity.RUN and session.duration_min is not None:
        return session.duration_min * 60
    if session.activity == Activity.WALK:
        return 0
    if session.run_interval_sec is not None and session.repeats is not None:
        return session.run_interval_sec * session.repeats
    return None


def repeats_in(duration_min: int, run_sec: int, walk_sec: int) -> int | None:
    """Return how many whole run/walk cycles fit the duration (SPEC §2), None if not one."""
    return (duration_min * 60) // (run_sec + walk_sec) or None


def exceeds(plan: SessionShape, limit: SessionShape) -> list[str]:
    """Return which load dimensions of ``plan`` are above ``limit`` (empty: none)."""
    over = [
        name
        for name, order, value, bound in (
            ("activity", ACTIVITY_LOAD, plan.activity, limit.activity),
            ("terrain", TERRAIN_LOAD, plan.terrain, limit.terrain),
            ("surface", SURFACE_LOAD, plan.surface, limit.surface),
            ("intensity", INTENSITY_LOAD, plan.intensity, limit.intensity),
        )
        if _higher(order, value, bound)
    ]
    if (
        plan.duration_min is not None
        and limit.duration_min is not None
        and plan.duration_min > limit.duration_min
    ):
        over.append("duration")
    plan_run, limit_run = run_seconds(plan), run_seconds(limit)
    if plan_run is not None and limit_run is not None and plan_run > limit_run:
        over.append("run time")
    return over


def cap_load(plan: SuggestedSession, limit: SessionRecord) -> SuggestedSession:
    """Return ``plan`` with each load dimension lowered to ``limit``'s where it was above.

    Activity, terrain, surface, intensity and duration take the limit's value; a lower
    activity takes the limit's intervals too, a lower terrain or surface its incline; a
    walk–run with more run time than the limit's keeps fewer run bouts.
    """
    changes: dict[str, object] = {}
    if _higher(ACTIVITY_LOAD, plan.activity, limit.activity):
        changes |= {
            "activity": limit.activity,
            "run_interval_sec": limit.run_interval_sec,
            "walk_interval_sec": limit.walk_interval_sec,
            "repeats": limit.repeats,
        }
    if _higher(TERRAIN_LOAD, plan.terrain, limit.terrain):
        changes |= {"terrain": limit.terrain, "incline_percent": limit.incline_percent}
    if _higher(SURFACE_LOAD, plan.surface, limit.surface):
        changes |= {"surface": limit.surface, "incline_percent": limit.incline_percent}
    if _higher(INTENSITY_LOAD, plan.intensity, limit.intensity):
        changes["intensity"] = limit.intensity
    if (
        plan.duration_min is not None
        and limit.duration_min is not None
        and plan.duration_min > limit.duration_min
    ):
        changes["duration_min"] = limit.duration_min
    capped = dataclasses.replace(plan, **changes)  # type: ignore[arg-type]
    return _fit_run_bouts(capped, limit)


def capped_by(plan: SuggestedSession, limit: SessionRecord, *, saying: str) -> SuggestedSession:
    """``cap_load`` that says so: when anything came down, the reason ends with ``saying``."""
    capped = cap_load(plan, limit)
    if capped == plan:
        return plan
    return dataclasses.replace(capped, reason=f"{plan.reason.rstrip('.')}, {saying}.")


def _fit_run_bouts(plan: SuggestedSession, limit: SessionRecord) -> SuggestedSession:
    """Return a walk–run whose run bouts fit its duration and the limit's run time."""
    if plan.activity != Activity.WALK_RUN or plan.repeats is None:
        return plan
    assert plan.duration_min is not None  # a rest day is never capped
    run_sec, walk_sec = plan.run_interval_sec or 0, plan.walk_interval_sec or 0
    cycle = run_sec + walk_sec
    most = min(plan.repeats, plan.duration_min * 60 // cycle if cycle else plan.repeats)
    limit_run = run_seconds(limit)
    if limit_run is not None and run_sec:
        most = min(most, limit_run // run_sec)
    if most == plan.repeats:
        return plan
    if most == 0 and limit.activity == Activity.WALK_RUN and limit.repeats is not None:
        # Not one of these bouts fits: take the limit's own bouts, as many as fit.
        own_cycle = (limit.run_interval_sec or 0) + (limit.walk_interval_sec or 0)
        fit = plan.duration_min * 60 // own_cycle if own_cycle else limit.repeats
        own = min(limit.repeats, fit)
        return dataclasses.replace(
            plan,
            run_interval_sec=limit.run_interval_sec,
            walk_interval_sec=limit.walk_interval_sec,
            repeats=own or None,
        )
    return dataclasses.replace(plan, repeats=most or None)
