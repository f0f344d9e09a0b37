"""One-variable moves: each returns a session that differs from its base in one variable.

``one_change`` copies the session it starts from and lets only the fields of one
variable differ, so "at most one variable" holds by construction; ``suggestion`` chooses
among these moves. Also here: which stage a kind of session belongs to (its level).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from progressions.rules.load import repeats_in
from progressions.rules.protocol import (
    DURATION_STEP_MINUTES,
    Activity,
    Intensity,
    SessionVariable,
    StageCode,
)
from progressions.rules.records import SessionRecord, SessionShape
from progressions.rules.results import SuggestedSession
from progressions.rules.suggestion_protocol import (
    ENTRY_SESSIONS,
    INTENSITY_STEPS,
    SESSION_LEVEL_RULES,
    STAGE_SHAPES,
    WALK_RUN_LEVELS,
    EntrySession,
    LevelRule,
    StageShape,
)

# The session fields each variable owns. An activity change carries the intervals (they
# are only compared between two walk–runs); a terrain or surface change clears the
# incline, which belongs to the old terrain or the treadmill (a blank is not compared).
_VARIABLE_FIELDS: dict[SessionVariable, frozenset[str]] = {
    SessionVariable.ACTIVITY: frozenset(
        {"activity", "run_interval_sec", "walk_interval_sec", "repeats"}
    ),
    SessionVariable.TERRAIN: frozenset({"terrain", "incline_percent"}),
    SessionVariable.SURFACE: frozenset({"surface", "incline_percent"}),
    SessionVariable.DURATION: frozenset({"duration_min"}),
    SessionVariable.INTENSITY: frozenset({"intensity"}),
    SessionVariable.INTERVALS: frozenset({"run_interval_sec", "walk_interval_sec", "repeats"}),
}
# The session fields a suggestion carries (SPEC §1: the session field names).
PLAN_FIELDS = (
    "activity",
    "terrain",
    "surface",
    "incline_percent",
    "duration_min",
    "intensity",
    "run_interval_sec",
    "walk_interval_sec",
    "repeats",
)
# How a suggestion words a change of activity (walk–run starts at the first level).
_ACTIVITY_SWITCHES: dict[Activity, str] = {
    Activity.WALK: "walk instead of running",
    Activity.WALK_RUN: (
        f"switch to walk–run ({WALK_RUN_LEVELS[0][0]} s run / {WALK_RUN_LEVELS[0][1]} s walk)"
    ),
    Activity.RUN: "switch to a continuous run",
}
_NO_INTERVALS: dict[str, Any] = {
    "run_interval_sec": None,
    "walk_interval_sec": None,
    "repeats": None,
}


# --- Levels and shapes -------------------------------------------------------------------


def _rule_matches(rule: LevelRule, session: SessionShape) -> bool:
    return (
        (rule.activities is None or session.activity in rule.activities)
        and (rule.intensities is None or session.intensity in rule.intensities)
        and (rule.terrains is None or session.terrain in rule.terrains)
    )


def session_level(session: SessionShape) -> StageCode:
    """Return the earliest stage a running-type session belongs to (walk → uphill walking).

    The last level rule matches everything, so every session has a level.
    """
    return next(rule.stage for rule in SESSION_LEVEL_RULES if _rule_matches(rule, session))


# Levels are ranked in the default protocol's order (StageCode's declaration order), so a
# custom ladder that leaves stages out still compares them.
_LEVEL_RANK: dict[StageCode, int] = {code: rank for rank, code in enumerate(StageCode)}


def level_rank(code: StageCode) -> int:
    """Return the stage's rank in the default protocol (uphill walking = 0)."""
    return _LEVEL_RANK[code]


def fits_shape(session: SessionShape, shape: StageShape) -> bool:
    """Return whether the session is one the stage is built from (see ``StageShape``)."""
    return (
        session.activity in shape.activities
        and (shape.terrain is None or session.terrain == shape.terrain)
        and (shape.intensities is None or session.intensity in shape.intensities)
        and session.surface not in shape.leave_surfaces
    )


# --- Building suggestions -------------------------------------------------------------------


def _plan_of(session: SessionShape | EntrySession) -> dict[str, Any]:
    return {field: getattr(session, field) for field in PLAN_FIELDS}


def one_change(
    base: SessionRecord | SuggestedSession,
    *,
    stage: StageCode,
    variable: SessionVariable | None,
    reason: str,
    **fields: Any,
) -> SuggestedSession:
    """Return ``base`` with only ``variable``'s fields replaced (none for a repeat)."""
    allowed = frozenset() if variable is None else _VARIABLE_FIELDS[variable]
    assert set(fields) <= allowed, f"{variable} cannot set {sorted(set(fields) - allowed)}"
    return SuggestedSession(
        stage=stage,
        **{**_plan_of(base), **fields},
        changed_variable=variable,
        reason=reason,
        based_on_session_id=base.id
        if isinstance(base, SessionRecord)
        else base.based_on_session_id,
    )


def entry_session(stage: StageCode, reason: str) -> SuggestedSession:
    """Return the stage's entry session (suggestion-protocol data), ``changed_variable`` None."""
    entry = ENTRY_SESSIONS[stage]
    return SuggestedSession(
        stage=stage,
        **_plan_of(entry),
        changed_variable=None,
        reason=reason,
        based_on_session_id=None,
    )


def _first_intervals(duration_min: int) -> dict[str, Any]:
    run_sec, walk_sec = WALK_RUN_LEVELS[0]
    return {
        "run_interval_sec": run_sec,
        "walk_interval_sec": walk_sec,
        "repeats": repeats_in(duration_min, run_sec, walk_sec),
    }


def _intensity_rank(intensity: Intensity | None) -> int:
    # A blank intensity is read as easy.
    return INTENSITY_STEPS.index(intensity or Intensity.EASY)


def _next_intensity(current: Intensity | None, target: Intensity) -> Intensity:
    """Return one step up toward ``target`` (speed work comes gradually), else the target."""
    rank = _intensity_rank(current)
    if _intensity_rank(target) > rank:
        return INTENSITY_STEPS[rank + 1]
    return target


def moves_into_stage(
    anchor: SessionRecord, stage: StageCode, prefix: str
) -> Iterator[SuggestedSession]:
    """Yield one-variable moves of ``anchor`` toward the stage's shape.

    The moves follow the shape's ``move_order``, skipping variables that already fit; a
    terrain move in a shape with ``surface_before_terrain`` first moves the surface.
    """
    shape = STAGE_SHAPES[stage]
    entry = ENTRY_SESSIONS[stage]
    for variable in shape.move_order:
        if variable == SessionVariable.ACTIVITY and anchor.activity not in shape.activities:
            intervals = (
                _first_intervals(anchor.duration_min)
                if entry.activity == Activity.WALK_RUN
                else _NO_INTERVALS
            )
            yield one_change(
                anchor,
                stage=stage,
                variable=variable,
                reason=(
                    f"{prefix}{_ACTIVITY_SWITCHES[entry.activity]} on the same terrain and "
                    f"surface, {anchor.duration_min} min."
                ),
                activity=entry.activity,
                **intervals,
            )
        elif (
            variable == SessionVariable.TERRAIN
            and anchor.terrain != shape.terrain
            and shape.surface_before_terrain is not None
            and anchor.surface != shape.surface_before_terrain
        ):
            target = shape.surface_before_terrain
            yield one_change(
                anchor,
                stage=stage,
                variable=SessionVariable.SURFACE,
                reason=f"{prefix}move to the {target.label.lower()} first, the rest the same.",
                surface=target,
                incline_percent=None,
            )
        elif variable == SessionVariable.TERRAIN and anchor.terrain != shape.terrain:
            assert shape.terrain is not None  # a shape without terrain never lists it
            yield one_change(
                anchor,
                stage=stage,
                variable=variable,
                reason=f"{prefix}move to {shape.terrain.label.lower()} terrain, the rest the same.",
                terrain=shape.terrain,
                incline_percent=None,
            )
        elif variable == SessionVariable.SURFACE and anchor.surface in shape.leave_surfaces:
            assert shape.surface_target is not None
            yield one_change(
                anchor,
                stage=stage,
                variable=variable,
                reason=(
                    f"{prefix}move from the {anchor.surface.label.lower()} to the "
                    f"{shape.surface_target.label.lower()}, the rest the same."
                ),
                surface=shape.surface_target,
                incline_percent=None,
            )
        elif (
            variable == SessionVariable.INTENSITY
            and shape.intensities is not None
            and anchor.intensity not in shape.intensities
        ):
            assert shape.intensity_target is not None
            intensity = _next_intensity(anchor.intensity, shape.intensity_target)
            yield one_change(
                anchor,
                stage=stage,
                variable=variable,
                reason=f"{prefix}make it {intensity.label.lower()}, the rest the same.",
                intensity=intensity,
            )


def longer(
    anchor: SessionRecord, *, stage: StageCode, up_to: int, prefix: str, why: str
) -> SuggestedSession:
    """Return ``anchor`` 5 min longer, never past ``up_to`` (which is above its duration)."""
    duration = min(anchor.duration_min + DURATION_STEP_MINUTES, up_to)
    return one_change(
        anchor,
        stage=stage,
        variable=SessionVariable.DURATION,
        reason=(
            f"{prefix}add {duration - anchor.duration_min} min ({anchor.duration_min} → "
            f"{duration} min) {why}, the rest the same."
        ),
        duration_min=duration,
    )


def longer_run_interval(
    anchor: SessionRecord, *, stage: StageCode, prefix: str
) -> SuggestedSession:
    """Return the next walk–run level in the same time, or a continuous run past the last."""
    current = anchor.run_interval_sec or 0
    level = next(((r, w) for r, w in WALK_RUN_LEVELS if r > current), None)
    if level is None:
        return one_change(
            anchor,
            stage=stage,
            variable=SessionVariable.ACTIVITY,
            reason=(
                f"{prefix}switch from walk–run to a continuous run of the same "
                f"{anchor.duration_min} min."
            ),
            activity=Activity.RUN,
            **_NO_INTERVALS,
        )
    run_sec, walk_sec = level
    repeats = repeats_in(anchor.duration_min, run_sec, walk_sec)
    return one_change(
        anchor,
        stage=stage,
        variable=SessionVariable.INTERVALS,
        reason=(
            f"{prefix}lengthen the run interval to {run_sec} s (walk {walk_sec} s, "
            f"{repeats or 'as many'} repeats) in the same {anchor.duration_min} min."
        ),
        run_interval_sec=run_sec,
        walk_interval_sec=walk_sec,
        repeats=repeats,
    )
