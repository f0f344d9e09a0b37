"""The PT dashboard: what an athlete's row shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from itbrehab.accounts.models import User
from progressions.services import stage_review_decide
from tests.athletes.dashboard.caseload import (
    get,
    make_advance,
    make_athlete,
    make_back_off,
    make_hold,
    row_of,
)
from tests.factories import PainScoreFactory, SessionLogFactory
from tests.support.clock import days_ago

pytestmark = pytest.mark.usefixtures("wednesday")


def test_a_row_shows_stage_step_days_last_session_pain_badge_flags_and_review(
    pt: Client, therapist: User
) -> None:
    athlete = make_athlete(therapist, "Aisha Bello", stage="flat_run", stage_days=12)
    SessionLogFactory(athlete=athlete, date=days_ago(4), flat_run=True, pain_during=1, pain_after=1)
    SessionLogFactory(
        athlete=athlete,
        date=days_ago(2),
        flat_run=True,
        pain_during=3,
        pain_after=6,
        pain_next_morning=2,
    )

    row = row_of(get(pt), "Aisha Bello")

    assert "Flat running" in row
    assert '<span class="step">3/6</span>' in row
    assert '<td class="num">12</td>' in row
    assert '<time datetime="2026-03-09">Mon 9 Mar</time>' in row
    assert "6/10" in row  # the highest pain of the last session
    # The recommendation is a word, not only a colour.
    assert '<span class="badge badge-back_off">Back off</span>' in row
    # The red-flag marker says what it means to a screen reader too.
    assert re.search(r'aria-label="Pain &gt; 5: Pain during or after passed 5/10[^"]*"', row)
    assert "Overdue since Mon 9 Mar" in row
    assert f'href="/athletes/{athlete.pk}/"' in row
    assert therapist.get_full_name() in row


@pytest.mark.parametrize(
    ("make", "word"),
    [(make_back_off, "Back off"), (make_advance, "Ready to advance"), (make_hold, "Hold")],
)
def test_each_recommendation_badge_carries_its_word(
    pt: Client, therapist: User, make: Any, word: str
) -> None:
    make(make_athlete(therapist, "Sam Okafor"))

    assert re.search(rf'<span class="badge badge-\w+">{word}</span>', get(pt))


def test_every_red_flag_is_marked_with_its_meaning(pt: Client, therapist: User) -> None:
    athlete = make_athlete(therapist, "Megan Clarke")
    # The knee at rest, the week before: calm (mean 0.5); this week: 5 the morning after
    # the session and 6 at rest yesterday (mean 5.5), so rising, and rest pain above 5.
    PainScoreFactory(athlete=athlete, date=days_ago(10), score=0)
    PainScoreFactory(athlete=athlete, date=days_ago(9), score=1)
    PainScoreFactory(athlete=athlete, date=days_ago(1), score=6, context="rest")
    SessionLogFactory(
        athlete=athlete,
        date=days_ago(2),
        pain_before=0,
        pain_during=4,
        pain_after=6,
        pain_next_morning=5,
        stopped_early=True,
    )

    row = row_of(get(pt), "Megan Clarke")

    labels = ("Pain &gt; 5", "Not settled", "Rest pain &gt; 5", "Pain rising", "Stopped early")
    for label in labels:
        assert re.search(rf'role="note" aria-label="{label}: [^"]+">{label}<', row), label


def test_an_athlete_without_sessions_shows_none_yet(pt: Client, therapist: User) -> None:
    make_athlete(therapist, "Sam Okafor")

    row = row_of(get(pt), "Sam Okafor")

    assert "none yet" in row
    assert '<span class="muted">none</span>' in row  # no red flags
    assert '<span class="badge badge-hold">Hold</span>' in row


@pytest.mark.parametrize(
    ("review_weekday", "expected"),
    [
        (0, "Overdue since Mon 9 Mar"),  # Monday: two days ago
        (2, "Due today"),  # Wednesday
        (4, "Due Fri 13 Mar"),  # Friday: later this week
    ],
)
def test_the_review_column_says_overdue_due_today_or_when(
    pt: Client, therapist: User, review_weekday: int, expected: str
) -> None:
    therapist.clinic.review_weekday = review_weekday
    therapist.clinic.save()
    make_hold(make_athlete(therapist, "Sam Okafor"))

    assert expected in row_of(get(pt), "Sam Okafor")


def test_a_decided_review_reads_reviewed(pt: Client, therapist: User) -> None:
    athlete = make_athlete(therapist, "Sam Okafor")
    stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist)

    row = row_of(get(pt), "Sam Okafor")

    assert 'class="review review-reviewed"' in row
    assert "Reviewed" in row
