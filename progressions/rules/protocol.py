"""The default return-to-running protocol for ITB pain, as data.

Everything clinical that is a number or a code lives here, each with its source, so a
clinic-specific protocol later is a data change rather than a code change. Pure Python:
nothing in ``progressions.rules`` imports Django.

Sources:
- "seed guide": a PT's return-to-running guide for ITB pain (SPEC §1).
- "Heiderscheit 2011": Med Sci Sports Exerc 43(2):296-302, step rate +5% reduces knee load.
- "Silbernagel 2007": Am J Sports Med 35(6):897-906, the pain-monitoring model.
- "walk-run programmes": published walk–run programmes repeat each level twice.
- "clinic default": a default the PT may change per athlete.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class Choice(enum.StrEnum):
    """A string enum whose members carry a human label (Django-free TextChoices)."""

    label: str

    def __new__(cls, value: str, label: str) -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return ``[(value, label), ...]`` in declaration order, for Django fields."""
        return [(member.value, member.label) for member in cls]


class StageCode(Choice):
    UPHILL_WALK = "uphill_walk", "Uphill walking"
    UPHILL_JOG = "uphill_jog", "Uphill jogging (walk–run)"
    FLAT_RUN = "flat_run", "Flat running"
    HILLS_TRAILS = "hills_trails", "Rolling hills & trails"
    SPEED_WORK = "speed_work", "Speed work"
    FULL_TRAINING = "full_training", "Back to full training"


class Activity(Choice):
    WALK = "walk", "Walk"
    WALK_RUN = "walk_run", "Walk–run"
    RUN = "run", "Run"
    CROSS_TRAINING = "cross_training", "Cross-training"
    STRENGTH = "strength", "Strength"


# Running-type sessions load the ITB the way running does: they need a terrain and a
# pain-during score, count toward gates and take part in the one-variable check.
RUNNING_TYPE_ACTIVITIES: frozenset[Activity] = frozenset(
    {Activity.WALK, Activity.WALK_RUN, Activity.RUN}
)


class Terrain(Choice):
    FLAT = "flat", "Flat"
    UPHILL = "uphill", "Uphill"
    ROLLING = "rolling", "Rolling hills"
    DOWNHILL = "downhill", "Downhill"


class Surface(Choice):
    TREADMILL = "treadmill", "Treadmill"
    ROAD = "road", "Road"
    TRACK = "track", "Track"
    TRAIL = "trail", "Trail"
    OTHER = "other", "Other"


class Intensity(Choice):
    EASY = "easy", "Easy"
    MODERATE = "moderate", "Moderate"
    HARD = "hard", "Hard"


class Recommendation(Choice):
    ADVANCE = "advance", "Advance"
    HOLD = "hold", "Hold"
    BACK_OFF = "back_off", "Back off"


@dataclass(frozen=True, slots=True)
class Gate:
    """What a session must be to count toward leaving a stage.

    ``None`` attributes are not part of the gate (SPEC §1: only the attributes its row
    names). ``min_minutes=None`` with ``uses_walk_gate_minutes`` reads the athlete's
    ``walk_gate_minutes`` setting instead.
    """

    activities: frozenset[Activity]
    terrain: Terrain | None
    intensity: Intensity | None
    min_minutes: int | None
    uses_walk_gate_minutes: bool = False
    source: str = "seed guide"


@dataclass(frozen=True, slots=True)
class StageDefinition:
    code: StageCode
    order: int
    gate: Gate | None  # None: the last stage, the PT discharges.

    @property
    def name(self) -> str:
        return self.code.label


DEFAULT_LADDER: tuple[StageDefinition, ...] = (
    StageDefinition(
        StageCode.UPHILL_WALK,
        1,
        Gate(
            activities=frozenset({Activity.WALK}),
            terrain=Terrain.UPHILL,
            intensity=None,
            min_minutes=None,
            uses_walk_gate_minutes=True,
        ),
    ),
    StageDefinition(
        StageCode.UPHILL_JOG,
        2,
        Gate(
            activities=frozenset({Activity.WALK_RUN, Activity.RUN}),
            terrain=Terrain.UPHILL,
            intensity=None,
            min_minutes=30,
        ),
    ),
    StageDefinition(
        StageCode.FLAT_RUN,
        3,
        Gate(
            activities=frozenset({Activity.RUN}),
            terrain=Terrain.FLAT,
            intensity=None,
            min_minutes=30,
        ),
    ),
    StageDefinition(
        StageCode.HILLS_TRAILS,
        4,
        Gate(
            activities=frozenset({Activity.RUN}),
            terrain=Terrain.ROLLING,
            intensity=Intensity.EASY,
            min_minutes=30,
        ),
    ),
    StageDefinition(
        StageCode.SPEED_WORK,
        5,
        Gate(
            activities=frozenset({Activity.RUN}),
            terrain=None,
            intensity=Intensity.HARD,
            min_minutes=20,
        ),
    ),
    StageDefinition(StageCode.FULL_TRAINING, 6, None),
)

FIRST_STAGE: StageCode = DEFAULT_LADDER[0].code


def stage_in(ladder: Sequence[StageDefinition], code: str) -> StageDefinition:
    """Return the entry for ``code`` in ``ladder``; raise ``KeyError`` if the ladder lacks it."""
    for definition in ladder:
        if definition.code == code:
            return definition
    raise KeyError(code)


def stage_definition(code: str) -> StageDefinition:
    """Return the default ladder's entry for ``code``; raise ``KeyError`` for an unknown code."""
    return stage_in(DEFAULT_LADDER, code)


def next_stage_in(ladder: Sequence[StageDefinition], code: str) -> StageDefinition | None:
    """Return the stage after ``code`` in ladder order, or None at the last stage."""
    current = stage_in(ladder, code)
    later = [definition for definition in ladder if definition.order > current.order]
    return min(later, key=lambda definition: definition.order, default=None)


# --- Athlete settings: defaults and the ranges a PT may choose from -------------------

WALK_GATE_MINUTES_DEFAULT = 30  # seed guide: "tolerated for 30–45 minutes"
WALK_GATE_MINUTES_MIN = 30
WALK_GATE_MINUTES_MAX = 45

GATE_PAIN_MAX_DEFAULT = 2  # clinic default: "no or very low discomfort"
GATE_PAIN_MAX_MIN = 0
GATE_PAIN_MAX_MAX = 3

# Heiderscheit 2011: +5% over the preferred step rate reduced knee energy absorption.
CADENCE_INCREASE = 0.05
PREFERRED_CADENCE_MIN = 120
PREFERRED_CADENCE_MAX = 220
# SPEC §1: the target is capped at 230, the highest cadence a session may record
# (SESSION_CADENCE_MAX below): a target no logged session could ever reach is no target.
TARGET_CADENCE_MIN = 120
TARGET_CADENCE_MAX = 230


def default_target_cadence(preferred_spm: int) -> int:
    """Return 1.05 × the preferred step rate, rounded half up (170 → 179, 160 → 168).

    Capped at ``TARGET_CADENCE_MAX`` (220 → 231 → 230).
    """
    exact = Decimal(preferred_spm) * (1 + Decimal(str(CADENCE_INCREASE)))
    return min(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), TARGET_CADENCE_MAX)


# --- Session logs ---------------------------------------------------------------------

PAIN_MIN = 0
PAIN_MAX = 10
# Silbernagel 2007: pain during activity may reach but not pass 5/10.
PAIN_CEILING = 5

DURATION_MIN_MINUTES = 1
DURATION_MAX_MINUTES = 300
INCLINE_MIN_PERCENT = 0
INCLINE_MAX_PERCENT = 15
SESSION_CADENCE_MIN = 100
SESSION_CADENCE_MAX = 230
assert TARGET_CADENCE_MAX == SESSION_CADENCE_MAX  # one number: see TARGET_CADENCE_MAX
DISTANCE_MAX_KM = 200  # clinic default: a plausibility bound for one rehab session
INTERVAL_MAX_SECONDS = 3600  # clinic default: one run or walk bout of at most an hour
REPEATS_MAX = 100  # clinic default

# --- Windows --------------------------------------------------------------------------

GATE_WINDOW_DAYS = 14  # today and the 13 days before
RED_FLAG_WINDOW_DAYS = 7  # today and the 6 days before
GATE_SESSIONS_REQUIRED = 2  # walk-run programmes: repeat each level at least twice
PAIN_TREND_RISE = 1.0  # Silbernagel 2007: pain must not rise week to week
# Clinical judgement (SPEC §1 revised after the audit): the trend measures the knee at rest
# (check-ins and next-morning scores), needs scores on at least 2 dates in each week, and
# only counts when the last week's mean is above the athlete's gate maximum: a rise from
# 0 to 1 is noise, not a knee getting worse.
PAIN_TREND_MIN_DATES_PER_WEEK = 2
# Next-morning pain is "settled" up to max(baseline, this floor, gate maximum): 2/10 the
# morning after is within what Silbernagel's model accepts, even for a gate maximum of 0.
PAIN_NOT_SETTLED_FLOOR = 2
# Pain at rest (a check-in, or the pain before a session) above 5/10 is a red flag on its
# own: the knee is irritable before any load (clinical judgement, SPEC §1 revised).
REST_PAIN_CEILING = 5


# --- Codes the engine reports (part of the API) ---------------------------------------


class RedFlagCode(Choice):
    """Why the recommendation is ``back_off`` (Silbernagel 2007 + the seed guide)."""

    PAIN_ABOVE_CEILING = "pain_above_ceiling", "Pain above 5/10 during or after a session"
    PAIN_NOT_SETTLED = "pain_not_settled", "Pain not settled by the next morning"
    REST_PAIN_HIGH = "rest_pain_high", "Pain at rest above 5/10"
    PAIN_RISING_WEEK_TO_WEEK = "pain_rising_week_to_week", "Pain rising week to week"
    STOPPED_EARLY = "stopped_early", "Stopped early because of pain"


class WarningCode(Choice):
    MULTIPLE_VARIABLES_CHANGED = "multiple_variables_changed", "More than one variable changed"


class CriterionCode(Choice):
    """The gate checklist shown to the PT."""

    GATE = "gate", "Gate sessions tolerated"
    NO_RED_FLAGS = "no_red_flags", "No red flags in the last 7 days"


class SessionVariable(Choice):
    """The variables of the one-variable-at-a-time rule, in the order they are reported."""

    ACTIVITY = "activity", "Activity"
    TERRAIN = "terrain", "Terrain"
    SURFACE = "surface", "Surface"
    INCLINE = "incline", "Incline"
    DURATION = "duration", "Duration"
    INTENSITY = "intensity", "Intensity"
    INTERVALS = "intervals", "Run/walk intervals"
    CADENCE = "cadence", "Cadence"


# --- One variable at a time: how big a difference counts as a change (seed guide) ----

# > 1 percentage point; only when both have one and both are on the same terrain (SPEC §1:
# uphill 5% → flat 0% is one change, the terrain, not two).
INCLINE_CHANGE_POINTS = Decimal("1")
DURATION_CHANGE_FRACTION = Decimal("0.10")  # > 10% of the previous session's duration
# > 3% of the previous cadence; only when both have one and both are the same activity
# (walking and running step rates differ by nature: walk → walk–run is one change).
CADENCE_CHANGE_FRACTION = Decimal("0.03")
MULTIPLE_VARIABLES_MIN = 2  # two or more changed variables make a warning

# Cadence is shown against a running target (Heiderscheit 2011 measured running), so
# only sessions with running in them are compared with it: a walking step rate is not.
CADENCE_ACTIVITIES: frozenset[Activity] = frozenset({Activity.WALK_RUN, Activity.RUN})


# --- Load order (SPEC §1: higher = more load on the ITB) ------------------------------
# Each tuple runs from least to most load. Incline, cadence and cross-training or strength
# sessions carry no order: they cap nothing and are never capped.

ACTIVITY_LOAD: tuple[Activity, ...] = (Activity.WALK, Activity.WALK_RUN, Activity.RUN)
# Downhill strains the ITB most (seed guide); a treadmill has no downhill on the way home.
TERRAIN_LOAD: tuple[Terrain, ...] = (
    Terrain.UPHILL,
    Terrain.FLAT,
    Terrain.ROLLING,
    Terrain.DOWNHILL,
)
SURFACE_LOAD: tuple[Surface, ...] = (
    Surface.TREADMILL,
    Surface.TRACK,
    Surface.ROAD,
    Surface.OTHER,
    Surface.TRAIL,
)
INTENSITY_LOAD: tuple[Intensity, ...] = (Intensity.EASY, Intensity.MODERATE, Intensity.HARD)

# --- Suggestion rules (SPEC §1 "Suggested next session") -------------------------------

# Rule 1: these flags, raised by something dated today or yesterday, mean a rest day.
REST_DAY_FLAGS: frozenset[RedFlagCode] = frozenset(
    {RedFlagCode.PAIN_ABOVE_CEILING, RedFlagCode.STOPPED_EARLY, RedFlagCode.REST_PAIN_HIGH}
)
REST_DAY_LOOKBACK_DAYS = 1  # today and yesterday
# Rule 2: back off to the last tolerated session, a quarter shorter (walk–run: a quarter
# fewer repeats), rounded down to whole minutes, never under 5 minutes. Clinical
# judgement written into SPEC §1: a clear step down that a 10% "change" would not be.
BACK_OFF_FRACTION = Decimal("0.25")
BACK_OFF_FLOOR_MINUTES = 5
# Rule 6: the duration step toward the gate (seed guide: "+5 min").
DURATION_STEP_MINUTES = 5
