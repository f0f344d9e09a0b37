"""Cadence: the +5% target, rounded half up, and the last running session against it."""

from __future__ import annotations

import pytest

from progressions.rules import cadence_status, default_target_cadence, target_cadence
from progressions.rules.protocol import Activity
from tests.rules.builders import TODAY, run, session, settings, walk_run


@pytest.mark.parametrize(
    ("preferred", "target"),
    [
        (170, 179),  # 178.5 rounds half up (round() would give 178)
        (150, 158),  # 157.5 → 158 (round() would give 158 too, but via half-even)
        (130, 137),  # 136.5 → 137 (round() would give 136)
        (171, 180),  # 179.55
        (169, 177),  # 177.45
        (160, 168),  # exact
        (120, 126),
        (218, 229),  # 228.9
        (219, 230),  # 229.95
        (220, 230),  # 231 is capped: no session may record more than 230 (SPEC §1)
    ],
)
def test_the_default_target_is_105_percent_rounded_half_up(preferred: int, target: int) -> None:
    assert default_target_cadence(preferred) == target


def test_the_pts_target_wins_over_the_preferred_rate() -> None:
    assert target_cadence(settings(preferred_cadence_spm=170, target_cadence_spm=175)) == 175


def test_the_target_follows_the_preferred_rate_until_the_pt_sets_it() -> None:
    assert target_cadence(settings(preferred_cadence_spm=160)) == 168


def test_there_is_no_target_without_either_rate() -> None:
    assert target_cadence(settings()) is None


def test_the_last_running_session_with_a_cadence_is_compared_with_the_target() -> None:
    sessions = [
        run(5, cadence_spm=160),
        walk_run(3, cadence_spm=172),
        run(2),  # no cadence logged
        session(1, cadence_spm=118),  # a walk: a walking step rate is not a running one
        run(-1, cadence_spm=190),  # tomorrow
    ]
    status = cadence_status(
        sessions=sessions, settings=settings(preferred_cadence_spm=170), today=TODAY
    )
    assert (status.target_spm, status.session_id, status.actual_spm, status.difference_spm) == (
        179,
        sessions[1].id,
        172,
        -7,
    )


def test_without_a_running_cadence_only_the_target_is_shown() -> None:
    status = cadence_status(
        sessions=[session(1, cadence_spm=120), run(1, activity=Activity.STRENGTH, cadence_spm=150)],
        settings=settings(target_cadence_spm=180),
        today=TODAY,
    )
    assert status.as_dict() == {
        "target_spm": 180,
        "session_id": None,
        "actual_spm": None,
        "difference_spm": None,
    }


def test_without_a_target_there_is_no_difference() -> None:
    last = run(1, cadence_spm=172)
    status = cadence_status(sessions=[last], settings=settings(), today=TODAY)
    assert (status.target_spm, status.actual_spm, status.difference_spm) == (None, 172, None)
