"""What advancing would start: the next stage's first session (SPEC §1).

Non-null only on ``advance``. It is the more recent of the two gate sessions with the one
variable that defines the next stage changed, its duration capped at the next stage's
gate minimum, and a hard pace the next stage does not train (a gate walk logged hard)
made easy: shorter and easier are less load, so they may come with the change. The PT page
shows it as what advancing would start; a stage change stores the one it offered, and
the first suggestion of the new stage is that session (rule 3).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from progressions.rules.gates import gate_min_minutes
from progressions.rules.load import repeats_in
from progressions.rules.protocol import (
    Activity,
    Intensity,
    Recommendation,
    SessionVariable,
    StageCode,
    StageDefinition,
    Surface,
    Terrain,
)
from progressions.rules.records import AthleteSettings, SessionRecord
from progressions.rules.results import Criterion, SuggestedSession
from progressions.rules.suggestion_protocol import STAGE_SHAPES, WALK_RUN_LEVELS
from progressions.rules.words import named

# A move: (the changed variable, the changed fields, what it says) from the gate session.
_Move = tuple[SessionVariable, dict[str, Any], str]


def _to_walk_run(base: SessionRecord, duration_min: int) -> _Move:
    # Uphill walk → uphill walk–run on the same treadmill, at the first walk–run level.
    run_sec, walk_sec = WALK_RUN_LEVELS[0]
    fields = {
        "activity": Activity.WALK_RUN,
        "run_interval_sec": run_sec,
        "walk_interval_sec": walk_sec,
        "repeats": repeats_in(duration_min, run_sec, walk_sec),
    }
    return SessionVariable.ACTIVITY, fields, f"as a walk–run ({run_sec} s run / {walk_sec} s walk)"


def _to_flat(base: SessionRecord, duration_min: int) -> _Move:
    # Uphill → flat, the same activity and surface.
    return (
        SessionVariable.TERRAIN,
        {"terrain": Terrain.FLAT, "incline_percent": None},
        "on the flat",
    )


def _to_hills(base: SessionRecord, duration_min: int) -> _Move:
    # A treadmill run first moves to a flat road; a road or track run moves to rolling
    # terrain at an easy pace (SPEC §1). Any other surface is read as outdoors.
    if base.surface == Surface.TREADMILL:
        fields = {"surface": Surface.ROAD, "incline_percent": None}
        return SessionVariable.SURFACE, fields, "on a flat road instead of the treadmill"
    fields = {"terrain": Terrain.ROLLING, "intensity": Intensity.EASY, "incline_percent": None}
    return SessionVariable.TERRAIN, fields, "on rolling terrain at an easy pace"


def _to_speed(base: SessionRecord, duration_min: int) -> _Move:
    # Rolling easy → flat and hard, on a track if the base was on a trail.
    fields: dict[str, Any] = {
        "terrain": Terrain.FLAT,
        "intensity": Intensity.HARD,
        "incline_percent": None,
    }
    if base.surface == Surface.TRAIL:
        fields["surface"] = Surface.TRACK
    return (
        SessionVariable.INTENSITY,
        fields,
        "hard, on the flat" + (" of a track" if base.surface == Surface.TRAIL else ""),
    )


_MOVES: dict[tuple[StageCode, StageCode], Callable[[SessionRecord, int], _Move]] = {
    (StageCode.UPHILL_WALK, StageCode.UPHILL_JOG): _to_walk_run,
    (StageCode.UPHILL_JOG, StageCode.FLAT_RUN): _to_flat,
    (StageCode.FLAT_RUN, StageCode.HILLS_TRAILS): _to_hills,
    (StageCode.HILLS_TRAILS, StageCode.SPEED_WORK): _to_speed,
}


def _trains_hard(stage: StageDefinition) -> bool:
    shape = STAGE_SHAPES.get(stage.code)
    return shape is None or shape.intensities is None or Intensity.HARD in shape.intensities


def next_stage_first_session(
    *,
    recommendation: Recommendation,
    current: StageDefinition,
    following: StageDefinition | None,
    gate: Criterion | None,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
) -> SuggestedSession | None:
    """Return the session advancing would start, or None unless the recommendation is advance.

    A pair of stages SPEC §1 does not describe (speed work → full training, or a custom
    ladder) starts with the gate session unchanged: the clinical judgement is that a new
    stage never begins with more load than the gate showed the knee tolerates.
    """
    if recommendation != Recommendation.ADVANCE or following is None or gate is None:
        return None
    base = next(s for s in sessions if s.id == gate.evidence[0])
    duration = base.duration_min
    if following.gate is not None:
        duration = min(duration, gate_min_minutes(following.gate, settings))
    move = _MOVES.get((current.code, following.code))
    variable: SessionVariable | None = None
    fields: dict[str, Any] = {}
    change = "unchanged"
    if move is not None:
        variable, fields, change = move(base, duration)
    if duration < base.duration_min:
        change += f", {duration} min"
    if fields.get("intensity", base.intensity) == Intensity.HARD and not _trains_hard(following):
        fields["intensity"] = Intensity.EASY  # only ever eased, never made harder
        change += ", at an easy pace"
    plan = SuggestedSession(
        stage=following.code,
        activity=base.activity,
        terrain=base.terrain,
        surface=base.surface,
        incline_percent=base.incline_percent,
        duration_min=duration,
        intensity=base.intensity,
        run_interval_sec=base.run_interval_sec,
        walk_interval_sec=base.walk_interval_sec,
        repeats=base.repeats,
        changed_variable=variable,
        reason=(
            f"If the PT advances to {following.name.lower()}: "
            f"{named(base, settings, adjective='gate')}, {change}."
        ),
        based_on_session_id=base.id,
    )
    return dataclasses.replace(plan, **fields)
