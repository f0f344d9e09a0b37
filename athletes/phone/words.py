"""What the athlete reads: a suggested session in plain words (SPEC §1 "Words"), the
pain scale's words, and what an imported watch file recorded.

One phrasing of a suggestion for the phone and the PT page alike (the PT page's
``session_words`` filter): "30 min uphill walk on the treadmill at 8%". It never uses
``reason``, which is written for the PT (third person, names its base session by date) and
is not for the athlete's eyes. Each activity, terrain, surface and intensity is said with
its label in lower case; only where English wants other words is there an exception here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from athletes.watch_files import WatchRead
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


# What a watch file said, for the athlete to check before saving: plain sentences, no
# percentiles, grades or thresholds (the PT page has those), and nothing the athlete
# should change about their training: that is their PT's to say.
ROUTE_WORDS = {
    Terrain.FLAT: "The route was flat.",
    Terrain.UPHILL: "The route went mostly uphill.",
    Terrain.DOWNHILL: "The route went mostly downhill.",
    Terrain.ROLLING: "The route went up and down (rolling).",
}


def describe_watch_file(read: WatchRead) -> list[str]:
    """Return what the watch recorded, one short sentence each, for the athlete to check.

    "Recorded on Tuesday 10 March 2026 at 08:30.", "You were moving for 31 minutes (35
    with your stops).", "Distance: 4.32 km.", "Steps per minute: 168 on average.",
    "You climbed 45 m and came down 43 m.", "The route was flat." Then the reader's own
    notes (what it left for the athlete to fill in: a treadmill's terrain, an undated
    file's date), as they are.
    """
    summary, session = read.summary, read.session
    lines: list[str] = []
    if started := summary.get("started_at"):
        at = dt.datetime.fromisoformat(started)
        lines.append(f"Recorded on {at:%A} {at.day} {at:%B %Y} at {at:%H:%M}.")
    moving = round(summary["moving_min"])
    elapsed = round(summary["elapsed_min"])
    minutes = "minute" if moving == 1 else "minutes"
    moving_words = f"You were moving for {moving} {minutes}"
    lines.append(moving_words + (f" ({elapsed} with your stops)." if elapsed > moving else "."))
    if summary.get("distance_km") is not None:
        lines.append(f"Distance: {summary['distance_km']:.2f} km.")
    if session.get("cadence_spm") is not None:
        lines.append(f"Steps per minute: {session['cadence_spm']} on average.")
    if summary.get("ascent_m") or summary.get("descent_m"):
        lines.append(
            f"You climbed {summary['ascent_m']:g} m and came down {summary['descent_m']:g} m."
        )
    if session.get("terrain") in ROUTE_WORDS:
        lines.append(ROUTE_WORDS[Terrain(session["terrain"])])
    return lines + list(summary.get("notes", []))
