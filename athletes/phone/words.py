"""What the athlete reads: a suggested session in plain words (SPEC §1 "Words"), and the
pain scale's words.

One phrasing of a suggestion for the phone and the PT page alike (the PT page's
``session_words`` filter): "30 min uphill walk on the treadmill at 8%". It never uses
``reason``, which is written for the PT (third person, names its base session by date) and
is not for the athlete's eyes.
"""

from __future__ import annotations

from decimal import Decimal

from progressions.rules import SuggestedSession
from progressions.rules.protocol import Activity, Intensity, Surface, Terrain

REST_DAY_WORDS = "rest or cross-train"

ACTIVITY_WORDS = {
    Activity.WALK: "walk",
    Activity.WALK_RUN: "walk–run",
    Activity.RUN: "run",
    Activity.CROSS_TRAINING: "cross-training",
    Activity.STRENGTH: "strength session",
}
# Said before the activity ("uphill walk"); rolling hills read better after it.
TERRAIN_BEFORE = {Terrain.UPHILL: "uphill", Terrain.FLAT: "flat", Terrain.DOWNHILL: "downhill"}
TERRAIN_AFTER = {Terrain.ROLLING: "over rolling hills"}
# "Other" says nothing the athlete does not know already.
SURFACE_WORDS = {
    Surface.TREADMILL: "on the treadmill",
    Surface.ROAD: "on the road",
    Surface.TRACK: "on the track",
    Surface.TRAIL: "on trails",
}

PAIN_WORDS = {
    0: "none",
    1: "barely",
    2: "mild",
    3: "uncomfortable",
    4: "moderate",
    5: "distracting",
    6: "distressing",
    7: "hard to ignore",
    8: "intense",
    9: "severe",
    10: "worst imaginable",
}


def describe_suggestion(s: SuggestedSession) -> str:
    """Return the session in the athlete's words, lower case first.

    "30 min uphill walk on the treadmill at 8%", "20 min uphill walk–run on the treadmill
    at 5% (run 1 min, walk 2 min, 6 times)", "20 min flat run on the track, hard effort".
    A rest day is "rest or cross-train". Missing fields are left out; the intensity is
    said only when it is not easy (easy is the default of every stage but speed work).
    """
    if s.rest_day:
        return REST_DAY_WORDS
    parts: list[str] = []
    if s.duration_min is not None:
        parts.append(f"{s.duration_min} min")
    if s.terrain is not None and s.terrain in TERRAIN_BEFORE:
        parts.append(TERRAIN_BEFORE[s.terrain])
    parts.append(ACTIVITY_WORDS[s.activity] if s.activity is not None else "session")
    if s.terrain is not None and s.terrain in TERRAIN_AFTER:
        parts.append(TERRAIN_AFTER[s.terrain])
    if s.surface is not None and s.surface in SURFACE_WORDS:
        parts.append(SURFACE_WORDS[s.surface])
    if s.incline_percent:
        parts.append(f"at {_percent(s.incline_percent)}%")
    words = " ".join(parts)
    if intervals := _intervals(s):
        words += f" ({intervals})"
    if s.intensity and s.intensity != Intensity.EASY:
        words += f", {s.intensity.label.lower()} effort"
    return words


def _intervals(s: SuggestedSession) -> str:
    """Return "run 1 min, walk 2 min, 6 times" from what is known of the intervals."""
    parts = []
    if s.run_interval_sec:
        parts.append(f"run {_seconds(s.run_interval_sec)}")
    if s.walk_interval_sec:
        parts.append(f"walk {_seconds(s.walk_interval_sec)}")
    if parts and s.repeats:
        parts.append("once" if s.repeats == 1 else f"{s.repeats} times")
    return ", ".join(parts)


def _seconds(value: int) -> str:
    return f"{value // 60} min" if value % 60 == 0 else f"{value} s"


def _percent(value: Decimal) -> str:
    # 8.0 → "8", 7.50 → "7.5": no trailing zeros, never an exponent.
    return f"{value.normalize():f}"
