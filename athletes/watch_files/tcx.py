"""TCX (Garmin Training Center) into a ``Recording``, streamed through defusedxml.

One pass over the document (no DTD, no entities; see ``xmlsafe``): each ``Trackpoint``
becomes a sample and is then cleared, so memory stays small whatever the file's size.

TCX facts used here: ``Activity Sport`` is the sport ("Running", "Biking", "Other");
``Lap`` carries the device's totals (``TotalTimeSeconds`` is timer time,
``DistanceMeters``); times are UTC; a track point's ``DistanceMeters`` is the device's
cumulative distance. Cadence is per leg everywhere it appears — the ``RunCadence``
extension, a track point's ``Cadence``, a lap's ``Cadence`` or ``AvgRunCadence`` — so
steps per minute = 2 × cadence. A ``MultiSportSession`` or several ``Activity``
elements are several activities; ``Course`` elements are planned routes.
"""

from __future__ import annotations

import datetime as dt
import math
from xml.etree.ElementTree import Element

from athletes.watch_files import errors
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.track import NAN, Lap, Recording, SampleBuilder
from athletes.watch_files.xmlsafe import local_name, parse_events

_POINT_FIELDS = {
    "LatitudeDegrees": "lat",
    "LongitudeDegrees": "lon",
    "AltitudeMeters": "ele",
    "DistanceMeters": "dist",
    "Speed": "speed",
    "RunCadence": "run_cad",
    "Cadence": "cad",
}


def read_tcx(data: bytes) -> Recording:
    """Read a TCX activity; raise ``WatchFileError`` for anything the app cannot use."""
    try:
        return _read(data)
    except WatchFileError:
        raise
    except Exception:  # a value this reader could not convert, in a damaged file
        raise WatchFileError(errors.BAD_VALUE.format(format="TCX")) from None


def _read(data: bytes) -> Recording:
    builder = SampleBuilder()
    laps: list[tuple[float | None, float | None, float | None, float | None]] = []
    activities = multisport = courses = points = 0
    sport: str | None = None
    device: str | None = None
    path: list[str] = []

    for event, element in parse_events(data, "TCX"):
        name = local_name(element.tag)
        if event == "start":
            path.append(name)
            if name == "Activity" and "Activities" in path:
                activities += 1
                sport = (element.get("Sport") or "").strip() or None
            elif name == "MultiSportSession":
                multisport += 1
            elif name == "Course":
                courses += 1
            elif name == "Track":
                builder.new_segment()
            continue
        path.pop()
        if name == "Trackpoint":
            points += 1
            _add_point(builder, element)
            element.clear()
        elif name == "Lap" and "Activity" in path:
            laps.append(_lap(element))
            element.clear()
        elif name == "Name" and path[-2:] == ["Activity", "Creator"]:
            device = (element.text or "").strip() or None
        elif name in ("Activity", "Course"):
            element.clear()

    if multisport or activities > 1:
        count = activities if not multisport else max(activities, 2)
        raise WatchFileError(errors.SEVERAL_ACTIVITIES.format(count=count))
    if activities == 0:
        why = errors.NO_ACTIVITY_ROUTE if courses else errors.NO_ACTIVITY_NO_SAMPLES
        raise WatchFileError(errors.NO_ACTIVITY.format(why=why))
    if len(builder) == 0:
        why = errors.NO_ACTIVITY_NO_TIMES if points else errors.NO_ACTIVITY_NO_SAMPLES
        raise WatchFileError(errors.NO_ACTIVITY.format(why=why))

    first = builder.first_t
    assert first is not None
    timer = [duration for _start, duration, _d, _c in laps if duration is not None]
    distance = [metres for _s, _t, metres, _c in laps if metres is not None]
    return Recording(
        format="tcx",
        samples=builder.build(),
        start=dt.datetime.fromtimestamp(first, tz=dt.UTC),
        sport=sport,
        device=device,
        timer_s=sum(timer) if timer else None,
        distance_m=sum(distance) if distance else None,
        laps=[
            Lap(
                start_s=None if start is None else start - first,
                duration_s=duration,
                distance_m=metres,
                avg_cadence_spm=cadence,
            )
            for start, duration, metres, cadence in laps
        ],
    )


def _add_point(builder: SampleBuilder, point: Element) -> None:
    moment: float | None = None
    values = dict.fromkeys(_POINT_FIELDS.values(), NAN)
    for child in point.iter():
        name = local_name(child.tag)
        if name == "Time":
            moment = _timestamp(child.text)
        elif name in _POINT_FIELDS:
            values[_POINT_FIELDS[name]] = _number(child.text)
    if moment is None:
        return
    cadence = values["run_cad"] if values["run_cad"] == values["run_cad"] else values["cad"]
    builder.add(
        moment,
        lat=values["lat"],
        lon=values["lon"],
        ele=values["ele"],
        dist=values["dist"],
        speed=values["speed"],
        cad=2.0 * cadence,
    )


def _lap(lap: Element) -> tuple[float | None, float | None, float | None, float | None]:
    start = _timestamp(lap.get("StartTime"))
    duration = distance = cadence = None
    for child in lap:
        name = local_name(child.tag)
        if name == "TotalTimeSeconds":
            duration = _optional(child.text)
        elif name == "DistanceMeters":
            distance = _optional(child.text)
        elif name == "Cadence":
            cadence = _optional(child.text)
        elif name == "Extensions":
            for item in child.iter():
                if local_name(item.tag) == "AvgRunCadence":
                    cadence = _optional(item.text)
    return start, duration, distance, None if cadence is None else 2.0 * cadence


def _number(text: str | None) -> float:
    """Return the number in an element's text; NaN for an empty element."""
    text = (text or "").strip()
    if not text:
        return NAN
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _optional(text: str | None) -> float | None:
    value = _number(text)
    return None if value != value else value


def _timestamp(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()
