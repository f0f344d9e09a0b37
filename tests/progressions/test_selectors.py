"""Progression selectors: the engine on stored rows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from progressions.selectors import athlete_progression, progressions_for_athletes
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory


def _history(athlete: Athlete, today: dt.date, count: int) -> None:
    """``count`` sessions, one a day going back (several a day past ~2 years)."""
    SessionLog.objects.bulk_create(
        SessionLogFactory.build(
            athlete=athlete,
            date=today - dt.timedelta(days=1 + (i % 700)),
            duration_min=20 + i % 10,
        )
        for i in range(count)
    )


def test_the_progression_reads_the_stored_sessions(athlete: Athlete, today: dt.date) -> None:
    first = SessionLogFactory(athlete=athlete, date=today - dt.timedelta(days=3))
    second = SessionLogFactory(athlete=athlete, date=today - dt.timedelta(days=1))
    progression = athlete_progression(athlete)
    assert progression.recommendation == "advance"
    gate = progression.criteria[0]
    assert (gate.met, list(gate.evidence)) == (True, [second.pk, first.pk])


def test_another_athletes_sessions_are_ignored(
    athlete: Athlete, therapist: User, today: dt.date
) -> None:
    other = AthleteFactory(therapist=therapist, stage_started_on=athlete.stage_started_on)
    for days_ago in (3, 1):
        SessionLogFactory(athlete=other, date=today - dt.timedelta(days=days_ago))
    SessionLogFactory(athlete=other, date=today - dt.timedelta(days=2), pain_during=7)
    progressions = progressions_for_athletes([athlete, other], today=today)
    assert progressions[athlete.pk].recommendation == "hold"
    assert progressions[athlete.pk].red_flags == ()
    assert progressions[other.pk].recommendation == "back_off"


@pytest.mark.parametrize(
    ("pain_after", "activity", "minutes"), [(1, "walk_run", 20), (4, "walk", 12)]
)
def test_a_new_stage_starts_with_its_entry_capped_by_a_painful_last_session_before_it(
    therapist: User, today: dt.date, pain_after: int, activity: str, minutes: int
) -> None:
    athlete = AthleteFactory(therapist=therapist, stage="uphill_jog", stage_started_on=today)
    SessionLogFactory(athlete=athlete, date=today - dt.timedelta(days=40))
    SessionLogFactory(
        athlete=athlete, date=today - dt.timedelta(days=30), duration_min=12, pain_after=pain_after
    )
    suggestion = athlete_progression(athlete).suggested_next_session
    assert suggestion.based_on_session_id is None  # nothing counts yet: the entry session
    assert suggestion.activity == activity  # a walk that hurt: not more than a walk
    assert suggestion.duration_min == minutes


def test_pain_check_ins_count_toward_the_weekly_trend(athlete: Athlete, today: dt.date) -> None:
    for days_ago in range(7, 14):
        PainScoreFactory(athlete=athlete, date=today - dt.timedelta(days=days_ago), score=1)
    for days_ago in range(7):
        PainScoreFactory(athlete=athlete, date=today - dt.timedelta(days=days_ago), score=3)
    codes = [flag.code for flag in athlete_progression(athlete).red_flags]
    assert codes == ["pain_rising_week_to_week"]


@pytest.mark.parametrize("session_count", [10, 500])
def test_one_athletes_progression_takes_two_queries(
    athlete: Athlete, today: dt.date, session_count: int, django_assert_num_queries
) -> None:
    _history(athlete, today, session_count)
    athlete = Athlete.objects.select_related("clinic").get(pk=athlete.pk)
    # recent sessions with the last running session before them (one UNION ALL), then
    # the pain check-ins
    with django_assert_num_queries(2):
        athlete_progression(athlete)


# 10 and 500 sessions in all.
@pytest.mark.parametrize(("athlete_count", "sessions_each"), [(1, 10), (20, 25)])
def test_many_athletes_progressions_take_two_queries(
    therapist: User,
    today: dt.date,
    athlete_count: int,
    sessions_each: int,
    django_assert_num_queries,
) -> None:
    athletes = AthleteFactory.create_batch(
        athlete_count, therapist=therapist, stage_started_on=today - dt.timedelta(days=60)
    )
    for athlete in athletes:
        _history(athlete, today, sessions_each)
    with django_assert_num_queries(2):
        progressions = progressions_for_athletes(athletes, today=today)
    assert set(progressions) == {a.pk for a in athletes}


def test_without_window_ordering_in_a_union_the_same_rows_come_in_two_queries(
    athlete: Athlete, today: dt.date, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries
) -> None:
    """As on SQLite (``make run``'s embedded default), which refuses the UNION ALL."""
    _history(athlete, today, 40)
    athlete = Athlete.objects.select_related("clinic").get(pk=athlete.pk)
    together = athlete_progression(athlete)
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)

    with django_assert_num_queries(3):
        apart = athlete_progression(athlete)

    assert apart == together
