"""Every real recording in both fixture folders reads as its facts say, or is refused.

The test is parametrized over the folders' listing: a file added there without an entry
in ``EXPECTED`` fails rather than being skipped. Where each expected value comes from:

- date: the start from ``facts.independent_facts`` (the FIT session's ``start_time``, the
  first GPX/TCX time) and, for the first folder, the README's facts table; dated in
  Europe/London (none of these files changes date there).
- duration_min: the moving time from ``independent_facts`` and the README's "moving"
  column, within max(1.5 min, 2 %) — the README's figures were measured by other code.
- distance_km: the FIT session's ``total_distance``, the TCX laps' ``DistanceMeters``
  (both exact to 0.01 km), gpxpy's ``length_2d`` for GPX (within 1 %), and the README.
- cadence_spm: the mean of all nonzero per-record cadences × 2 (``independent_facts``,
  the README's "records" column), within 2 steps/min (the reader leaves out records
  while standing); empty where that mean is outside 100–230.
- activity: the running share computed sample by sample by ``independent_facts``; a
  share within 0.05 of the 0.15/0.85 thresholds accepts either neighbour (the reader
  smooths the flag over 15 s).
- terrain: with device totals (FIT session), climb and descent per km against SPEC §9's
  10 m/km, the README noting that no loop here has a mean grade beyond ±2 %. For the
  files without totals, the judgement in ``EXPECTED`` with its reason beside it.
- surface: ``treadmill`` for the two files without positions (SPEC §9), ``track`` for the
  fenix 6 "Track Run" (FIT sub-sport track), else empty.
- the bad files: the message names their problem (``errors``' constants).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from athletes.watch_files import errors
from tests.watch_files.facts import README, Facts, independent_facts, recordings
from tests.watch_files.reading import LONDON, read, refusal

TODAY = dt.date(2026, 1, 1)
RUN_SHARE_BAND = 0.05


@dataclass(frozen=True)
class Good:
    # Terrain where the file has no device totals: the judgement and its reason.
    terrain: str | None = None
    surface: str | None = None


@dataclass(frozen=True)
class Bad:
    message: str


NO_ROUTE = errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_ROUTE)
NO_WAYPOINTS = errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_WAYPOINTS)

EXPECTED: dict[str, Good | Bad] = {
    "bad-crc.fit": Bad(errors.FIT_BAD_CRC),
    "bad-truncated.fit": Bad(errors.FIT_TRUNCATED),
    "bad-undefined-coordinates.gpx": Bad(errors.BAD_COORDINATES),
    "no-activity-route-only.gpx": Bad(NO_ROUTE),
    "bad-crc-bitflip.fit": Bad(errors.FIT_BAD_CRC),
    "bad-truncated-coros.fit": Bad(errors.FIT_TRUNCATED),
    "bad-truncated.tcx": Bad(errors.XML_TRUNCATED.format(format="TCX")),
    "bad-waypoints-only.gpx": Bad(NO_WAYPOINTS),
    "fenix2-run-cadence.fit": Good(),
    "fr110-hilly-run.fit": Good(),
    "fr645m-long-walk.fit": Good(),
    "fr920xt-run-with-pauses.fit": Good(),
    "coros-pace2-run.fit": Good(),
    "fr610-hilly-run.fit": Good(),
    "fr645m-hike-walk.fit": Good(),
    "fr645m-hilly-run.fit": Good(),
    "fenix6-track-run.fit": Good(surface="track"),
    # No positions: treadmill, and no terrain (its incline is not in the file).
    "fr70-footpod-no-gps-undated.fit": Good(surface="treadmill"),
    "fr935-treadmill.fit": Good(surface="treadmill"),
    # Phone GPS altitude around 2,080 m: a 25 m spike as the fix settles and a 35 m drop
    # as it is lost, on a loop. The README's light 5-point smoothing still counts
    # 183/207 m; the brief requires that noise alone does not make it rolling.
    "strava-android-app-run.fit": Good(terrain="flat"),
    # README: 16/19 m climb/descent after smoothing over 5.32 km (3 m/km).
    "garmin-connect-run.gpx": Good(terrain="flat"),
    # README: 110/120 m after smoothing over 4.69 km (23/26 m/km).
    "fr410-run.tcx": Good(terrain="rolling"),
    # A clean barometric profile (read with xml.etree): two causeway-bridge crossings
    # of about 20 m each between 0 and 25 m, so climb ≈ 45 m over 5.12 km: < 10 m/km.
    "fenix6-run.tcx": Good(terrain="flat"),
    # Washington DC: gpxpy's own get_uphill_downhill() gives 141/118 m over 3.10 km
    # (45/38 m/km), hills between 25 and 60 m.
    "garmin-connect-late-run.gpx": Good(terrain="rolling"),
}


def _activities(share: float | None) -> set[str]:
    if share is None:
        return {"run"}  # these files are all running by sport
    out = set()
    if share >= 0.85 - RUN_SHARE_BAND:
        out.add("run")
    if share <= 0.15 + RUN_SHARE_BAND:
        out.add("walk")
    if 0.15 - RUN_SHARE_BAND < share < 0.85 + RUN_SHARE_BAND:
        out.add("walk_run")
    return out


def _terrain(facts: Facts, expected: Good) -> str | None:
    if expected.surface == "treadmill":
        return None
    if facts.ascent_m is None or facts.descent_m is None:
        return expected.terrain
    km = facts.km or 0
    rolling = facts.ascent_m / km >= 10 and facts.descent_m / km >= 10
    return "rolling" if rolling else "flat"


@pytest.mark.parametrize("path", recordings(), ids=lambda path: path.name)
def test_recording_reads_as_its_facts_say(path: Path) -> None:
    assert path.name in EXPECTED, f"{path.name} is new: write down what it should read as"
    expected = EXPECTED[path.name]
    if isinstance(expected, Bad):
        assert refusal(path.read_bytes(), today=TODAY) == expected.message
        return

    facts = independent_facts(path)
    result = read(path.read_bytes(), today=TODAY)
    session = result.session
    row = README.get(path.name)

    start = facts.start_utc
    assert session["date"] == (start.astimezone(LONDON).date() if start else None)
    if row is not None:
        assert session["date"] == (row.start_utc.date() if row.start_utc else None)

    for moving in (facts.moving_min, row.moving_min if row else None):
        if moving is not None:
            assert abs(session["duration_min"] - moving) <= max(1.5, 0.02 * moving)

    km = float(session["distance_km"])
    if path.suffix == ".gpx":
        assert km == pytest.approx(facts.km, rel=0.01)
    else:
        assert km == pytest.approx(facts.km, abs=0.006)
    if row is not None:
        assert km == pytest.approx(row.km, abs=0.01)

    cadences = [facts.cadence_spm] + ([row.cadence_records_spm] if row else [])
    for cadence in cadences:
        if cadence is None:
            assert session["cadence_spm"] is None
        elif 100 <= cadence <= 230:
            assert session["cadence_spm"] == pytest.approx(cadence, abs=2)

    assert session["activity"] in _activities(facts.run_share)
    assert session["terrain"] == _terrain(facts, expected)
    assert session["surface"] == expected.surface
    if row is not None and row.ascent_m is not None:
        assert (result.summary["ascent_m"], result.summary["descent_m"]) == (
            row.ascent_m,
            row.descent_m,
        )


def test_the_folders_hold_recordings_of_every_format() -> None:
    # Guards the parametrization above against an empty or moved fixture folder.
    suffixes = {path.suffix for path in recordings()}
    assert suffixes == {".fit", ".gpx", ".tcx"}
    assert len(recordings()) >= 20
