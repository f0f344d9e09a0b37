"""A watch file on the pages (SPEC §9): the session form's first values and the PT's summary.

The PT page and the phone read an upload with ``watch_uploads.read_uploaded_watch_file``
and show the session form filled in with what was read, as first values only: nothing is
stored until the user has checked it, added the pains and saved. The form then carries
the file's SHA-256 (hidden), so the save stores the session with source ``file``, once.

``pt_summary`` says in words what the file holds and how the reader got each value the
form shows (moving against elapsed time, the cadence's spread, the climb and the terrain
with the thresholds that decided it), for a PT to check. The athlete's plainer words are
``athletes.phone.words.describe_watch_file``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from athletes.models import SessionLog
from athletes.watch_files import READ_FIELDS, WatchRead
from athletes.watch_files.analysis import (
    DOWNHILL_GRADE,
    ROLLING_M_PER_KM,
    RUN_SHARE_RUN,
    RUN_SHARE_WALK,
    UPHILL_GRADE,
)
from progressions.rules.protocol import Activity, Surface, Terrain

ALREADY_LOGGED = (
    "This file's session is already logged ({day}): saving it again changes nothing and "
    "stores no second session."
)


def session_initial(read: WatchRead, *, fields: tuple[str, ...] = READ_FIELDS) -> dict[str, Any]:
    """Return the session form's first values from what the file says, and its SHA-256.

    A value the file cannot tell is left empty (None), for the user to fill in: an undated
    file leaves the date empty rather than "today", which might be wrong.
    """
    initial = {name: read.session.get(name) for name in fields}
    initial["file_sha256"] = read.file_sha256
    return initial


def already_logged(session: SessionLog) -> str:
    """Return the message for a file whose session is stored: "… already logged (Tue 10 Mar)"."""
    return ALREADY_LOGGED.format(day=_day(session.date))


@dataclass(frozen=True)
class SummaryRow:
    """One line of the PT's summary: what (``label``) and what the file says about it."""

    label: str
    text: str


def pt_summary(read: WatchRead, *, target_cadence_spm: int | None) -> list[SummaryRow]:
    """Return the file's summary for the PT, one row per value the form shows and why.

    The reader's ``notes`` (what it left empty, capped or assumed) are not here: the page
    lists them under the rows, as they are.
    """
    summary, session = read.summary, read.session
    rows = [
        SummaryRow("Recorded", _recorded(summary)),
        SummaryRow("Duration", _duration(summary)),
        SummaryRow(
            "Distance",
            f"{summary['distance_km']:.2f} km"
            if summary.get("distance_km") is not None
            else "not in the file",
        ),
        SummaryRow("Activity", _activity(session, summary)),
        SummaryRow("Cadence", _cadence(summary, target_cadence_spm)),
        SummaryRow("Ascent / descent", _climb(summary)),
        SummaryRow("Terrain", _terrain(session, summary)),
    ]
    laps = summary.get("laps") or []
    if len(laps) > 1:
        rows.append(SummaryRow("Laps", str(len(laps))))
    return rows


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b} {day:%Y}"


def _recorded(summary: dict[str, Any]) -> str:
    source = f"{str(summary.get('format') or '').upper()} file"
    if summary.get("device"):
        source += f" from {summary['device']}"
    started = summary.get("started_at")
    if not started:
        return f"no date or time in the file ({source})"
    at = dt.datetime.fromisoformat(started)
    return f"{_day(at.date())}, {at:%H:%M} clinic time ({source})"


def _duration(summary: dict[str, Any]) -> str:
    text = f"{summary['moving_min']:g} min moving, {summary['elapsed_min']:g} min elapsed"
    if summary.get("timer_min") is not None:
        text += f" (timer {summary['timer_min']:g} min)"
    return text + "; the form's duration is the moving time"


def _activity(session: dict[str, Any], summary: dict[str, Any]) -> str:
    code = session.get("activity")
    if code is None:
        return "not read"
    text = Activity(code).label
    share = summary.get("run_share")
    if code in (Activity.WALK, Activity.WALK_RUN, Activity.RUN) and share is not None:
        text += (
            f": running {share * 100:.0f} % of the moving time (run from "
            f"{RUN_SHARE_RUN * 100:.0f} %, walk up to {RUN_SHARE_WALK * 100:.0f} %)"
        )
    elif summary.get("sport"):
        text += f" (the file's sport: {summary['sport']})"
    if session.get("run_interval_sec"):
        text += (
            f"; intervals run {session['run_interval_sec']} s, walk "
            f"{session['walk_interval_sec']} s × {session['repeats']}"
        )
    return text


def _cadence(summary: dict[str, Any], target: int | None) -> str:
    cadence = summary.get("cadence")
    if not cadence:
        return "not in the file"
    text = (
        f"{cadence['mean_spm']:g} steps/min on average (10th–90th percentile "
        f"{cadence['p10_spm']:g}–{cadence['p90_spm']:g})"
    )
    if target:
        text += f"; target {target}"
    return text


def _climb(summary: dict[str, Any]) -> str:
    ascent, descent = summary.get("ascent_m"), summary.get("descent_m")
    if ascent is None or descent is None:
        return "no elevation in the file"
    source = {
        "device": "the watch's totals",
        "smoothed": "from the elevation samples, smoothed",
    }.get(summary.get("elevation_source") or "", "")
    return f"{ascent:g} m up, {descent:g} m down" + (f" ({source})" if source else "")


def _terrain(session: dict[str, Any], summary: dict[str, Any]) -> str:
    """Return the terrain read and the numbers that decided it (SPEC §9's thresholds)."""
    if session.get("surface") == Surface.TREADMILL:
        return "not read: a treadmill's incline is not in the file"
    code = session.get("terrain")
    if code is None:
        if session.get("activity") not in (Activity.WALK, Activity.WALK_RUN, Activity.RUN):
            return "none (not a walk or a run)"
        return "not read: no elevation in the file"
    grade = summary.get("mean_grade_percent")
    grade_words = f"mean grade {_signed(grade)} %" if grade is not None else "no mean grade"
    per_km = _per_km(summary)
    label = Terrain(code).label
    if code == Terrain.UPHILL:
        return f"{label}: {grade_words} (uphill from {_signed(UPHILL_GRADE, 0)} %)"
    if code == Terrain.DOWNHILL:
        return f"{label}: {grade_words} (downhill from {_signed(DOWNHILL_GRADE, 0)} %)"
    if code == Terrain.ROLLING:
        return f"{label}: {per_km} (rolling from {ROLLING_M_PER_KM:g} m/km each way), {grade_words}"
    return (
        f"{label}: {grade_words}, {per_km} (uphill from {_signed(UPHILL_GRADE, 0)} %, downhill "
        f"from {_signed(DOWNHILL_GRADE, 0)} %, rolling from {ROLLING_M_PER_KM:g} m/km each way)"
    )


def _signed(value: float, places: int = 1) -> str:
    """Return "+2", "−2.5", "+0.0": a sign always, a true minus, never "−0.0"."""
    text = f"{abs(value):.{places}f}"
    negative = value < 0 and float(text) != 0
    return ("−" if negative else "+") + text


def _per_km(summary: dict[str, Any]) -> str:
    km = summary.get("distance_km")
    ascent, descent = summary.get("ascent_m"), summary.get("descent_m")
    if not km or ascent is None or descent is None:
        return "climb per km unknown"
    return f"{ascent / km:.1f} m/km up, {descent / km:.1f} m/km down"
