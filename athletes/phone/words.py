"""What the athlete reads: a suggested session in plain words (SPEC §1 "Words"), and the
pain scale's words.

One phrasing of a suggestion for the phone and the PT page alike (the PT page's
``session_words`` filter): "30 min uphill walk on the treadmill at 8%". It never uses
``reason``, which is written for the PT (third person, names its base session by date) and
is not for the athlete's eyes. Each activity, terrain, surface and intensity is said with
its label in lower case; only where English wants other words is there an exception here.
"""

from __future__ import annotations

from decimal import Decimal

from progressions.rules import SuggestedSession
from progressions.rules.protocol import Activity, Intensity, Surface, Terrain

REST_DAY_WORDS = "rest or cross-train"

# "Strength" alone is not a session; the other activities are their labels.
ACTIVITY_WORDS = {Activity.STRENGTH: "strength session"}
# Said after the activity ("run over rolling hills"); other terrains before ("uphill walk").
TERRAIN_AFTER = frozenset({Terrain.ROLLING})
# "On the treadmill", but "on trails"; "other" says nothing the athlete does not know.
SURFACE_WORDS = {Surface.TRAIL: "on trails", Surface.OTHER: ""}

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
    if s.terrain is not None and s.terrain not in TERRAIN_AFTER:
        parts.append(s.terrain.label.lower())
    parts.append(_activity(s.activity) if s.activity is not None else "session")
    if s.terrain is not None and s.terrain in TERRAIN_AFTER:
        parts.append(f"over {s.terrain.label.lower()}")
    if s.surface is not None and (surface := _surface(s.surface)):
        parts.append(surface)
    if s.incline_percent:
        parts.append(f"at {_percent(s.incline_percent)}%")
    words = " ".join(parts)
    if intervals := _intervals(s):
        words += f" ({intervals})"
    if s.intensity and s.intensity != Intensity.EASY:
        words += f", {s.intensity.label.lower()} effort"
    return words


def _activity(activity: Activity) -> str:
    return ACTIVITY_WORDS.get(activity, activity.label.lower())


def _surface(surface: Surface) -> str:
    """Return "on the road" (its label), or the exception; "" when not worth saying."""
    return SURFACE_WORDS.get(surface, f"on the {surface.label.lower()}")


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
