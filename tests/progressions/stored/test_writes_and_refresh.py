"""Every write leaves the stored progression right; the hourly task keeps it right by day.

A service stores the new answer in the write's own transaction; any other write (a bare
``QuerySet.update()``, a bulk insert, raw SQL) empties the stored answer at once and
starts a new generation, so no reader ever sees a stale one and no answer evaluated
before the write is stored after it. ``verify_progressions`` finds and repairs a row
that drifted all the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from athletes import services
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from progressions import generations, stored
from progressions.models import StoredProgression
from progressions.rules.protocol import Recommendation
from progressions.selectors import engine_rows, progressions_for_athletes
from progressions.services import stage_change_create
from tests.support.athletes import sam
from tests.support.clock import NOON, TODAY, days_ago
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    athlete = sam(therapist)
    return Athlete.objects.select_related("clinic").get(pk=athlete.pk)


def _row(athlete: Athlete) -> StoredProgression | None:
    """The athlete's row if it holds an answer."""
    return StoredProgression.objects.filter(athlete=athlete, data__isnull=False).first()


def _generation(athlete: Athlete) -> int:
    return StoredProgression.objects.get(athlete=athlete).generation


def _live(athlete: Athlete, today: dt.date = TODAY) -> Any:
    return progressions_for_athletes([athlete], today=today)[athlete.pk]


def test_each_service_write_stores_the_new_answer(athlete: Athlete, therapist: User) -> None:
    for write in (
        lambda: walk(athlete, 1, pain_during=6),
        lambda: services.pain_score_create(athlete=athlete, date=TODAY, score=5),
        lambda: services.athlete_update(athlete=athlete, walk_gate_minutes=40),
        lambda: services.session_log_delete(session=SessionLog.objects.get()),
        lambda: stage_change_create(
            athlete=athlete, to_stage="uphill_walk", changed_by=therapist, reason="Flare-up."
        ),
    ):
        write()
        athlete.refresh_from_db()
        row = _row(athlete)
        assert row is not None
        assert (row.computed_on, row.valid_until) == (TODAY, TODAY)
        assert stored.stored_progressions([athlete], today=TODAY)[athlete.pk] == _live(athlete)


def test_a_red_flag_logged_shows_at_once(athlete: Athlete) -> None:
    walk(athlete, 2)
    assert _row(athlete).recommendation != Recommendation.BACK_OFF

    walk(athlete, 0, pain_during=7)

    assert _row(athlete).recommendation == Recommendation.BACK_OFF
    assert _row(athlete).red_flag_count >= 1


@pytest.mark.parametrize(
    "write",
    [
        lambda a: SessionLog.objects.filter(athlete=a).update(pain_during=8),
        lambda a: SessionLog.objects.bulk_create(
            [SessionLog(athlete=a, date=days_ago(0), activity="strength", duration_min=20)]
        ),
        lambda a: Athlete.objects.filter(pk=a.pk).update(walk_gate_minutes=45),
        lambda a: a.pain_scores.create(date=days_ago(0), score=7),
    ],
    ids=["update", "bulk insert", "athlete update", "orm create"],
)
def test_a_write_outside_the_services_empties_the_stored_answer(
    athlete: Athlete, write: Any
) -> None:
    walk(athlete, 1)
    assert _row(athlete) is not None
    before = _generation(athlete)

    write(athlete)

    assert _row(athlete) is None
    assert _generation(athlete) > before
    athlete.refresh_from_db()
    assert stored.stored_progressions([athlete], today=TODAY)[athlete.pk] == _live(athlete)


def test_raw_sql_empties_it_too(athlete: Athlete) -> None:
    session = walk(athlete, 1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE athletes_sessionlog SET pain_after = 9 WHERE id = %s", [session.pk])

    assert _row(athlete) is None


def test_without_postgresql_the_save_signals_empty_it(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk(athlete, 1)
    monkeypatch.setattr(generations, "triggers_remove_it", lambda: False)
    session = SessionLog(athlete=athlete, date=TODAY, activity="strength", duration_min=20)

    with pgtrigger.ignore("athletes.SessionLog:stored_progression_stale"):  # as on SQLite
        session.save()
        assert _row(athlete) is None
        stored.store([Athlete.objects.get(pk=athlete.pk)], today=TODAY)
        assert _row(athlete) is not None
        session.delete()
        assert _row(athlete) is None


def test_an_answer_evaluated_before_a_write_is_not_stored_after_it(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when another transaction writes while a reader evaluates: the reader read the
    inputs and their generation first; the write started a new generation; the reader's
    answer is dropped."""
    walk(athlete, 1)
    read_before = engine_rows([athlete.pk], TODAY)
    SessionLog.objects.filter(athlete=athlete).update(pain_during=7)  # the other write
    monkeypatch.setattr(stored, "engine_rows", lambda ids, today: read_before)

    stored.store([athlete], today=TODAY)

    assert _row(athlete) is None  # not kept: the next reader evaluates again
    monkeypatch.undo()
    fresh = Athlete.objects.select_related("stored_progression").get(pk=athlete.pk)
    assert stored.stored_progressions([fresh], today=TODAY)[athlete.pk] == _live(athlete)
    assert _row(athlete).recommendation == Recommendation.BACK_OFF


def test_the_hourly_task_keeps_every_answer_right_through_a_month(
    therapist: User, time_machine: Any
) -> None:
    """Day by day for a month: the task runs, data arrives on some days, and every stored
    answer holds today and equals the live one, in the clinic's own time zone."""
    therapist.clinic.time_zone = "America/New_York"
    therapist.clinic.save()
    athletes = [sam(therapist, first_name=name) for name in ("Ana", "Ben", "Cy", "Dee")]
    start = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)  # 01:00 in New York
    evaluated = []
    for day in range(31):
        time_machine.move_to(start + dt.timedelta(days=day), tick=False)
        today = therapist.clinic.today()
        if day % 3 == 0:  # every third day someone trains, sometimes sore
            who = athletes[day % 4]
            services.session_log_create(
                athlete=who, date=today, activity="walk", terrain="uphill", surface="treadmill",
                incline_percent=6, duration_min=30, intensity="easy", pain_during=day % 7,
            )  # fmt: skip

        evaluated.append(stored.refresh_due())

        fresh = list(Athlete.objects.filter(pk__in=[a.pk for a in athletes]).select_related(
            "stored_progression", "clinic"))  # fmt: skip
        for athlete in fresh:
            row = athlete.stored_progression
            assert row.computed_on <= today <= row.valid_until, (day, athlete.first_name)
        read = stored.stored_progressions(fresh, today=today)
        assert read == progressions_for_athletes(fresh, today=today), day
    # Only what changed is evaluated again: far fewer than every athlete every day.
    assert sum(evaluated) < len(athletes) * 31 // 2, evaluated


def test_verify_reports_and_repairs_a_drifted_row(athlete: Athlete) -> None:
    walk(athlete, 1)
    call_command("verify_progressions")  # all equal: no error
    # A bug that changed the stored row itself (it is no input: no trigger removes it).
    StoredProgression.objects.filter(athlete=athlete).update(
        data={**_row(athlete).data, "recommendation": "advance"}
    )

    with pytest.raises(CommandError, match="1 stored progressions had drifted"):
        call_command("verify_progressions")
    with pytest.raises(CommandError):
        call_command("verify_progressions", "--repair")
    call_command("verify_progressions")  # repaired

    assert stored.stored_progressions([athlete], today=TODAY)[athlete.pk] == _live(athlete)
    assert NOON.date() == TODAY


def test_a_write_through_an_older_copy_of_the_athlete_stores_the_current_stage(
    athlete: Athlete, therapist: User
) -> None:
    older = Athlete.objects.get(pk=athlete.pk)
    stage_change_create(
        athlete=athlete, to_stage="uphill_jog", changed_by=therapist, reason="Ready early."
    )

    services.pain_score_create(athlete=older, date=TODAY, score=1)

    assert older.stage == "uphill_walk"
    assert _row(athlete).data["stage"]["code"] == "uphill_jog"


def test_after_a_release_that_changes_the_rules_no_old_answer_holds(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk(athlete, 1)
    StoredProgression.objects.filter(athlete=athlete).update(
        data={**_row(athlete).data, "recommendation": "advance"}  # what old rules answered
    )
    monkeypatch.setattr(stored, "RULES_VERSION", "next-release")

    fresh = Athlete.objects.select_related("stored_progression").get(pk=athlete.pk)
    answer = stored.stored_progressions([fresh], today=TODAY)[athlete.pk]

    assert answer == _live(athlete)
    assert _row(athlete).rules == "next-release"
    assert stored.refresh_due() == 0  # stored again by the reader, under the new rules


def test_the_rules_fingerprint_is_the_code_that_computes_an_answer() -> None:
    assert len(stored.RULES_VERSION) == 16
    assert stored._rules_version() == stored.RULES_VERSION  # the same code, the same print


def test_an_hour_with_nothing_due_costs_a_query_per_time_zone(
    athlete: Athlete, outsider: User, django_assert_num_queries: Any
) -> None:
    outsider.clinic.time_zone = athlete.clinic.time_zone  # another clinic, the same zone
    outsider.clinic.save()
    sam(outsider, first_name="Lee")
    stored.refresh_due()

    # The time zones, then one query finding no one due in the only one.
    with django_assert_num_queries(2):
        assert stored.refresh_due() == 0
