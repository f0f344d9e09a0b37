"""Which sessions count for the current stage (SPEC §1): after the change, or on its date
and recorded after it. The PT has judged everything before."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pytest

from progressions.rules import AthleteSettings, Progression, SessionRecord, evaluate
from progressions.rules.protocol import Recommendation, RedFlagCode, StageCode
from progressions.rules.records import PainScoreRecord
from tests.rules.builders import TODAY, day, session

CHANGE = datetime.datetime(2025, 3, 28, 12, tzinfo=datetime.UTC)  # day(3), at noon
MORNING = datetime.datetime(2025, 3, 28, 8, tzinfo=datetime.UTC)
EVENING = datetime.datetime(2025, 3, 28, 18, tzinfo=datetime.UTC)


def _evaluate(
    sessions: Sequence[SessionRecord], pain_scores: Sequence[PainScoreRecord] = ()
) -> Progression:
    """Return the progression of an athlete whose stage changed on day −3 at noon."""
    return evaluate(
        stage=StageCode.UPHILL_WALK,
        stage_since=day(3),
        stage_changed_at=CHANGE,
        settings=AthleteSettings(),
        sessions=sessions,
        pain_scores=pain_scores,
        today=TODAY,
    )


@pytest.mark.parametrize(("recorded_at", "met"), [(MORNING, False), (EVENING, True)])
def test_a_session_on_the_change_date_counts_only_if_recorded_after_it(
    recorded_at: datetime.datetime, met: bool
) -> None:
    result = _evaluate([session(3, recorded_at=recorded_at), session(1)])
    assert result.criteria[0].met is met


@pytest.mark.parametrize(("recorded_at", "flagged"), [(MORNING, False), (EVENING, True)])
def test_a_painful_session_on_the_change_date_flags_only_if_recorded_after_it(
    recorded_at: datetime.datetime, flagged: bool
) -> None:
    result = _evaluate([session(3, pain_after=7, recorded_at=recorded_at)])
    assert (result.recommendation == Recommendation.BACK_OFF) is flagged


@pytest.mark.parametrize(("recorded_at", "flagged"), [(MORNING, False), (EVENING, True)])
def test_a_check_in_on_the_change_date_counts_only_if_recorded_after_it(
    recorded_at: datetime.datetime, flagged: bool
) -> None:
    check_in = PainScoreRecord(date=day(3), score=7, recorded_at=recorded_at)
    result = _evaluate([], pain_scores=(check_in,))
    assert any(f.code == RedFlagCode.REST_PAIN_HIGH for f in result.red_flags) is flagged


def test_a_session_dated_before_the_change_never_counts_even_if_recorded_later() -> None:
    late = datetime.datetime(2025, 3, 31, 9, tzinfo=datetime.UTC)
    result = _evaluate([session(4, pain_after=8, recorded_at=late)])
    assert result.recommendation == Recommendation.HOLD


def test_the_suggestion_reads_only_what_counts() -> None:
    result = _evaluate([session(3, duration_min=40, recorded_at=MORNING)])
    suggestion = result.suggested_next_session
    assert suggestion.based_on_session_id is None  # the entry session: nothing counts yet
    assert suggestion.duration_min == 20


def test_the_warnings_list_only_counting_sessions() -> None:
    result = _evaluate([session(5), session(3, duration_min=60, terrain=None, recorded_at=MORNING)])
    assert result.warnings == ()
