"""The load order and the "never more load" cap (SPEC §1 "Load order")."""

from __future__ import annotations

import pytest

from progressions.rules import SuggestedSession
from progressions.rules.load import cap_load, exceeds, run_seconds
from progressions.rules.moves import one_change
from progressions.rules.protocol import Activity, Intensity, StageCode, Surface, Terrain
from tests.rules.builders import run, session, walk_run


def _plan(record: object) -> SuggestedSession:
    return one_change(record, stage=StageCode.FULL_TRAINING, variable=None, reason="")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("plan", "limit", "over"),
    [
        (run(0), walk_run(0), ["activity", "terrain", "surface", "run time"]),
        (session(0, duration_min=31), session(0), ["duration"]),
        (run(0, intensity=Intensity.HARD), run(0), ["intensity"]),
        (run(0, surface=Surface.TRAIL), run(0, surface=Surface.OTHER), ["surface"]),
        (run(0, terrain=Terrain.DOWNHILL), run(0, terrain=Terrain.ROLLING), ["terrain"]),
        (walk_run(0, repeats=9), walk_run(0, repeats=8), ["run time"]),
        (run(0, intensity=None), run(0, intensity=Intensity.EASY), []),  # unknown: no order
        (session(0), run(0), []),
    ],
)
def test_exceeds_names_each_dimension_with_more_load(
    plan: object, limit: object, over: list[str]
) -> None:
    assert exceeds(_plan(plan), limit) == over  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "seconds"),
    [
        (run(0, duration_min=20), 1200),
        (session(0), 0),
        (walk_run(0, run_interval_sec=90, repeats=4), 360),
        (walk_run(0, repeats=None), None),
        (session(0, activity=Activity.CROSS_TRAINING), None),
    ],
)
def test_run_time(record: object, seconds: int | None) -> None:
    assert run_seconds(record) == seconds  # type: ignore[arg-type]


def test_the_cap_lowers_every_dimension_to_the_limit() -> None:
    plan = _plan(
        run(
            0,
            duration_min=40,
            surface=Surface.TRAIL,
            intensity=Intensity.HARD,
            terrain=Terrain.ROLLING,
        )
    )
    limit = walk_run(0, duration_min=20)
    capped = cap_load(plan, limit)
    assert exceeds(capped, limit) == []
    assert (capped.activity, capped.terrain, capped.surface, capped.intensity) == (
        Activity.WALK_RUN,
        Terrain.UPHILL,
        Surface.TREADMILL,
        Intensity.EASY,
    )
    assert capped.incline_percent == limit.incline_percent
    assert (capped.duration_min, capped.repeats) == (20, 6)  # 10 bouts no longer fit 20 min


def test_the_cap_takes_the_limits_own_bouts_when_not_one_bout_fits_its_run_time() -> None:
    plan = _plan(walk_run(0, run_interval_sec=300, walk_interval_sec=60, repeats=5))
    limit = walk_run(0, run_interval_sec=60, walk_interval_sec=120, repeats=3)
    capped = cap_load(plan, limit)
    assert (capped.run_interval_sec, capped.walk_interval_sec, capped.repeats) == (60, 120, 3)


def test_a_plan_within_the_limit_is_left_alone() -> None:
    plan = _plan(session(0, duration_min=20))
    assert cap_load(plan, session(0)) == plan


def test_a_limit_without_a_known_run_time_fits_the_bouts_to_the_duration_only() -> None:
    plan = _plan(walk_run(0, duration_min=30, repeats=10))
    capped = cap_load(plan, walk_run(0, duration_min=15, repeats=None))
    assert (capped.duration_min, capped.repeats) == (15, 5)
