"""Small watch files built in code for the edge cases the real recordings do not show.

A session is a list of ``Leg``s (so many seconds at a speed and a step rate); ``samples``
lays them out one sample a second along a straight line heading east, with the
elevation a function of the distance covered, and ``gpx``/``tcx`` write them as a
Garmin export would (cadence per leg, as the formats have it). Nothing here reads files:
the bytes are built for each test.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

START = dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.UTC)  # a Tuesday morning
TODAY = dt.date(2025, 3, 10)
START_LAT, START_LON = 51.5, -0.12
METRES_PER_DEGREE_LAT = 111_320.0

RUN_SPEED, RUN_CADENCE = 3.0, 166  # m/s, steps/min: an easy jog
WALK_SPEED, WALK_CADENCE = 1.4, 112  # a brisk walk


@dataclass(frozen=True)
class Leg:
    """So many seconds at a speed (m/s) and a step rate (steps/min; None: no cadence)."""

    seconds: int
    speed: float
    cadence_spm: float | None = None


@dataclass(frozen=True)
class Sample:
    t: int  # seconds after the start
    lat: float
    lon: float
    ele: float
    distance_m: float
    cadence_spm: float | None


def run(seconds: int) -> Leg:
    return Leg(seconds, RUN_SPEED, RUN_CADENCE)


def walk(seconds: int) -> Leg:
    return Leg(seconds, WALK_SPEED, WALK_CADENCE)


def stand(seconds: int) -> Leg:
    """Standing still: no speed, cadence 0 (what a watch writes at a crossing)."""
    return Leg(seconds, 0.0, 0)


def walk_run(run_s: Sequence[int], walk_s: Sequence[int], *, warm_up: int = 0) -> list[Leg]:
    """Return run bouts with the walks between them (len(walk_s) = len(run_s) - 1)."""
    legs = [walk(warm_up)] if warm_up else []
    for index, seconds in enumerate(run_s):
        legs.append(run(seconds))
        if index < len(walk_s):
            legs.append(walk(walk_s[index]))
    return legs


def flat(_distance: float) -> float:
    return 20.0


def samples(legs: Sequence[Leg], *, elevation: Callable[[float], float] = flat) -> list[Sample]:
    """Lay the legs out at one sample a second, starting at t = 0 with distance 0."""
    out: list[Sample] = []
    t, distance = 0, 0.0
    metres_per_degree_lon = METRES_PER_DEGREE_LAT * math.cos(math.radians(START_LAT))
    cadence: float | None = legs[0].cadence_spm if legs else None

    def add() -> None:
        out.append(
            Sample(
                t=t,
                lat=START_LAT,
                lon=START_LON + distance / metres_per_degree_lon,
                ele=elevation(distance),
                distance_m=distance,
                cadence_spm=cadence,
            )
        )

    add()
    for leg in legs:
        for _ in range(leg.seconds):
            t += 1
            distance += leg.speed
            cadence = leg.cadence_spm
            add()
    return out


def _time(start: dt.datetime, seconds: float) -> str:
    return (start + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx(
    points: Sequence[Sample],
    *,
    sport: str | None = "running",
    start: dt.datetime = START,
    tracks: int = 1,
    times: bool = True,
) -> bytes:
    """Return a GPX 1.1 file as Garmin Connect exports it (``tracks`` copies of the track)."""
    rows = []
    for p in points:
        cadence = (
            f"<gpxtpx:cad>{p.cadence_spm / 2:g}</gpxtpx:cad>" if p.cadence_spm is not None else ""
        )
        time = f"<time>{_time(start, p.t)}</time>" if times else ""
        rows.append(
            f'<trkpt lat="{p.lat:.7f}" lon="{p.lon:.7f}"><ele>{p.ele:.1f}</ele>{time}'
            f"<extensions><gpxtpx:TrackPointExtension>{cadence}"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    kind = f"<type>{sport}</type>" if sport else ""
    track = f"<trk><name>Session</name>{kind}<trkseg>{''.join(rows)}</trkseg></trk>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="tests.watch_files.build" version="1.1" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<metadata><time>{_time(start, 0)}</time></metadata>"
        f"{track * tracks}</gpx>\n"
    ).encode()


def tcx(
    points: Sequence[Sample],
    *,
    sport: str = "Running",
    start: dt.datetime = START,
    activities: int = 1,
    positions: bool = True,
    elevation: bool = True,
) -> bytes:
    """Return a TCX file with one lap per activity, as a Garmin device exports it."""
    rows = []
    for p in points:
        position = (
            f"<Position><LatitudeDegrees>{p.lat:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{p.lon:.7f}</LongitudeDegrees></Position>"
            if positions
            else ""
        )
        altitude = f"<AltitudeMeters>{p.ele:.1f}</AltitudeMeters>" if elevation else ""
        cadence = (
            f"<Extensions><ns3:TPX><ns3:RunCadence>{p.cadence_spm / 2:g}</ns3:RunCadence>"
            "</ns3:TPX></Extensions>"
            if p.cadence_spm is not None
            else ""
        )
        rows.append(
            f"<Trackpoint><Time>{_time(start, p.t)}</Time>{position}{altitude}"
            f"<DistanceMeters>{p.distance_m:.1f}</DistanceMeters>{cadence}</Trackpoint>"
        )
    seconds = points[-1].t - points[0].t if points else 0
    metres = points[-1].distance_m if points else 0
    activity = (
        f'<Activity Sport="{sport}"><Id>{_time(start, 0)}</Id>'
        f'<Lap StartTime="{_time(start, 0)}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        f"<DistanceMeters>{metres:.1f}</DistanceMeters><Intensity>Active</Intensity>"
        f"<TriggerMethod>Manual</TriggerMethod><Track>{''.join(rows)}</Track></Lap>"
        "<Creator><Name>Forerunner Test</Name></Creator></Activity>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<TrainingCenterDatabase "
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f"<Activities>{activity * activities}</Activities></TrainingCenterDatabase>\n"
    ).encode()


def billion_laughs_gpx() -> bytes:
    """Return the classic entity bomb dressed as a GPX file (about 3 GB if expanded)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE gpx [' + "".join(entities) + "]>\n"
        '<gpx version="1.1"><trk><name>&lol9;</name></trk></gpx>\n'
    ).encode()


def external_entity_tcx() -> bytes:
    """Return a TCX file whose activity notes pull in a local file (an XXE attack)."""
    return (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
        b"<Notes>&secret;</Notes></Activity></Activities></TrainingCenterDatabase>\n"
    )


def png() -> bytes:
    """Return the start of a PNG image: its signature and header chunk."""
    return bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
