"""What the real recordings hold, established without the reader under test.

Two sources, both independent of ``athletes.watch_files``:

1. ``README`` — the facts table of ``shared/fixtures/watch-files/README.md``, transcribed
   (read by someone else with fitdecode 0.11.0, gpxpy 1.6.2 and xml.etree).
2. ``independent_facts(path)`` — a small reading of each file straight from its library,
   written for the tests with none of the reader's code: fitdecode with its default
   processor (datetimes, field names) for FIT, gpxpy's own objects and distances for
   GPX, ``xml.etree`` for TCX. It takes

   - the start: the FIT session's ``start_time`` (else the first record), the first
     timed GPX point, the first TCX ``Time``;
   - the distance: the FIT session's ``total_distance``, the sum of the TCX laps'
     ``DistanceMeters``, gpxpy's ``length_2d()`` for GPX;
   - the moving time: the sum of the record-to-record intervals of at most 30 s in
     which the speed (the record's, else distance over time) is at least 0.5 m/s or
     the cadence (or one recorded up to 5 s before: Strava writes it every other
     second) is above zero — the definition the reader documents, coded again;
   - the cadence: 2 × the mean of the nonzero per-leg cadences of all records (the
     README's "records" column);
   - the running share of the moving time: cadence ≥ 140 steps/min, else speed ≥ 2.1
     m/s, sample by sample without smoothing (so tests allow a band around 0.15/0.85);
   - the device's climb and descent (FIT session ``total_ascent``/``total_descent``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import fitdecode
import gpxpy

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "fixtures"
FOLDERS = (FIXTURES / "watch-files", FIXTURES / "watch-files-extra")


def recordings() -> list[Path]:
    """Return every recording in both fixture folders (README/LICENSES left out)."""
    files = [path for folder in FOLDERS for path in sorted(folder.iterdir())]
    return [path for path in files if path.suffix.lower() in (".fit", ".gpx", ".tcx")]


@dataclass(frozen=True)
class ReadmeRow:
    start_utc: dt.datetime | None
    moving_min: float | None
    km: float
    cadence_records_spm: float | None
    ascent_m: float | None  # the device's, where the README gives it
    descent_m: float | None


def _utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


# The README's facts table ("Elapsed / timer / moving", "km", "Cadence spm (records)",
# "Ascent / descent m (device …)"), row for row.
README = {
    "fenix2-run-cadence.fit": ReadmeRow(_utc(2015, 8, 15, 14, 45, 8), 47.0, 9.01, 162.9, 64, 61),
    "fr110-hilly-run.fit": ReadmeRow(_utc(2013, 2, 6, 12, 11, 14), 35.4, 4.84, None, 168, 160),
    "fr70-footpod-no-gps-undated.fit": ReadmeRow(None, None, 10.25, 173.8, None, None),
    "fr645m-long-walk.fit": ReadmeRow(_utc(2020, 8, 28, 9, 57, 10), 197, 13.82, 101.6, 412, 362),
    "fr920xt-run-with-pauses.fit": ReadmeRow(
        _utc(2019, 5, 18, 14, 11, 39), 112.8, 16.77, 167.1, 99, 99
    ),
    "strava-android-app-run.fit": ReadmeRow(
        _utc(2021, 9, 9, 13, 43, 33), 40.6, 3.75, 140.8, None, None
    ),
    "garmin-connect-run.gpx": ReadmeRow(
        _utc(2019, 11, 16, 8, 58, 30), 37.4, 5.32, 145.7, None, None
    ),
    "fr410-run.tcx": ReadmeRow(_utc(2012, 12, 26, 21, 29, 53), 33.2, 4.69, None, None, None),
}


@dataclass(frozen=True)
class Facts:
    start_utc: dt.datetime | None
    km: float | None
    moving_min: float
    cadence_spm: float | None
    run_share: float | None
    ascent_m: float | None
    descent_m: float | None
    positions: int


@dataclass
class _Point:
    t: dt.datetime
    speed: float | None = None
    metres: float | None = None  # distance from the previous point
    cadence_spm: float | None = None


MAX_GAP_S, MOVING, RUNNING_SPM, RUNNING_SPEED, CADENCE_HOLD_S = 30, 0.5, 140, 2.1, 5


def _summarise(
    points: list[_Point],
    start: dt.datetime | None,
    km: float | None,
    ascent: float | None,
    descent: float | None,
    positions: int,
) -> Facts:
    moving = running = classified = 0.0
    held: _Point | None = None
    for before, point in itertools.pairwise(points):
        if point.cadence_spm is not None:
            held = point
        seconds = (point.t - before.t).total_seconds()
        if not 0 < seconds <= MAX_GAP_S:
            continue
        speed = point.speed
        if speed is None and point.metres is not None:
            speed = point.metres / seconds
        recent = held is not None and (point.t - held.t).total_seconds() <= CADENCE_HOLD_S
        cadence = (held.cadence_spm or 0) if recent and held else 0
        if not ((speed or 0) >= MOVING or cadence > 0):
            continue
        moving += seconds
        if cadence > 0 or speed is not None:
            classified += seconds
            if (cadence >= RUNNING_SPM) if cadence > 0 else (speed or 0) >= RUNNING_SPEED:
                running += seconds
    cadences = [p.cadence_spm for p in points if p.cadence_spm]
    return Facts(
        start_utc=start,
        km=km,
        moving_min=moving / 60,
        cadence_spm=sum(cadences) / len(cadences) if cadences else None,
        run_share=running / classified if classified else None,
        ascent_m=ascent,
        descent_m=descent,
        positions=positions,
    )


def independent_facts(path: Path) -> Facts:
    reader = {".fit": _fit, ".gpx": _gpx, ".tcx": _tcx}[path.suffix.lower()]
    return reader(path)


def _fit(path: Path) -> Facts:
    by_time: dict[object, _Point] = {}
    session: dict[str, object] = {}
    positions = 0
    last_distance = None
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as fit:
        for frame in fit:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "session":
                session = {f.name: f.value for f in frame.fields}
            if frame.name != "record" or not frame.has_field("timestamp"):
                continue
            stamp = frame.get_value("timestamp")
            point = by_time.setdefault(stamp, _Point(t=_as_datetime(stamp)))
            speed = frame.get_value("enhanced_speed", fallback=None)
            if speed is None:
                speed = frame.get_value("speed", fallback=None)
            if speed is not None:
                point.speed = speed
            distance = frame.get_value("distance", fallback=None)
            if distance is not None:
                if last_distance is not None:
                    point.metres = distance - last_distance
                last_distance = distance
            cadence = frame.get_value("cadence", fallback=None)
            if cadence is not None:
                fraction = frame.get_value("fractional_cadence", fallback=None) or 0
                point.cadence_spm = 2 * (cadence + fraction)
            if frame.get_value("position_lat", fallback=None) is not None:
                positions += 1
    points = sorted(by_time.values(), key=lambda p: p.t)
    start = session.get("start_time")
    dated = isinstance(start, dt.datetime)
    km = session.get("total_distance")
    return _summarise(
        points,
        start if dated else None,
        km / 1000 if isinstance(km, float | int) else None,
        _float(session.get("total_ascent")),
        _float(session.get("total_descent")),
        positions,
    )


def _as_datetime(stamp: object) -> dt.datetime:
    # An unset clock leaves small integers (seconds since power-up) undecoded.
    if isinstance(stamp, dt.datetime):
        return stamp
    assert isinstance(stamp, int)
    return dt.datetime(1989, 12, 31, tzinfo=dt.UTC) + dt.timedelta(seconds=stamp)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _gpx(path: Path) -> Facts:
    document = gpxpy.parse(path.read_text(encoding="utf-8"))
    points: list[_Point] = []
    previous = None
    for track in document.tracks:
        for segment in track.segments:
            for p in segment.points:
                if p.time is None:
                    continue
                cadence = None
                for extension in p.extensions:
                    for element in extension.iter():
                        if element.tag.rpartition("}")[2] == "cad":
                            cadence = 2 * float(element.text)
                metres = p.distance_2d(previous) if previous is not None else None
                points.append(_Point(t=p.time, metres=metres, cadence_spm=cadence))
                previous = p
    return _summarise(
        points,
        points[0].t if points else None,
        document.length_2d() / 1000,
        None,
        None,
        sum(len(s.points) for t in document.tracks for s in t.segments),
    )


def _tcx(path: Path) -> Facts:
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    root = ET.parse(path).getroot()
    laps = root.findall(".//t:Lap", ns)
    km = sum(float(lap.find("t:DistanceMeters", ns).text) for lap in laps) / 1000
    points: list[_Point] = []
    last_distance = None
    positions = 0
    for trackpoint in root.iter(f"{{{ns['t']}}}Trackpoint"):
        t = dt.datetime.fromisoformat(trackpoint.find("t:Time", ns).text)
        distance = trackpoint.find("t:DistanceMeters", ns)
        metres = None
        if distance is not None:
            value = float(distance.text)
            metres = value - last_distance if last_distance is not None else None
            last_distance = value
        cadence = None
        for element in trackpoint.iter():
            if element.tag.endswith("}RunCadence"):
                cadence = 2 * float(element.text)
        positions += trackpoint.find("t:Position", ns) is not None
        points.append(_Point(t=t, metres=metres, cadence_spm=cadence))
    return _summarise(points, points[0].t if points else None, km, None, None, positions)
