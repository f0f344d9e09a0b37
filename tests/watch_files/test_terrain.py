"""Terrain comes from the elevation profile (SPEC §9), not from the noise in it."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read


def test_a_point_to_point_climb_is_uphill_with_its_grade_as_incline() -> None:
    # 40 min of walking up a steady 6 % road: 3.36 km, 200 m up.
    result = read(b.gpx(b.samples([b.walk(2400)], elevation=lambda d: 50 + 0.06 * d)))

    assert result.session["terrain"] == "uphill"
    assert result.session["incline_percent"] == pytest.approx(Decimal("6.0"), abs=Decimal("0.3"))
    assert result.summary["elevation_source"] == "smoothed"
    assert result.summary["ascent_m"] == pytest.approx(201, abs=10)


def test_a_point_to_point_descent_is_downhill_without_an_incline() -> None:
    result = read(b.gpx(b.samples([b.walk(2400)], elevation=lambda d: 250 - 0.05 * d)))

    assert result.session["terrain"] == "downhill"
    assert result.session["incline_percent"] is None


def test_a_hilly_loop_is_rolling() -> None:
    # 15 m hills every 600 m: about 50 m of climb and of descent per km, no net change.
    profile = lambda d: 60 + 15 * math.sin(2 * math.pi * d / 600)  # noqa: E731

    result = read(b.gpx(b.samples([b.run(1500)], elevation=profile)))

    assert result.session["terrain"] == "rolling"
    assert result.summary["mean_grade_percent"] == pytest.approx(0, abs=0.5)


def test_gentle_bumps_below_ten_metres_per_km_are_flat() -> None:
    # 4 m bumps every 1.2 km: 6–7 m of climb per km.
    profile = lambda d: 30 + 2 * math.sin(2 * math.pi * d / 1200)  # noqa: E731

    assert read(b.gpx(b.samples([b.run(1800)], elevation=profile))).session["terrain"] == "flat"


def test_elevation_noise_alone_does_not_make_a_flat_run_rolling() -> None:
    # GPS altitude: ±4 m of jitter on every sample and a 20 m spike lasting 30 s.
    jitter = random.Random(15)
    noise = [jitter.uniform(-4, 4) for _ in range(6000)]
    profile = lambda d: 30 + noise[int(d)] + (20 if 2000 < d < 2090 else 0)  # noqa: E731

    result = read(b.gpx(b.samples([b.run(1800)], elevation=profile)))

    assert result.session["terrain"] == "flat"
    assert result.summary["ascent_m"] < 10 * 5.4


@pytest.mark.parametrize("name", ["strava-android-app-run.fit", "garmin-connect-run.gpx"], ids=str)
def test_real_noisy_flat_recordings_are_not_rolling(name: str) -> None:
    path = FOLDERS[0] / name

    result = read(path.read_bytes(), today=b.TODAY.replace(year=2030))

    assert result.summary["elevation_source"] == "smoothed"
    assert result.session["terrain"] == "flat"
    km = result.summary["distance_km"]
    assert result.summary["ascent_m"] / km < 10 or result.summary["descent_m"] / km < 10


def test_device_totals_win_over_the_samples() -> None:
    # fenix 2: the device counts 64/61 m; the raw samples add up to 257/253 m.
    path = FOLDERS[0] / "fenix2-run-cadence.fit"

    result = read(path.read_bytes(), today=b.TODAY.replace(year=2030))

    assert (result.summary["ascent_m"], result.summary["descent_m"]) == (64, 61)
    assert result.summary["elevation_source"] == "device"
    assert result.session["terrain"] == "flat"


def test_a_run_without_elevation_leaves_the_terrain_to_the_user() -> None:
    result = read(b.tcx(b.samples([b.run(1200)]), elevation=False))

    assert result.session["terrain"] is None
    assert result.summary["elevation_source"] is None
    assert any("Choose the terrain" in note for note in result.summary["notes"])
