"""A progression written as JSON reads back equal: what the stored progression relies on.

``Progression.as_dict`` is the API's shape and the stored progression's column; its
``from_dict`` must give back an equal progression, every nested value with its own type.
"""

from __future__ import annotations

import json

import pytest

from progressions.rules import Progression
from progressions.rules.protocol import Recommendation, StageCode
from tests.rules.builders import pain, progression, run, session, walk_run


def _round_trip(result: Progression) -> Progression:
    return Progression.from_dict(json.loads(json.dumps(result.as_dict())))


@pytest.mark.parametrize(
    "result",
    [
        # Advance: the gate met, with the next stage and its first session.
        progression([session(1), session(3), session(5, duration_min=35)]),
        # Back off: red flags with their sessions and dates, a pain check-in.
        progression([session(1, pain_during=6), session(2)], pain_scores=[pain(1, 5)]),
        # Two variables changed at once: a warning with its variables.
        progression(
            [walk_run(3), walk_run(1, duration_min=45, run_interval_sec=120)],
            stage=StageCode.UPHILL_JOG,
        ),
        # The last stage: no next stage; a cadence measured.
        progression([run(1, cadence_spm=172)], stage=StageCode.FULL_TRAINING),
        # Nothing logged: a suggestion to start.
        progression([]),
    ],
    ids=["advance", "back-off", "warning", "last-stage", "empty"],
)
def test_a_progression_reads_back_equal(result: Progression) -> None:
    assert _round_trip(result) == result


def test_the_examples_cover_what_the_round_trip_must_carry() -> None:
    advance = progression([session(1), session(3), session(5, duration_min=35)])
    back_off = progression([session(1, pain_during=6), session(2)], pain_scores=[pain(1, 5)])

    assert advance.recommendation == Recommendation.ADVANCE
    assert advance.next_stage_first_session is not None
    assert back_off.red_flags
