"""FIT (Garmin's binary format) into a ``Recording``, streamed with fitdecode, CRC checked.

fitdecode runs without its data processor (raw FIT timestamps, no datetime objects per
record) and with malformed-field handling set to IGNORE (a field of odd size is read as
bytes rather than failing the file); the file's CRCs are always checked. Messages are
read as they stream by and only the numbers kept: a record's timestamp, position,
altitude, distance, speed and cadence; developer fields (Stryd's "Cadence", …) are skipped.

Facts of the format used here:
- Timestamps count seconds from 1989-12-31 00:00 UTC; values below 0x10000000 are seconds
  since the device powered up (clock never set): such a file has no date.
- ``cadence`` is per leg: steps per minute = 2 × (``cadence`` + ``fractional_cadence``);
  the same for laps' ``avg_running_cadence``/``avg_cadence``.
- The timer's stop and start events bound the pauses.
- One ``session`` message per activity; more than one (a multisport file) is refused.
"""

from __future__ import annotations

import datetime as dt
import io

import fitdecode
from fitdecode.types import DevFieldDefinition

from athletes.watch_files import errors, track
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.track import Lap, Recording, SampleBuilder

FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
# Below this a FIT timestamp is seconds since power-up, not a date (FIT SDK: date_time).
FIT_DATETIME_MIN = 0x10000000
SEMICIRCLE_DEGREES = 180.0 / 2**31

# Global message numbers (FIT profile).
_FILE_ID, _SPORT, _SESSION, _LAP, _RECORD, _EVENT = 0, 12, 18, 19, 20, 21
_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_CADENCE_FIELDS = ("avg_running_cadence", "avg_cadence", "avg_walking_cadence")
# Data messages of any kind per sample allowed: a day-long recording has about one other
# message (heart-rate variability, events) per record; a file padded with many times more
# is refused before decoding it whole takes longer than the web server waits.
MESSAGES_PER_SAMPLE = 2


def looks_like_fit(head: bytes) -> bool:
    """Return whether the bytes start with a FIT file header (".FIT" at offset 8)."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def read_fit(data: bytes) -> Recording:
    """Read a FIT activity; raise ``WatchFileError`` for anything the app cannot use."""
    try:
        return _read(data)
    except WatchFileError:
        raise
    except fitdecode.FitCRCError:
        raise WatchFileError(errors.FIT_BAD_CRC) from None
    except fitdecode.FitEOFError:
        raise WatchFileError(errors.FIT_TRUNCATED) from None
    except Exception:  # any other decoding failure of a damaged file
        raise WatchFileError(errors.FIT_DAMAGED) from None


class _Session:
    __slots__ = (
        "ascent",
        "descent",
        "distance",
        "elapsed",
        "sport",
        "start",
        "sub_sport",
        "timer",
    )

    def __init__(self, values: dict[str, object]) -> None:
        self.start = _number(values.get("start_time"))
        self.elapsed = _number(values.get("total_elapsed_time"))
        self.timer = _number(values.get("total_timer_time"))
        self.distance = _number(values.get("total_distance"))
        self.ascent = _number(values.get("total_ascent"))
        self.descent = _number(values.get("total_descent"))
        self.sport = _text(values.get("sport"))
        self.sub_sport = _text(values.get("sub_sport"))


def _read(data: bytes) -> Recording:
    builder = SampleBuilder()
    add = builder.add
    sessions: list[_Session] = []
    raw_laps: list[dict[str, object]] = []
    timer_events: list[tuple[float, bool]] = []  # (timestamp, running?)
    file_type: str | None = None
    device: str | None = None
    sport: str | None = None
    sub_sport: str | None = None
    nan = float("nan")

    reader = fitdecode.FitReader(
        io.BytesIO(data),
        processor=None,
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    )
    messages, most = 0, MESSAGES_PER_SAMPLE * track.MAX_SAMPLES
    with reader:
        for frame in reader:
            if frame.frame_type != fitdecode.FIT_FRAME_DATAMESG:
                continue
            messages += 1
            if messages > most:
                raise WatchFileError(errors.TOO_MANY_SAMPLES.format(limit=track.MAX_SAMPLES))
            number = frame.def_mesg.global_mesg_num
            if number == _RECORD:
                ts = None
                lat = lon = ele = alt = dist = speed = espeed = nan
                cad = frac = nan
                for fd in frame.fields:
                    value = fd.value
                    if value is None or type(fd.field_def) is DevFieldDefinition:
                        continue
                    name = fd.name
                    if name == "timestamp":
                        ts = value
                    elif name == "position_lat":
                        lat = value * SEMICIRCLE_DEGREES
                    elif name == "position_long":
                        lon = value * SEMICIRCLE_DEGREES
                    elif name == "enhanced_altitude":
                        ele = value
                    elif name == "altitude":
                        alt = value
                    elif name == "distance":
                        dist = value
                    elif name == "enhanced_speed":
                        espeed = value
                    elif name == "speed":
                        speed = value
                    elif name == "cadence":
                        cad = value
                    elif name == "fractional_cadence":
                        frac = value
                if not isinstance(ts, int | float):
                    continue
                if ele != ele:
                    ele = alt
                if espeed == espeed:
                    speed = espeed
                if cad == cad:
                    cad = 2.0 * (cad + (frac if frac == frac else 0.0))
                add(ts, lat=lat, lon=lon, ele=ele, dist=dist, speed=speed, cad=cad)
            elif number == _EVENT:
                values = _values(frame)
                if values.get("event") == "timer" and isinstance(values.get("timestamp"), int):
                    kind = values.get("event_type")
                    if kind == "start" or kind in _TIMER_STOPS:
                        timer_events.append((values["timestamp"], kind == "start"))
            elif number == _LAP:
                raw_laps.append(_values(frame))
            elif number == _SESSION:
                sessions.append(_Session(_values(frame)))
            elif number == _SPORT:
                values = _values(frame)
                sport = _text(values.get("sport")) or sport
                sub_sport = _text(values.get("sub_sport")) or sub_sport
            elif number == _FILE_ID:
                values = _values(frame)
                file_type = _text(values.get("type"))
                device = _device(values) or device

    if file_type not in (None, "activity"):
        raise WatchFileError(errors.FIT_NOT_ACTIVITY.format(kind=file_type))
    if len(sessions) > 1:
        raise WatchFileError(errors.SEVERAL_ACTIVITIES.format(count=len(sessions)))
    if len(builder) == 0:
        raise WatchFileError(errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_NO_SAMPLES))

    first = builder.first_t
    assert first is not None
    samples = builder.build()
    last = first + samples.t[-1]
    dated = last >= FIT_DATETIME_MIN
    session = sessions[0] if sessions else None
    if session is not None:
        sport = session.sport or sport
        sub_sport = session.sub_sport or sub_sport

    return Recording(
        format="fit",
        samples=samples,
        start=FIT_EPOCH + dt.timedelta(seconds=first) if dated else None,
        sport=sport,
        sub_sport=sub_sport,
        device=device,
        elapsed_s=session.elapsed if session else None,
        timer_s=session.timer if session else None,
        distance_m=session.distance if session else None,
        ascent_m=session.ascent if session else None,
        descent_m=session.descent if session else None,
        laps=[_lap(values, first) for values in raw_laps],
        timer_pauses=_pauses(timer_events, first),
    )


def _values(frame: fitdecode.FitDataMessage) -> dict[str, object]:
    """Return a message's standard fields by name (developer fields left out)."""
    return {
        fd.name: fd.value
        for fd in frame.fields
        if fd.value is not None and type(fd.field_def) is not DevFieldDefinition
    }


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: object) -> str | None:
    """Return an enum's name as text; None for a missing or numbered (unknown) value."""
    if isinstance(value, str) and value:
        return value
    return None


def _device(values: dict[str, object]) -> str | None:
    name = values.get("product_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    maker = _text(values.get("manufacturer"))
    product = values.get("garmin_product") or values.get("product")
    parts = [str(part) for part in (maker, product) if part not in (None, "")]
    return " ".join(parts) or None


def _lap(values: dict[str, object], first: float) -> Lap:
    start = _number(values.get("start_time"))
    cadence = None
    for name in _CADENCE_FIELDS:
        per_leg = _number(values.get(name))
        if per_leg:
            cadence = 2.0 * (per_leg + (_number(values.get("avg_fractional_cadence")) or 0.0))
            break
    return Lap(
        start_s=start - first if start is not None else None,
        duration_s=_number(values.get("total_timer_time"))
        or _number(values.get("total_elapsed_time")),
        distance_m=_number(values.get("total_distance")),
        avg_cadence_spm=cadence,
    )


def _pauses(events: list[tuple[float, bool]], first: float) -> list[tuple[float, float]]:
    """Return the spans between a timer stop and the next start, after the first sample."""
    pauses: list[tuple[float, float]] = []
    stopped_at: float | None = None
    for ts, starts in sorted(events):
        if not starts and stopped_at is None:
            stopped_at = ts
        elif starts and stopped_at is not None:
            if ts > stopped_at:
                pauses.append((stopped_at - first, ts - first))
            stopped_at = None
    return pauses
