"""The suggested-next-session choices, as data: levels, stage shapes, entries and steps.

Every choice here is a clinic default (SPEC §1 gives the direction, not the numbers);
change the data, not ``suggestion.py``, to change the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from progressions.rules.protocol import (
    Activity,
    Intensity,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
)

# --- Which stage a kind of session belongs to --------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A running-type session matching every non-None set belongs to ``stage``."""

    stage: StageCode
    activities: frozenset[Activity] | None = None
    intensities: frozenset[Intensity | None] | None = None
    terrains: frozenset[Terrain | None] | None = None


# The earliest stage at which a kind of session is part of the plan; first match wins.
# "Never jump a stage" means a suggestion's level is never past the stage it is for.
SESSION_LEVEL_RULES: tuple[LevelRule, ...] = (
    # Walking in any form is the first stage's load: it spares the ITB.
    LevelRule(StageCode.UPHILL_WALK, activities=frozenset({Activity.WALK})),
    # Hard running is speed work wherever it happens.
    LevelRule(StageCode.SPEED_WORK, intensities=frozenset({Intensity.HARD})),
    # Running uphill (on the treadmill: no downhill on the way home) comes first.
    LevelRule(StageCode.UPHILL_JOG, terrains=frozenset({Terrain.UPHILL})),
    # Then flat running; a running session without a terrain is read as flat.
    LevelRule(StageCode.FLAT_RUN, terrains=frozenset({Terrain.FLAT, None})),
    # Rolling and downhill running strain the ITB most: hills and trails.
    LevelRule(StageCode.HILLS_TRAILS),
)


# --- What each stage trains ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageShape:
    """The sessions a stage is built from, and the order in which to move a session into it.

    A session fits the shape when its activity is in ``activities``, its terrain equals
    ``terrain`` (None: any), its intensity is in ``intensities`` (None: any) and its
    surface is not in ``leave_surfaces``. ``move_order`` is the order in which mismatching
    variables are changed, one per suggestion.
    """

    activities: frozenset[Activity]
    terrain: Terrain | None
    intensities: frozenset[Intensity | None] | None
    intensity_target: Intensity | None  # where a mismatching intensity moves (one step up)
    leave_surfaces: frozenset[Surface]
    surface_target: Surface | None
    move_order: tuple[SessionVariable, ...]
    # SPEC §1: "treadmill before any uphill move in the first two stages": a terrain move
    # to this shape's terrain first moves a session onto this surface.
    surface_before_terrain: Surface | None = None


_NOT_HARD: frozenset[Intensity | None] = frozenset({None, Intensity.EASY, Intensity.MODERATE})
_JOG = frozenset({Activity.WALK_RUN, Activity.RUN})
_RUN = frozenset({Activity.RUN})

STAGE_SHAPES: dict[StageCode, StageShape] = {
    # Seed guide: uphill treadmill walking.
    StageCode.UPHILL_WALK: StageShape(
        activities=frozenset({Activity.WALK}),
        terrain=Terrain.UPHILL,
        intensities=None,
        intensity_target=None,
        leave_surfaces=frozenset(),
        surface_target=None,
        move_order=(SessionVariable.ACTIVITY, SessionVariable.TERRAIN),
        surface_before_terrain=Surface.TREADMILL,
    ),
    # "Uphill walk → uphill walk–run on the same treadmill": activity first.
    StageCode.UPHILL_JOG: StageShape(
        activities=_JOG,
        terrain=Terrain.UPHILL,
        intensities=_NOT_HARD,
        intensity_target=Intensity.EASY,
        leave_surfaces=frozenset(),
        surface_target=None,
        move_order=(SessionVariable.ACTIVITY, SessionVariable.INTENSITY, SessionVariable.TERRAIN),
        surface_before_terrain=Surface.TREADMILL,
    ),
    # "Uphill walk–run → flat walk–run", then walk–run → continuous run within the stage.
    StageCode.FLAT_RUN: StageShape(
        activities=_JOG,
        terrain=Terrain.FLAT,
        intensities=_NOT_HARD,
        intensity_target=Intensity.EASY,
        leave_surfaces=frozenset(),
        surface_target=None,
        move_order=(SessionVariable.ACTIVITY, SessionVariable.INTENSITY, SessionVariable.TERRAIN),
    ),
    # "Treadmill → road" before the hills (a treadmill or track has none), then an easy
    # pace ("at a consistent, easy pace"), then rolling terrain.
    StageCode.HILLS_TRAILS: StageShape(
        activities=_RUN,
        terrain=Terrain.ROLLING,
        intensities=frozenset({Intensity.EASY}),
        intensity_target=Intensity.EASY,
        leave_surfaces=frozenset({Surface.TREADMILL, Surface.TRACK}),
        surface_target=Surface.ROAD,
        move_order=(
            SessionVariable.ACTIVITY,
            SessionVariable.SURFACE,
            SessionVariable.INTENSITY,
            SessionVariable.TERRAIN,
        ),
    ),
    # "Speed work is gradually reintroduced": intensity rises one step at a time, on the
    # flat (hard downhill running is the worst ITB load) and off trails, onto a track.
    StageCode.SPEED_WORK: StageShape(
        activities=_RUN,
        terrain=Terrain.FLAT,
        intensities=frozenset({Intensity.HARD}),
        intensity_target=Intensity.HARD,
        leave_surfaces=frozenset({Surface.TRAIL}),
        surface_target=Surface.TRACK,
        move_order=(
            SessionVariable.ACTIVITY,
            SessionVariable.SURFACE,
            SessionVariable.TERRAIN,
            SessionVariable.INTENSITY,
        ),
    ),
    # Back to full training: any running.
    StageCode.FULL_TRAINING: StageShape(
        activities=_RUN,
        terrain=None,
        intensities=None,
        intensity_target=None,
        leave_surfaces=frozenset(),
        surface_target=None,
        move_order=(SessionVariable.ACTIVITY,),
    ),
}

# Easy → moderate → hard; a blank intensity is read as easy.
INTENSITY_STEPS: tuple[Intensity, ...] = (Intensity.EASY, Intensity.MODERATE, Intensity.HARD)


# --- Entry sessions: the first session of a stage when no running-type session exists ----


@dataclass(frozen=True, slots=True)
class EntrySession:
    activity: Activity
    terrain: Terrain
    surface: Surface
    incline_percent: Decimal | None
    duration_min: int
    intensity: Intensity
    run_interval_sec: int | None = None
    walk_interval_sec: int | None = None
    repeats: int | None = None


ENTRY_SESSIONS: dict[StageCode, EntrySession] = {
    # A moderate treadmill incline loads heart and lungs with no downhill; 20 min leaves
    # two +5 min steps to the 30-min gate.
    StageCode.UPHILL_WALK: EntrySession(
        Activity.WALK, Terrain.UPHILL, Surface.TREADMILL, Decimal("5.0"), 20, Intensity.EASY
    ),
    # The same treadmill and incline, with the first walk–run level (6 × 3 min in 20 min).
    StageCode.UPHILL_JOG: EntrySession(
        Activity.WALK_RUN,
        Terrain.UPHILL,
        Surface.TREADMILL,
        Decimal("5.0"),
        20,
        Intensity.EASY,
        run_interval_sec=60,
        walk_interval_sec=120,
        repeats=6,
    ),
    # Flat treadmill walk–run: a controlled, even surface for the first flat running.
    StageCode.FLAT_RUN: EntrySession(
        Activity.WALK_RUN,
        Terrain.FLAT,
        Surface.TREADMILL,
        None,
        20,
        Intensity.EASY,
        run_interval_sec=60,
        walk_interval_sec=120,
        repeats=6,
    ),
    # Gentle rolling road at an easy pace, shorter than the 30-min gate.
    StageCode.HILLS_TRAILS: EntrySession(
        Activity.RUN, Terrain.ROLLING, Surface.ROAD, None, 20, Intensity.EASY
    ),
    # Hard work on a flat track, one +5 min step short of the 20-min gate.
    StageCode.SPEED_WORK: EntrySession(
        Activity.RUN, Terrain.FLAT, Surface.TRACK, None, 15, Intensity.HARD
    ),
    # An ordinary easy road run.
    StageCode.FULL_TRAINING: EntrySession(
        Activity.RUN, Terrain.FLAT, Surface.ROAD, None, 30, Intensity.EASY
    ),
}


# --- Step sizes ------------------------------------------------------------------------------

# Walk–run levels (run s, walk s): a longer run bout each step, as published walk–run
# programmes do; past the last level the next step is a continuous run.
WALK_RUN_LEVELS: tuple[tuple[int, int], ...] = (
    (60, 120),
    (120, 120),
    (180, 90),
    (240, 60),
    (300, 60),
)
