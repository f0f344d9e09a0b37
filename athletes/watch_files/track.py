"""What every format reader hands to the analysis: compact samples and the file's own facts.

A reader streams its file into a ``SampleBuilder`` (one ``add`` per sample, arrays of
floats with NaN for "not recorded", never the parsing library's objects), then returns a
``Recording``: the samples plus what the file states about itself (sport, device, start,
the device's totals and laps). Units: seconds, metres, degrees, metres per second and
**steps per minute** — each reader converts per-leg cadence (FIT ``cadence``, GPX ``cad``,
TCX ``RunCadence``) to steps per minute before adding it.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from dataclasses import dataclass, field

from athletes.watch_files import errors
from athletes.watch_files.errors import WatchFileError

NAN = math.nan
# A day at one sample a second: far past the longest session the log takes (300 min), and
# it bounds a file's reading time (a FIT decodes at about 14,000 records a second here,
# so a 20 MB file of 400,000 records would outlast the web server's 30 s timeout).
MAX_SAMPLES = 86_400


def known(value: float) -> bool:
    """Return whether a sample value was recorded (not NaN)."""
    return value == value  # NaN is the only float unequal to itself


@dataclass(frozen=True)
class Samples:
    """Per-sample arrays, in time order, one index per instant.

    ``t`` is seconds since the first sample. ``gap_before[i]`` is 1 where the file
    starts a new track segment at sample ``i`` (GPX ``trkseg``, TCX ``Track``): the
    distance between two segments is not counted.
    """

    t: array
    lat: array
    lon: array
    ele: array
    dist: array  # the device's cumulative distance, metres
    speed: array  # the device's speed, m/s
    cad: array  # steps per minute (already doubled from per-leg cadence)
    gap_before: array

    def __len__(self) -> int:
        return len(self.t)

    @property
    def has_positions(self) -> bool:
        return any(known(lat) for lat in self.lat)


class SampleBuilder:
    """Collect samples one at a time; samples sharing a timestamp become one.

    Strava's FIT files write one instant as several records (position in one, cadence in
    the next); merging keeps the first known value of each field at that instant.
    """

    __slots__ = ("_arrays", "_last_t", "_next_gap", "_sorted")

    _FIELDS = ("t", "lat", "lon", "ele", "dist", "speed", "cad", "gap_before")

    def __init__(self) -> None:
        self._arrays: dict[str, array] = {name: array("d") for name in self._FIELDS}
        self._last_t: float | None = None
        self._sorted = True
        self._next_gap = False

    def new_segment(self) -> None:
        """Mark the next sample as the start of a new track segment."""
        if self._last_t is not None:
            self._next_gap = True

    def add(
        self,
        t: float,
        *,
        lat: float = NAN,
        lon: float = NAN,
        ele: float = NAN,
        dist: float = NAN,
        speed: float = NAN,
        cad: float = NAN,
    ) -> None:
        """Add one sample at ``t`` seconds (any epoch; only differences matter)."""
        a = self._arrays
        if t == self._last_t:
            last = len(a["t"]) - 1
            for name, value in (
                ("lat", lat),
                ("lon", lon),
                ("ele", ele),
                ("dist", dist),
                ("speed", speed),
                ("cad", cad),
            ):
                if known(value) and not known(a[name][last]):
                    a[name][last] = value
            return
        if len(a["t"]) >= MAX_SAMPLES:
            raise WatchFileError(errors.TOO_MANY_SAMPLES.format(limit=MAX_SAMPLES))
        if self._last_t is not None and t < self._last_t:
            self._sorted = False
        self._last_t = t
        a["t"].append(t)
        a["lat"].append(lat)
        a["lon"].append(lon)
        a["ele"].append(ele)
        a["dist"].append(dist)
        a["speed"].append(speed)
        a["cad"].append(cad)
        a["gap_before"].append(1.0 if self._next_gap else 0.0)
        self._next_gap = False

    def __len__(self) -> int:
        return len(self._arrays["t"])

    @property
    def first_t(self) -> float | None:
        """Return the earliest timestamp added (in the caller's epoch), or None."""
        t = self._arrays["t"]
        return min(t) if t else None

    def build(self) -> Samples:
        """Return the samples in time order with ``t`` counted from the first one."""
        a = self._arrays
        if not self._sorted:
            order = sorted(range(len(a["t"])), key=a["t"].__getitem__)
            a = {name: array("d", (values[i] for i in order)) for name, values in a.items()}
            # Equal timestamps that arrived apart are merged after sorting.
            merged = SampleBuilder()
            for i in range(len(a["t"])):
                if a["gap_before"][i]:
                    merged.new_segment()
                merged.add(
                    a["t"][i],
                    lat=a["lat"][i],
                    lon=a["lon"][i],
                    ele=a["ele"][i],
                    dist=a["dist"][i],
                    speed=a["speed"][i],
                    cad=a["cad"][i],
                )
            return merged.build()
        t = a["t"]
        if t and t[0] != 0:
            t0 = t[0]
            t = array("d", (value - t0 for value in t))
        return Samples(
            t=t,
            lat=a["lat"],
            lon=a["lon"],
            ele=a["ele"],
            dist=a["dist"],
            speed=a["speed"],
            cad=a["cad"],
            gap_before=a["gap_before"],
        )


@dataclass(frozen=True)
class Lap:
    """A lap as the file records it: start (seconds after the first sample) and totals."""

    start_s: float | None
    duration_s: float | None
    distance_m: float | None
    avg_cadence_spm: float | None


@dataclass(frozen=True)
class Recording:
    """One activity as a reader found it: samples plus the file's own statements.

    ``start`` is the first sample's instant (UTC), or None when the watch's clock was
    never set. Device totals are None where the format or the file has none.
    ``timer_pauses`` are (from, to) seconds after the first sample during which the
    watch's timer was stopped (FIT timer events).
    """

    format: str
    samples: Samples
    start: dt.datetime | None
    sport: str | None = None
    sub_sport: str | None = None
    device: str | None = None
    elapsed_s: float | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None
    laps: list[Lap] = field(default_factory=list)
    timer_pauses: list[tuple[float, float]] = field(default_factory=list)
