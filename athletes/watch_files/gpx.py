"""GPX into a ``Recording``: checked with defusedxml first, then read with gpxpy.

The first pass streams the document through defusedxml (no DTD, no entities; see
``xmlsafe``), checks every track point's coordinates and counts what the file holds, so
gpxpy only ever sees a document that is safe, well formed and has one timed track.

GPX facts used here: times are UTC (a time without an offset is taken as UTC); a track
point's cadence (Garmin's TrackPointExtension ``cad``, or ``cadence``) is per leg, so
steps per minute = 2 × cad; ``speed`` is GPX 1.0's element or an extension's; the
track's ``type`` is the sport as the exporting app names it. Distance is measured along
the positions (no device total in GPX); the gap between two segments is not counted.
"""

from __future__ import annotations

import datetime as dt
import math
from xml.etree.ElementTree import Element

import gpxpy
import gpxpy.gpx

from athletes.watch_files import errors
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.track import NAN, Recording, SampleBuilder
from athletes.watch_files.xmlsafe import local_name, parse_events

_CADENCE_NAMES = frozenset({"cad", "cadence"})


def read_gpx(data: bytes) -> Recording:
    """Read a GPX track; raise ``WatchFileError`` for anything the app cannot use."""
    _check(data)
    try:
        document = gpxpy.parse(data.decode("utf-8-sig"))
        return _recording(document)
    except WatchFileError:
        raise
    except UnicodeDecodeError:
        raise WatchFileError(errors.NOT_UTF8.format(format="GPX")) from None
    except Exception:  # gpxpy's own errors on values the first pass let through
        raise WatchFileError(errors.BAD_VALUE.format(format="GPX")) from None


def _check(data: bytes) -> None:
    """Refuse unsafe XML, bad coordinates, files with no timed track or with several."""
    timed_tracks = 0
    points = routes = waypoints = 0
    in_track_timed = False
    point_has_time = False
    for event, element in parse_events(data, "GPX"):
        name = local_name(element.tag)
        if event == "start":
            if name == "trk":
                in_track_timed = False
            elif name == "trkpt":
                point_has_time = False
            continue
        if name == "time" and not point_has_time:
            point_has_time = bool((element.text or "").strip())
        elif name == "trkpt":
            points += 1
            if not _valid_position(element):
                raise WatchFileError(errors.BAD_COORDINATES)
            in_track_timed = in_track_timed or point_has_time
            element.clear()
        elif name == "trk":
            timed_tracks += in_track_timed
            element.clear()
        elif name == "rte":
            routes += 1
            element.clear()
        elif name == "wpt":
            waypoints += 1
            element.clear()
        elif name == "rtept":
            element.clear()
    if timed_tracks > 1:
        raise WatchFileError(errors.SEVERAL_ACTIVITIES.format(count=timed_tracks))
    if timed_tracks == 0:
        if points:
            why = errors.NO_ACTIVITY_NO_TIMES
        elif routes:
            why = errors.NO_ACTIVITY_ROUTE
        elif waypoints:
            why = errors.NO_ACTIVITY_WAYPOINTS
        else:
            why = errors.NO_ACTIVITY_NO_SAMPLES
        raise WatchFileError(errors.NO_ACTIVITY.format(why=why))


def _valid_position(element: Element) -> bool:
    try:
        lat, lon = float(element.get("lat", "")), float(element.get("lon", ""))
    except ValueError:
        return False
    return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180


def _recording(document: gpxpy.gpx.GPX) -> Recording:
    track = next(
        track
        for track in document.tracks
        if any(point.time for segment in track.segments for point in segment.points)
    )
    builder = SampleBuilder()
    for segment in track.segments:
        builder.new_segment()
        for point in segment.points:
            if point.time is None:
                continue
            speed, cadence = _extensions(point.extensions)
            if point.speed is not None:
                speed = point.speed
            builder.add(
                _utc(point.time).timestamp(),
                lat=point.latitude,
                lon=point.longitude,
                ele=NAN if point.elevation is None else point.elevation,
                speed=speed,
                cad=cadence,
            )
    first = builder.first_t
    assert first is not None
    return Recording(
        format="gpx",
        samples=builder.build(),
        start=dt.datetime.fromtimestamp(first, tz=dt.UTC),
        sport=(track.type or "").strip() or None,
        device=(document.creator or "").strip() or None,
    )


def _extensions(extensions: list[Element]) -> tuple[float, float]:
    """Return (speed m/s, cadence steps/min) from a point's extensions, NaN if absent."""
    speed = cadence = NAN
    for extension in extensions:
        for element in extension.iter():
            name = local_name(str(element.tag)).lower()
            if name in _CADENCE_NAMES or name == "speed":
                try:
                    value = float((element.text or "").strip())
                except ValueError:
                    continue
                if not math.isfinite(value):
                    continue
                if name == "speed":
                    speed = value
                else:
                    cadence = 2.0 * value
    return speed, cadence


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
