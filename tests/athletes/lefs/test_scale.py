"""The LEFS as data and its pure rules: the items, the answers, when it is due, the MCID."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from athletes import lefs
from athletes.lefs.scale import answers_total

LONDON = SimpleNamespace(clinic=SimpleNamespace(zone=ZoneInfo("Europe/London")))
LOS_ANGELES = SimpleNamespace(clinic=SimpleNamespace(zone=ZoneInfo("America/Los_Angeles")))
TODAY = dt.date(2026, 3, 29)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def test_the_scale_has_twenty_items_from_work_to_rolling_over_in_bed() -> None:
    assert lefs.ITEM_COUNT == len(lefs.ITEMS) == 20
    assert lefs.ITEMS[0] == "Any of your usual work, housework or school activities"
    assert lefs.ITEMS[-1] == "Rolling over in bed"
    assert len(set(lefs.ITEMS)) == 20


def test_answers_run_from_extreme_difficulty_to_none_and_the_total_to_80() -> None:
    assert list(lefs.ANSWER_LABELS) == [0, 1, 2, 3, 4]
    assert lefs.ANSWER_LABELS[0].startswith("Extreme difficulty")
    assert lefs.ANSWER_LABELS[4] == "No difficulty"
    assert lefs.TOTAL_MAX == 80
    assert lefs.MCID == 9


def test_the_total_is_the_sum_only_when_every_item_is_answered() -> None:
    assert answers_total([4] * 20) == 80
    assert answers_total([0] * 20) == 0
    assert answers_total([3] * 19 + [None]) is None
    assert answers_total([3] * 19) is None


def test_due_at_the_start() -> None:
    assert lefs.lefs_due(LONDON, None, TODAY)


@pytest.mark.parametrize(("days", "due"), [(0, False), (27, False), (28, True), (60, True)])
def test_due_again_once_28_days_have_passed(days: int, due: bool) -> None:
    completed = at(TODAY - dt.timedelta(days=days))
    assert lefs.lefs_due(LONDON, completed, TODAY) is due


def test_the_days_are_counted_in_the_clinics_time_zone() -> None:
    # 03:00 UTC on 2 March is still 1 March in Los Angeles: due from 29 March there.
    completed = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    assert lefs.lefs_due(LOS_ANGELES, completed, dt.date(2026, 3, 29))
    assert not lefs.lefs_due(LONDON, completed, dt.date(2026, 3, 29))


def test_each_total_carries_its_change_and_whether_it_reached_the_mcid() -> None:
    points = lefs.changes(
        [(dt.date(2026, 1, 1), 40), (dt.date(2026, 1, 29), 52), (dt.date(2026, 2, 26), 44)]
    )

    assert [p.change for p in points] == [None, 12, -8]
    assert [p.mcid_reached for p in points] == [False, True, False]
    assert [p.label for p in points] == ["", "+12 (MCID)", "-8"]


@pytest.mark.parametrize(("change", "reached"), [(8, False), (9, True), (-9, True), (-8, False)])
def test_the_mcid_is_reached_at_exactly_9_points_either_way(change: int, reached: bool) -> None:
    first, second = lefs.changes([(dt.date(2026, 1, 1), 40), (dt.date(2026, 2, 1), 40 + change)])
    assert second.mcid_reached is reached
    assert first.mcid_reached is False
