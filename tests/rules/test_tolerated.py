"""A session is tolerated: pain during, after and next morning ≤ the max, not stopped early."""

from __future__ import annotations

from typing import Any

import pytest

from progressions.rules import is_tolerated
from tests.rules.builders import session


@pytest.mark.parametrize(
    ("during", "after", "next_morning", "gate_pain_max", "tolerated"),
    [
        (2, 2, 2, 2, True),  # at the default max
        (3, 2, 2, 2, False),  # during just above
        (2, 3, 2, 2, False),  # after just above
        (2, 2, 3, 2, False),  # next morning just above
        (0, 0, 0, 0, True),  # the strictest setting
        (1, 0, 0, 0, False),
        (3, 3, 3, 3, True),  # the most lenient setting
        (4, 3, 3, 3, False),
    ],
)
def test_tolerated_means_each_pain_at_most_the_gate_max(
    during: int, after: int, next_morning: int, gate_pain_max: int, tolerated: bool
) -> None:
    record = session(pain_during=during, pain_after=after, pain_next_morning=next_morning)
    assert is_tolerated(record, gate_pain_max) is tolerated


@pytest.mark.parametrize("missing", ["pain_during", "pain_after", "pain_next_morning"])
def test_a_missing_pain_score_is_not_yet_known_so_not_tolerated(missing: str) -> None:
    unknown: dict[str, Any] = {missing: None}
    assert is_tolerated(session(**unknown), 2) is False


def test_pain_before_does_not_decide_tolerance() -> None:
    assert is_tolerated(session(pain_before=8), 2) is True


def test_a_session_stopped_early_is_never_tolerated() -> None:
    assert (
        is_tolerated(
            session(pain_during=0, pain_after=0, pain_next_morning=0, stopped_early=True), 2
        )
        is False
    )
