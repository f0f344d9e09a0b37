"""Samples into the session fields of SPEC §2 and a summary: the numbers the reader chose.

Time and distance
- An interval is the time between two consecutive samples. It is **moving** when it is
  at most ``MAX_GAP_S`` (30 s) long, does not cross a track-segment break or a timer
  pause (FIT timer stop → start), and either the speed is at least ``MOVING_SPEED``
  (0.5 m/s, a very slow walk) or the cadence is above zero. Speed is the device's
  (FIT/TCX/GPX speed) where recorded, else distance over the last ``SPEED_WINDOW_S``
  (10 s) of samples, which keeps a GPS fix wandering at a standstill below the
  threshold. A file with neither speed, distance nor cadence counts every interval
  that is not a gap or a pause.
- ``duration_min`` is the **moving time**, rounded, at least 1 and capped at 300 with a
  note: pauses carried no load, and the rules must never be told the knee tolerated more
  than it did.
- ``distance_km`` is the device's total (FIT session, TCX laps) where the file has one,
  else the distance along the positions (great-circle, segments not joined).

Cadence
- ``cadence_spm`` is the mean of the nonzero cadences of moving samples (steps per
  minute; the readers double per-leg cadence). Outside 100–230 (SPEC §2) it is left
  empty with a note. The summary adds the 10th, 50th and 90th percentiles.

Walk, run or walk–run
- A moving interval is **running** when its cadence is at least ``RUNNING_CADENCE``
  (140 steps/min) or, without cadence, its speed is at least ``RUNNING_SPEED`` (2.1 m/s,
  about 8 min/km). A sample without cadence uses the one recorded up to
  ``CADENCE_HOLD_S`` (5 s) before it (Strava writes cadence every other second).
- The flag is smoothed: each interval takes the majority (by time) of the flags within
  ``MIN_BOUT_S`` (15 s) of moving time centred on it, so a few seconds of the other gait
  do not count. ``run_share`` is the running part of the moving time that could be
  classified, after smoothing: ≥ 0.85 → run, ≤ 0.15 → walk, between → walk–run.
  Without speed or cadence the sport decides (running → run, walking or hiking →
  walk); cycling, swimming and other sports that are not on foot → cross-training,
  strength training → strength, whatever the samples, with no terrain, surface or
  cadence.
- Walk–run intervals (walk–run only): the smoothed flag over moving time is cut into
  bouts; a bout still shorter than ``MIN_BOUT_S`` joins the bout before it. A walk
  before the first run and after the last one are warm-up and cool-down. With at least
  ``MIN_RUN_BOUTS`` (3) run bouts whose lengths and the walks between them are each
  regular (coefficient of variation, population SD / mean, ≤ ``MAX_BOUT_CV``, 0.25),
  run and walk seconds are the medians rounded to 5 s and repeats the number of run
  bouts, reduced if needed so that (run + walk) × repeats fits in the duration
  (SPEC §2). Otherwise they stay empty, with a note.

Surface and terrain (SPEC §9)
- No positions at all, or a sport or sub-sport naming a treadmill → ``treadmill``; FIT
  sub-sport (or a GPX/TCX type) naming a trail → ``trail``, a track → ``track``; else
  empty, for the user to choose.
- Climb and descent are the device's totals where the file has them (FIT session),
  else from the elevation samples: a running median over ``ELEVATION_MEDIAN_S`` (±45 s,
  by time, so sparse "smart" recording is handled alike) removes spikes, then a
  hysteresis of ``ELEVATION_HYSTERESIS_M`` (5 m) counts only rises and falls larger
  than the noise that is left. Chosen on the fixtures: it keeps a phone's noisy
  altitude on a flat loop below 10 m/km (Strava: 25/55 m over 3.75 km, where the raw
  samples sum to 592/615 m) and still finds 15–17 m/km on the rolling TCX/GPX runs.
  Mean grade = (last − first smoothed elevation) / distance. ``uphill`` at ≥ +2 %,
  ``downhill`` at ≤ −2 %, ``rolling`` when climb and descent each reach 10 m per km,
  else ``flat``. An uphill session's mean grade is its ``incline_percent`` (when 0–15).
- A treadmill: terrain and incline empty with a note — its incline is not in the file,
  and a guessed "uphill" or "flat" would misstate an injured knee's load.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from athletes.watch_files import errors
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.track import Recording, Samples, known
from progressions.rules.protocol import (
    DISTANCE_MAX_KM,
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    INCLINE_MAX_PERCENT,
    INCLINE_MIN_PERCENT,
    INTERVAL_MAX_SECONDS,
    REPEATS_MAX,
    SESSION_CADENCE_MAX,
    SESSION_CADENCE_MIN,
    Activity,
    Surface,
    Terrain,
)

# The session fields a watch file can give (``WatchRead.session``), in form order; the
# rest (intensity, the pains, stopped early, notes) only the athlete knows.
READ_FIELDS = (
    "date",
    "activity",
    "terrain",
    "surface",
    "incline_percent",
    "duration_min",
    "distance_km",
    "run_interval_sec",
    "walk_interval_sec",
    "repeats",
    "cadence_spm",
)

MAX_GAP_S = 30.0
MOVING_SPEED = 0.5  # m/s
SPEED_WINDOW_S = 10.0
RUNNING_CADENCE = 140.0  # steps/min
RUNNING_SPEED = 2.1  # m/s
RUN_SHARE_RUN = 0.85
RUN_SHARE_WALK = 0.15
CADENCE_HOLD_S = 5.0
MIN_BOUT_S = 15.0
MAX_BOUT_CV = 0.25
MIN_RUN_BOUTS = 3
INTERVAL_ROUNDING_S = 5
MAX_SUMMARY_BOUTS = 200
ELEVATION_MEDIAN_S = 45.0  # half-width of the running median's window
ELEVATION_HYSTERESIS_M = 5.0
UPHILL_GRADE = 2.0  # percent (SPEC §9)
DOWNHILL_GRADE = -2.0
ROLLING_M_PER_KM = 10.0
EARTH_RADIUS_M = 6_371_008.8

_CROSS_TRAINING_WORDS = (
    "cycl",
    "bik",
    "ride",
    "swim",
    "row",
    "paddl",
    "kayak",
    "canoe",
    "ski",
    "snowboard",
    "skat",
    "elliptical",
    "sail",
    "surf",
    "golf",
    "tennis",
    "yoga",
    "pilates",
)
_STRENGTH_WORDS = ("strength",)
_WALK_WORDS = ("walk", "hik")
_RUN_WORDS = ("run", "jog")


def analyse(
    recording: Recording, *, time_zone: ZoneInfo, today: dt.date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (session fields, JSON-ready summary) for one recording.

    Raises ``WatchFileError`` when the session is dated after ``today`` in ``time_zone``
    or the samples show no movement at all.
    """
    notes: list[str] = []
    samples = recording.samples
    if len(samples) < 2:
        raise WatchFileError(errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_NO_SAMPLES))

    started_at = recording.start.astimezone(time_zone) if recording.start else None
    date = started_at.date() if started_at else None
    if date is None:
        notes.append(
            "The watch's clock was never set, so the file has no date: enter the date "
            "of the session."
        )
    elif date > today:
        raise WatchFileError(errors.FUTURE_DATE.format(date=date.isoformat()))

    cumulative = _cumulative_distance(samples)
    intervals = _intervals(samples, cumulative, recording.timer_pauses)
    moving_s = sum(i.seconds for i in intervals if i.moving)
    if moving_s <= 0:
        raise WatchFileError(errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_NO_MOVEMENT))
    elapsed_s = recording.elapsed_s or samples.t[-1]

    sport_text = " ".join(part.lower() for part in (recording.sport, recording.sub_sport) if part)
    on_foot_sport = _sport_kind(sport_text)
    flags = _smoothed_flags(intervals)
    run_share = _run_share(flags)
    activity = _activity(on_foot_sport, run_share, notes)
    on_foot = activity in (Activity.WALK, Activity.WALK_RUN, Activity.RUN)

    duration_min = _duration_minutes(moving_s, elapsed_s, notes)
    distance_m = _distance(recording, cumulative)
    distance_km = _distance_km(distance_m, notes)

    cadences = [i.cadence for i in intervals if i.moving and i.cadence > 0]
    cadence_summary = _cadence_summary(cadences) if on_foot else None
    cadence_spm = _cadence_spm(cadence_summary, activity, notes)

    has_positions = samples.has_positions
    treadmill = not has_positions or "treadmill" in sport_text
    surface = _surface(treadmill, recording, sport_text, has_positions, notes) if on_foot else None

    smoothed = _smoothed_elevation(samples)
    ascent, descent, elevation_source = _climb(recording, smoothed)
    grade = _mean_grade(smoothed, ascent, descent, distance_m)
    terrain, incline = None, None
    if on_foot:
        terrain, incline = _terrain(treadmill, grade, ascent, descent, distance_m, notes)

    run_s = walk_s = repeats = None
    bouts: list[tuple[bool, float, float]] = []
    if activity == Activity.WALK_RUN:
        bouts = _bouts(flags)
        run_s, walk_s, repeats = _walk_run_pattern(bouts, duration_min, notes)

    session = {
        "date": date,
        "activity": activity.value if activity else None,
        "terrain": terrain.value if terrain else None,
        "surface": surface.value if surface else None,
        "incline_percent": incline,
        "duration_min": duration_min,
        "distance_km": distance_km,
        "run_interval_sec": run_s,
        "walk_interval_sec": walk_s,
        "repeats": repeats,
        "cadence_spm": cadence_spm,
    }
    summary: dict[str, Any] = {
        "format": recording.format,
        "sport": recording.sport,
        "sub_sport": recording.sub_sport,
        "device": recording.device,
        "started_at": started_at.isoformat() if started_at else None,
        "elapsed_min": _round(elapsed_s / 60, 1),
        "timer_min": _round(recording.timer_s / 60, 1) if recording.timer_s else None,
        "moving_min": _round(moving_s / 60, 1),
        "distance_km": _round(distance_m / 1000, 2) if distance_m is not None else None,
        "ascent_m": _round(ascent, 0),
        "descent_m": _round(descent, 0),
        "elevation_source": elevation_source,
        "mean_grade_percent": _round(grade, 1),
        "has_positions": has_positions,
        "samples": len(samples),
        "cadence": cadence_summary,
        "laps": _laps(recording, on_foot),
        "run_share": _round(run_share, 3),
        "notes": notes,
    }
    if bouts:
        summary["intervals"] = [
            {"start_min": _round(start / 60, 2), "seconds": _round(seconds, 0), "running": running}
            for running, start, seconds in bouts[:MAX_SUMMARY_BOUTS]
        ]
    return session, summary


# --- Distance and intervals -----------------------------------------------------------


def _cumulative_distance(samples: Samples) -> list[float] | None:
    """Return metres from the start at each sample, or None when nothing gives distance.

    The device's cumulative distance where it was recorded (carried forward between
    records), else the great-circle distance along the positions.
    """
    if any(known(d) for d in samples.dist):
        out: list[float] = []
        last = next(d for d in samples.dist if known(d))
        for d in samples.dist:
            if known(d) and d >= last:
                last = d
            out.append(last)
        return out
    if not samples.has_positions:
        return None
    out = []
    total = 0.0
    previous: tuple[float, float] | None = None
    for lat, lon, gap in zip(samples.lat, samples.lon, samples.gap_before, strict=True):
        if known(lat) and known(lon):
            if previous is not None and not gap:
                total += _haversine(previous[0], previous[1], lat, lon)
            previous = (lat, lon)
        out.append(total)
    return out


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class _Interval:
    """The time from one sample to the next, as the analysis sees it.

    ``cadence`` is the cadence recorded at the interval's end (0 when none), for the
    mean; ``running`` is the raw running/walking flag, None when it cannot be told.
    """

    __slots__ = ("cadence", "moving", "running", "seconds", "start")

    def __init__(
        self, start: float, seconds: float, moving: bool, running: bool | None, cadence: float
    ) -> None:
        self.start = start
        self.seconds = seconds
        self.moving = moving
        self.running = running
        self.cadence = cadence


def _intervals(
    samples: Samples, cumulative: list[float] | None, pauses: Sequence[tuple[float, float]]
) -> list[_Interval]:
    """Return one ``_Interval`` per pair of consecutive samples (see the module's rules).

    Where a sample has no cadence, the last one recorded up to ``CADENCE_HOLD_S`` before
    still tells running from walking (Strava writes cadence every other second).
    """
    t, speed, cad, gap_before = samples.t, samples.speed, samples.cad, samples.gap_before
    has_speed = any(known(v) for v in speed)
    has_cadence = any(known(v) and v > 0 for v in cad)
    can_tell = has_speed or has_cadence or cumulative is not None
    out: list[_Interval] = []
    window_start = 0
    pause_index = 0
    held_cadence, held_at = 0.0, -math.inf
    for i in range(1, len(t)):
        seconds = t[i] - t[i - 1]
        middle = t[i - 1] + seconds / 2
        while pause_index < len(pauses) and pauses[pause_index][1] <= middle:
            pause_index += 1
        paused = pause_index < len(pauses) and pauses[pause_index][0] <= middle
        broken = seconds > MAX_GAP_S or bool(gap_before[i]) or paused
        if broken:
            window_start = i
        while window_start < i - 1 and t[i] - t[window_start] > SPEED_WINDOW_S:
            window_start += 1

        v = speed[i]
        if not known(v) and cumulative is not None and not broken:
            start = min(window_start, i - 1)
            span = t[i] - t[start]
            v = (cumulative[i] - cumulative[start]) / span if span > 0 else math.nan
        recorded = cad[i] if known(cad[i]) else 0.0
        if known(cad[i]):
            held_cadence, held_at = cad[i], t[i]
        step_rate = held_cadence if t[i] - held_at <= CADENCE_HOLD_S else 0.0

        if broken or seconds <= 0:
            moving = False
        elif can_tell:
            moving = (known(v) and v >= MOVING_SPEED) or step_rate > 0
        else:
            moving = True
        running: bool | None = None
        if step_rate > 0:
            running = step_rate >= RUNNING_CADENCE
        elif known(v):
            running = v >= RUNNING_SPEED
        out.append(_Interval(t[i - 1], max(seconds, 0.0), moving, running, recorded))
    return out


def _distance(recording: Recording, cumulative: list[float] | None) -> float | None:
    if recording.distance_m is not None and recording.distance_m > 0:
        return recording.distance_m
    if cumulative is not None and cumulative[-1] - cumulative[0] > 0:
        return cumulative[-1] - cumulative[0]
    return None


def _distance_km(distance_m: float | None, notes: list[str]) -> Decimal | None:
    if distance_m is None:
        return None
    km = Decimal(str(distance_m / 1000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if km > DISTANCE_MAX_KM:
        notes.append(
            f"Distance left empty: {km} km is more than the {DISTANCE_MAX_KM} km the log accepts."
        )
        return None
    return km


def _duration_minutes(moving_s: float, elapsed_s: float, notes: list[str]) -> int:
    minutes = int(Decimal(str(moving_s / 60)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    minutes = max(minutes, DURATION_MIN_MINUTES)
    if elapsed_s - moving_s >= 60:
        notes.append(
            f"Duration is the moving time, {_round(moving_s / 60, 1)} min; the file spans "
            f"{_round(elapsed_s / 60, 1)} min with its stops."
        )
    if minutes > DURATION_MAX_MINUTES:
        notes.append(
            f"Duration capped at {DURATION_MAX_MINUTES} min, the most the log accepts "
            f"(the file shows {minutes} min of moving time)."
        )
        minutes = DURATION_MAX_MINUTES
    return minutes


# --- Activity, cadence, surface ---------------------------------------------------------


def _sport_kind(sport_text: str) -> Activity | None:
    """Return what the file's sport says on its own, or None when it says nothing useful."""
    if "treadmill" in sport_text:
        return None  # on foot; the samples tell walk from run
    if any(word in sport_text for word in _STRENGTH_WORDS):
        return Activity.STRENGTH
    if any(word in sport_text for word in _CROSS_TRAINING_WORDS):
        return Activity.CROSS_TRAINING
    if any(word in sport_text for word in _RUN_WORDS):
        return Activity.RUN
    if any(word in sport_text for word in _WALK_WORDS):
        return Activity.WALK
    return None


def _smoothed_flags(intervals: Sequence[_Interval]) -> list[tuple[_Interval, bool]]:
    """Return the classified moving intervals with their running flag smoothed.

    Each flag becomes the majority (by time) of the flags within ``MIN_BOUT_S`` of moving
    time centred on it, so a few seconds of the other gait (a cadence dropout, a step
    off the kerb) do not count as a bout of their own.
    """
    timeline = [i for i in intervals if i.moving and i.running is not None]
    ends: list[float] = []
    running_ends: list[float] = []
    total = running_total = 0.0
    for interval in timeline:
        total += interval.seconds
        running_total += interval.seconds if interval.running else 0.0
        ends.append(total)
        running_ends.append(running_total)

    def running_until(moment: float) -> float:
        """Running seconds from the start of the timeline to ``moment``."""
        k = bisect.bisect_left(ends, moment)
        if k >= len(ends):
            return running_total
        before_end = ends[k - 1] if k else 0.0
        before_running = running_ends[k - 1] if k else 0.0
        share = (moment - before_end) if timeline[k].running else 0.0
        return before_running + max(0.0, share)

    half = MIN_BOUT_S / 2
    out: list[tuple[_Interval, bool]] = []
    for k, interval in enumerate(timeline):
        centre = ends[k] - interval.seconds / 2
        low, high = max(0.0, centre - half), min(total, centre + half)
        span = high - low
        ran = running_until(high) - running_until(low)
        out.append((interval, ran * 2 > span if span > 0 else bool(interval.running)))
    return out


def _run_share(flags: Sequence[tuple[_Interval, bool]]) -> float | None:
    classified = sum(interval.seconds for interval, _running in flags)
    if classified <= 0:
        return None
    return sum(interval.seconds for interval, running in flags if running) / classified


def _activity(
    sport_kind: Activity | None, run_share: float | None, notes: list[str]
) -> Activity | None:
    if sport_kind in (Activity.CROSS_TRAINING, Activity.STRENGTH):
        notes.append(f"The file's sport is not on foot: logged as {sport_kind.label.lower()}.")
        return sport_kind
    if run_share is not None:
        if run_share >= RUN_SHARE_RUN:
            return Activity.RUN
        if run_share <= RUN_SHARE_WALK:
            return Activity.WALK
        return Activity.WALK_RUN
    if sport_kind is not None:
        notes.append("Activity taken from the file's sport: it has no speed or cadence.")
        return sport_kind
    notes.append("Choose the activity: the file has no speed, cadence or sport to tell it.")
    return None


def _cadence_summary(cadences: list[float]) -> dict[str, Any] | None:
    if not cadences:
        return None
    ordered = sorted(cadences)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]

    return {
        "mean_spm": _round(statistics.fmean(ordered), 1),
        "p10_spm": _round(percentile(0.10), 1),
        "p50_spm": _round(percentile(0.50), 1),
        "p90_spm": _round(percentile(0.90), 1),
        "samples": len(ordered),
    }


def _cadence_spm(
    summary: dict[str, Any] | None, activity: Activity | None, notes: list[str]
) -> int | None:
    if activity not in (Activity.WALK, Activity.WALK_RUN, Activity.RUN):
        return None
    if summary is None:
        notes.append("The file has no cadence.")
        return None
    mean = int(Decimal(str(summary["mean_spm"])).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if mean < SESSION_CADENCE_MIN:
        notes.append(
            f"Cadence left empty: {mean} steps/min is below the {SESSION_CADENCE_MIN} "
            "the log accepts."
        )
        return None
    if mean > SESSION_CADENCE_MAX:
        notes.append(
            f"Cadence left empty: {mean} steps/min is above the {SESSION_CADENCE_MAX} "
            "the log accepts."
        )
        return None
    return mean


def _surface(
    treadmill: bool,
    recording: Recording,
    sport_text: str,
    has_positions: bool,
    notes: list[str],
) -> Surface | None:
    if treadmill:
        if not has_positions:
            notes.append("The file has no positions: read as a treadmill session.")
        return Surface.TREADMILL
    sub_sport = (recording.sub_sport or "").lower()
    named = sub_sport if recording.format == "fit" else sport_text
    if "trail" in named:
        return Surface.TRAIL
    if "track" in named:
        return Surface.TRACK
    return None


# --- Elevation and terrain ------------------------------------------------------------


def _smoothed_elevation(samples: Samples) -> list[float]:
    """Return the elevations with a running median over ±``ELEVATION_MEDIAN_S`` seconds."""
    points = [(t, e) for t, e in zip(samples.t, samples.ele, strict=True) if known(e)]
    if len(points) < 2:
        return []
    times = [t for t, _e in points]
    values = [e for _t, e in points]
    window: list[float] = []
    low = high = 0
    out: list[float] = []
    for t in times:
        while high < len(times) and times[high] <= t + ELEVATION_MEDIAN_S:
            bisect.insort(window, values[high])
            high += 1
        while times[low] < t - ELEVATION_MEDIAN_S:
            del window[bisect.bisect_left(window, values[low])]
            low += 1
        middle = len(window) // 2
        out.append(window[middle] if len(window) % 2 else (window[middle - 1] + window[middle]) / 2)
    return out


def _hysteresis(values: Sequence[float], threshold: float) -> tuple[float, float]:
    """Return (climb, descent) counting only moves larger than ``threshold`` metres."""
    up = down = 0.0
    anchor = peak = values[0]
    trend = 0
    for value in values[1:]:
        if trend == 0:
            if value - anchor >= threshold:
                trend, peak = 1, value
            elif anchor - value >= threshold:
                trend, peak = -1, value
        elif trend == 1:
            if value > peak:
                peak = value
            elif peak - value >= threshold:
                up += peak - anchor
                anchor, peak, trend = peak, value, -1
        elif value < peak:
            peak = value
        elif value - peak >= threshold:
            down += anchor - peak
            anchor, peak, trend = peak, value, 1
    if trend == 1:
        up += peak - anchor
    elif trend == -1:
        down += anchor - peak
    return up, down


def _climb(
    recording: Recording, smoothed: list[float]
) -> tuple[float | None, float | None, str | None]:
    if recording.ascent_m is not None and recording.descent_m is not None:
        return recording.ascent_m, recording.descent_m, "device"
    if smoothed:
        up, down = _hysteresis(smoothed, ELEVATION_HYSTERESIS_M)
        return up, down, "smoothed"
    return None, None, None


def _mean_grade(
    smoothed: list[float],
    ascent: float | None,
    descent: float | None,
    distance_m: float | None,
) -> float | None:
    if not distance_m:
        return None
    if smoothed:
        return (smoothed[-1] - smoothed[0]) / distance_m * 100
    if ascent is not None and descent is not None:
        return (ascent - descent) / distance_m * 100
    return None


def _terrain(
    treadmill: bool,
    grade: float | None,
    ascent: float | None,
    descent: float | None,
    distance_m: float | None,
    notes: list[str],
) -> tuple[Terrain | None, Decimal | None]:
    if treadmill:
        notes.append(
            "Treadmill: set the terrain and the incline from the treadmill; the file "
            "cannot tell them."
        )
        return None, None
    if grade is not None and grade >= UPHILL_GRADE:
        incline: Decimal | None = Decimal(str(grade)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        if incline is not None and INCLINE_MIN_PERCENT <= incline <= INCLINE_MAX_PERCENT:
            notes.append(f"Incline is the route's mean grade, {incline} %.")
        else:
            notes.append(
                f"Incline left empty: the mean grade, {incline} %, is beyond the "
                f"{INCLINE_MAX_PERCENT} % the log accepts."
            )
            incline = None
        return Terrain.UPHILL, incline
    if grade is not None and grade <= DOWNHILL_GRADE:
        return Terrain.DOWNHILL, None
    if ascent is None or descent is None or not distance_m:
        notes.append("Choose the terrain: the file has no elevation.")
        return None, None
    km = distance_m / 1000
    if ascent / km >= ROLLING_M_PER_KM and descent / km >= ROLLING_M_PER_KM:
        return Terrain.ROLLING, None
    return Terrain.FLAT, None


# --- Walk–run intervals ---------------------------------------------------------------


def _bouts(flags: Sequence[tuple[_Interval, bool]]) -> list[tuple[bool, float, float]]:
    """Return (running, start s, moving seconds) bouts; a bout under 15 s joins the last."""
    bouts: list[list[Any]] = []
    for interval, running in flags:
        if bouts and bouts[-1][0] == running:
            bouts[-1][2] += interval.seconds
        else:
            bouts.append([running, interval.start, interval.seconds])
    merged: list[list[Any]] = []
    for bout in bouts:
        if merged and (bout[2] < MIN_BOUT_S or merged[-1][0] == bout[0]):
            merged[-1][2] += bout[2]
        else:
            merged.append(list(bout))
    return [(bool(r), float(s), float(d)) for r, s, d in merged]


def _walk_run_pattern(
    bouts: list[tuple[bool, float, float]], duration_min: int, notes: list[str]
) -> tuple[int | None, int | None, int | None]:
    core = list(bouts)
    while core and not core[0][0]:
        core.pop(0)  # warm-up walk
    while core and not core[-1][0]:
        core.pop()  # cool-down walk
    runs = [seconds for running, _start, seconds in core if running]
    walks = [seconds for running, _start, seconds in core if not running]
    if len(runs) < MIN_RUN_BOUTS or not walks:
        notes.append(
            f"Walk–run intervals left empty: fewer than {MIN_RUN_BOUTS} separate run bouts."
        )
        return None, None, None
    if _variation(runs) > MAX_BOUT_CV or _variation(walks) > MAX_BOUT_CV:
        notes.append(
            "Walk–run intervals left empty: the run and walk bouts are not regular enough "
            "to give one pattern."
        )
        return None, None, None
    run_s = _round_to(statistics.median(runs), INTERVAL_ROUNDING_S)
    walk_s = _round_to(statistics.median(walks), INTERVAL_ROUNDING_S)
    repeats = min(len(runs), REPEATS_MAX)
    if not (0 < run_s <= INTERVAL_MAX_SECONDS and 0 < walk_s <= INTERVAL_MAX_SECONDS):
        return None, None, None
    fits = (duration_min * 60) // (run_s + walk_s)
    if fits < 1:
        return None, None, None
    if repeats > fits:
        notes.append(
            f"Repeats set to {fits} so that the intervals fit in the duration "
            f"({len(runs)} run bouts in the file)."
        )
        repeats = fits
    return run_s, walk_s, repeats


def _variation(values: Sequence[float]) -> float:
    """Return the coefficient of variation (population SD / mean); 0 for one value."""
    mean = statistics.fmean(values)
    return statistics.pstdev(values) / mean if mean > 0 else math.inf


def _round_to(seconds: float, step: int) -> int:
    return int(Decimal(str(seconds / step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


# --- Summary helpers -----------------------------------------------------------------


def _laps(recording: Recording, on_foot: bool) -> list[dict[str, Any]]:
    return [
        {
            "start_min": _round(lap.start_s / 60, 2) if lap.start_s is not None else None,
            "duration_min": _round(lap.duration_s / 60, 2) if lap.duration_s is not None else None,
            "distance_km": _round(lap.distance_m / 1000, 3) if lap.distance_m is not None else None,
            "avg_cadence_spm": _round(lap.avg_cadence_spm, 1) if on_foot else None,
        }
        for lap in recording.laps
    ]


def _round(value: float | None, places: int) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    if places == 0:
        return round(value)
    return round(value, places)
