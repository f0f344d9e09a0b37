"""The demo clinic's people and stories, as data: levels, scripts, notes.

Each athlete is a short clinical story (``SCRIPTS``): the levels of the ladder they walked
through (``LEVELS``, each one variable away from the one before), how often they train,
and the moments that give the dashboard something to show. ``athletes.demo`` loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from progressions.rules.protocol import (
    Activity,
    Intensity,
    Recommendation,
    StageCode,
    Surface,
    Terrain,
)

DEMO_CLINIC_NAME = "Riverside Sports Physio"
DEMO_TIME_ZONE = "Europe/London"  # review day and hour: the clinic defaults, Monday 08:00
DEMO_URL = "http://127.0.0.1:8000/"
DEMO_EMAIL = "demo@itbrehab.example"
DEMO_PASSWORD = "knee-gate-2026"  # passes Django's default password validators
DEMO_FIRST_NAME = "Hannah"
DEMO_LAST_NAME = "Reid"
# A second PT of the clinic, so the dashboard's therapist column means something. Same
# password: anyone trying the demo may log in as either.
COLLEAGUE_EMAIL = "tom.baxter@itbrehab.example"
COLLEAGUE_FIRST_NAME = "Tom"
COLLEAGUE_LAST_NAME = "Baxter"

DEMO_TODAY_IN_FUTURE = "The demo cannot be loaded for a day after the clinic's today."

W, WR, R = Activity.WALK, Activity.WALK_RUN, Activity.RUN
UP, FLAT, ROLLING = Terrain.UPHILL, Terrain.FLAT, Terrain.ROLLING
TREADMILL, ROAD, TRACK, TRAIL = Surface.TREADMILL, Surface.ROAD, Surface.TRACK, Surface.TRAIL
EASY, MODERATE, HARD = Intensity.EASY, Intensity.MODERATE, Intensity.HARD
TREADMILL_INCLINE = Decimal("8.0")


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of a progression: a session the athlete repeats before changing one thing.

    Flat and rolling sessions log no incline, so leaving the 8% treadmill changes only the
    terrain (SPEC §1 compares inclines only when both sessions have one).
    """

    stage: StageCode
    activity: Activity
    terrain: Terrain
    surface: Surface
    duration_min: int
    intensity: Intensity = EASY
    incline_percent: Decimal | None = None
    intervals: tuple[int, int, int] | None = None  # run seconds, walk seconds, repeats


def _walk(minutes: int) -> Level:
    return Level(StageCode.UPHILL_WALK, W, UP, TREADMILL, minutes, EASY, TREADMILL_INCLINE)


def _uphill_walk_run(run_sec: int, walk_sec: int) -> Level:
    intervals = (run_sec, walk_sec, 10)
    return Level(StageCode.UPHILL_JOG, WR, UP, TREADMILL, 30, EASY, TREADMILL_INCLINE, intervals)


# The ladder, in order. The comment names the one variable that changes from the level an
# athlete does before it (athletes may skip a rung when that still changes one variable).
LEVELS: dict[str, Level] = {
    # Uphill walking, 8% treadmill: duration grows toward the walk gate.
    "W20": _walk(20),
    "W25": _walk(25),
    "W30": _walk(30),
    "W35": _walk(35),
    # Uphill jogging: W30 → walk–run (activity), then longer run bouts (intervals).
    "J60": _uphill_walk_run(60, 120),
    "J90": _uphill_walk_run(90, 90),
    "J120": _uphill_walk_run(120, 60),
    # Flat running: same walk–run on a flat treadmill (terrain), longer bouts (intervals),
    # continuous (activity), then out on the road (surface).
    "FJ120": Level(StageCode.FLAT_RUN, WR, FLAT, TREADMILL, 30, intervals=(120, 60, 10)),
    "FJ240": Level(StageCode.FLAT_RUN, WR, FLAT, TREADMILL, 30, intervals=(240, 60, 6)),
    "FR30T": Level(StageCode.FLAT_RUN, R, FLAT, TREADMILL, 30),
    # A back-off after a painful treadmill run: 25% shorter (duration).
    "FR22T": Level(StageCode.FLAT_RUN, R, FLAT, TREADMILL, 22),
    "FR30R": Level(StageCode.FLAT_RUN, R, FLAT, ROAD, 30),
    # Only for the deliberate mistake: treadmill 30 → road 40 (surface and duration).
    "FR40R": Level(StageCode.FLAT_RUN, R, FLAT, ROAD, 40),
    # Rolling hills at an easy pace: terrain, then trail (surface) or longer (duration).
    "HR30": Level(StageCode.HILLS_TRAILS, R, ROLLING, ROAD, 30),
    "HT30": Level(StageCode.HILLS_TRAILS, R, ROLLING, TRAIL, 30),
    "HR40": Level(StageCode.HILLS_TRAILS, R, ROLLING, ROAD, 40),
    # Speed work: back to the flat loop (terrain), tempo (intensity), intervals
    # (intensity), then the track (surface). 40 min includes warm-up and cool-down.
    "SF40": Level(StageCode.SPEED_WORK, R, FLAT, ROAD, 40),
    "SM40": Level(StageCode.SPEED_WORK, R, FLAT, ROAD, 40, MODERATE),
    "SH40": Level(StageCode.SPEED_WORK, R, FLAT, ROAD, 40, HARD),
    "STK40": Level(StageCode.SPEED_WORK, R, FLAT, TRACK, 40, HARD),
    # Full training: rebuild the easy volume (intensity, duration, terrain).
    "TE40": Level(StageCode.FULL_TRAINING, R, FLAT, ROAD, 40),
    "TE50": Level(StageCode.FULL_TRAINING, R, FLAT, ROAD, 50),
    "TRL50": Level(StageCode.FULL_TRAINING, R, ROLLING, ROAD, 50),
}

Pain = tuple[int | None, int, int, int | None]  # before, during, after, next morning


@dataclass(frozen=True, slots=True)
class Moment:
    """What really happened in one running-type session, instead of the generated values.

    ``session`` counts back from the most recent running-type session (-1).
    """

    session: int
    pain: Pain | None = None
    duration_min: int | None = None
    stopped_early: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Script:
    """One athlete's story: who they are, the levels they did, and what to show now."""

    first_name: str
    last_name: str
    side: str
    preferred_cadence: int
    stage: StageCode
    plan: tuple[tuple[str, int], ...]  # (level, sessions at that level), oldest first
    expect: Recommendation  # what the engine should recommend today (SPEC §1)
    red_flags: tuple[str, ...] = ()
    last_session_days_ago: int = 1
    rhythm: tuple[int, ...] = (2, 2, 3)  # days between running sessions, repeating
    lead_in_days: int = 0  # bike and strength only, before the first walk
    walk_gate_minutes: int = 30
    gate_pain_max: int = 2
    ache_last_week: int = 0  # added to every pain score of the last 7 days
    moments: tuple[Moment, ...] = ()
    colleague: bool = False  # Tom Baxter's athlete rather than the demo PT's
    # The PT restarted the stage (SPEC §3) on the day of this running-type session,
    # counted back like ``Moment.session``, before it was logged.
    restart_at: int | None = None
    restart_reason: str = ""
    discharged: bool = False
    distance_unit: str = "km"
    planned_sessions_per_week: int = 3  # adherence (SPEC §11)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


EARLY = (("W20", 2), ("W30", 2), ("J60", 2), ("J120", 2), ("FJ120", 2))
TO_HILLS = (*EARLY, ("FR30T", 2), ("FR30R", 2), ("HR30", 2), ("HR40", 2))

# fmt: off
SCRIPTS: tuple[Script, ...] = (
    # Hill-walker with a hilly marathon in the autumn: the PT set the walk gate to 40 min.
    # Walking 35 min comfortably twice, not at the gate yet → hold, and the app steps her
    # up to 40 min (the level was done twice on different days).
    Script(
        "Priya", "Shah", "left", 164, StageCode.UPHILL_WALK,
        (("W20", 3), ("W25", 3), ("W30", 2), ("W35", 2)),
        Recommendation.HOLD, lead_in_days=12, walk_gate_minutes=40,
    ),
    # Flare-up after a downhill race; two weeks of bike and hip strength, then walking.
    # Two tolerated 30-min uphill walks in the last week → advance to walk–run.
    Script(
        "Daniel", "Okoro", "right", 170, StageCode.UPHILL_WALK,
        (("W20", 2), ("W25", 2), ("W30", 2)),
        Recommendation.ADVANCE, lead_in_days=18,
    ),
    # Walk–run going well until the 90 s bouts: woke up sore the next day (4/10 on the
    # stairs) → pain_not_settled, back off.
    Script(
        "Megan", "Clarke", "right", 166, StageCode.UPHILL_JOG,
        (("W20", 2), ("W25", 2), ("W30", 2), ("J60", 2), ("J90", 2)),
        Recommendation.BACK_OFF, ("pain_not_settled",),
        last_session_days_ago=3, rhythm=(2, 1, 2, 2), lead_in_days=10,
        planned_sessions_per_week=6,  # a keen plan she has not kept: her adherence shows it
        moments=(Moment(-1, (0, 2, 3, 4), note="Woke up with the outside of the knee aching, "
                        "stairs sore."),),
    ),
    # Two previous flare-ups: the PT counts only pain ≤ 1 as tolerated. His last walk–run
    # reached 2/10, fine for most, not for him → hold.
    Script(
        "Lukas", "Brenner", "both", 172, StageCode.UPHILL_JOG,
        (("W20", 2), ("W25", 2), ("W30", 2), ("J60", 2), ("J90", 2)),
        Recommendation.HOLD, lead_in_days=8, gate_pain_max=1,
        moments=(Moment(-1, (0, 2, 1, 1), note="Felt tight on the last repeat."),),
    ),
    # Sharp pain at the end of a treadmill run four days ago (6/10 after): the app backed
    # her off to a 22-min run, tolerated twice since. Still inside the 7 days → back off,
    # but the app repeats the 22 minutes she tolerated rather than cutting again (no
    # ratchet).
    Script(
        "Aisha", "Bello", "left", 168, StageCode.FLAT_RUN,
        (*EARLY, ("FJ240", 2), ("FR30T", 3), ("FR22T", 2)),
        Recommendation.BACK_OFF, ("pain_above_ceiling",),
        rhythm=(2, 1, 2, 2), lead_in_days=5,
        moments=(Moment(-3, (0, 3, 6, 2), note="Sharp on the outside of the knee for the "
                        "last 10 min."),),
    ),
    # Woke up sore after the 90 s bouts (4/10): the PT restarted uphill jogging at the
    # 60 s bouts. One tolerated session since the restart → hold: repeat it.
    Script(
        "Owen", "Gallagher", "right", 172, StageCode.UPHILL_JOG,
        (("W20", 2), ("W25", 2), ("W30", 2), ("J60", 2), ("J90", 2), ("J60", 1)),
        Recommendation.HOLD, last_session_days_ago=2, rhythm=(3, 2, 2), lead_in_days=6,
        restart_at=-1,
        restart_reason="Sore the morning after the 90 s bouts: restart uphill jogging at "
        "60 s bouts.",
        moments=(Moment(-2, (0, 2, 2, 4), note="Knee sore on the stairs this morning."),),
    ),
    # Went from the treadmill straight to a 40-min road run with his club: two variables
    # at once. Tolerated; today he is back to 30 min, next morning not known yet → hold.
    Script(
        "Chris", "Thornton", "right", 176, StageCode.FLAT_RUN,
        (*EARLY, ("FR30T", 2), ("FR40R", 1), ("FR30R", 1)),
        Recommendation.HOLD, last_session_days_ago=0, rhythm=(2, 2, 1, 2), lead_in_days=7,
        colleague=True,
        moments=(
            Moment(-2, note="Club run with friends, 40 min on the road. Felt fine."),
            Moment(-1, note="Back to 30 min as Tom asked."),
        ),
    ),
    # Trail runner, steady all the way: two easy rolling trail runs tolerated → advance
    # to speed work.
    Script(
        "Grace", "Lindqvist", "left", 162, StageCode.HILLS_TRAILS,
        (("W20", 2), ("W30", 2), ("J60", 2), ("J90", 2), ("J120", 2), ("FJ120", 2),
         ("FR30T", 2), ("FR30R", 2), ("HR30", 2), ("HT30", 2)),
        Recommendation.ADVANCE, last_session_days_ago=2, rhythm=(2, 1, 2, 2),
    ),
    # Rolling hills are new: the long downhill on his second hilly run brought 3/10,
    # settled by the morning. Not tolerated, no red flag → hold at this level.
    Script(
        "Ben", "Adeyemi", "left", 158, StageCode.HILLS_TRAILS,
        (*EARLY, ("FJ240", 2), ("FR30T", 2), ("FR30R", 2), ("HR30", 2)),
        Recommendation.HOLD, last_session_days_ago=2,
        moments=(Moment(-1, (0, 3, 2, 1), note="Felt it on the long downhill, 3/10. "
                        "Fine by the evening."),),
    ),
    # Track intervals: had to stop after 18 min, limping on the right → stopped_early.
    Script(
        "Sophie", "Marchetti", "right", 174, StageCode.SPEED_WORK,
        (*TO_HILLS, ("SF40", 2), ("SM40", 2), ("SH40", 2), ("STK40", 3)),
        Recommendation.BACK_OFF, ("stopped_early",), rhythm=(2, 1, 2, 2),
        moments=(Moment(-1, (0, 4, 3, 2), duration_min=18, stopped_early=True,
                        note="Stopped after 4 of 8 reps: outside of the knee, started "
                        "limping."),),
    ),
    # Tempo runs on the flat, no hard session yet → hold.
    Script(
        "Rachel", "Osei", "both", 168, StageCode.SPEED_WORK,
        (*TO_HILLS, ("SF40", 2), ("SM40", 2)),
        Recommendation.HOLD, last_session_days_ago=0, rhythm=(2, 1, 2, 2), colleague=True,
    ),
    # Back in a marathon block; no single bad run, but a dull ache at rest has crept up all
    # week (mornings and before each run) → pain_rising_week_to_week, back off before it
    # becomes a flare.
    Script(
        "James", "Whitfield", "right", 170, StageCode.FULL_TRAINING,
        (*TO_HILLS, ("SF40", 2), ("SM40", 2), ("SH40", 2), ("TE40", 2), ("TE50", 2),
         ("TRL50", 2)),
        Recommendation.BACK_OFF, ("pain_rising_week_to_week",),
        rhythm=(2, 1, 2, 2), ache_last_week=3, distance_unit="mi",
    ),
    # Finished the programme and was discharged last week.
    Script(
        "Martin", "Kowalski", "left", 166, StageCode.FULL_TRAINING,
        (*TO_HILLS, ("SF40", 2), ("SH40", 2), ("TE40", 2), ("TE50", 2)),
        Recommendation.HOLD, last_session_days_ago=8, rhythm=(2, 1, 2, 2), discharged=True,
    ),
)
# fmt: on

CALM_NOTES = {
    W: ("Easy, knee quiet throughout.", "Could have gone longer.", "Used the handrails less."),
    WR: ("Metronome helped keep the steps short.", "Run bits felt smooth.", "Knee quiet."),
    R: ("Felt good, kept it conversational.", "Focused on the metronome, shorter steps.",
        "Legs heavy after a long day at work.", "Knee quiet. Hips a bit tired."),
}  # fmt: skip
FAST_NOTES = (  # tempo and intervals
    "Knee quiet through the faster bits.",
    "Good session, legs tired after.",
    "Kept the steps short on the fast reps.",
)
NIGGLE_NOTES = (
    "Felt tight in the last few minutes.",
    "Slight tightness halfway, gone by the end.",
    "Outside of the knee niggled near the end, then settled.",
)
CROSS_TRAINING = (("Bike, easy spin.", 40), ("Swim.", 30), ("Cross-trainer.", 30))
STRENGTH_NOTE = "Hip strength: clams, side planks, single-leg bridges."
