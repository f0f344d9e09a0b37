"""The data migration that dates each athlete's last stage change on the athlete row.

Athletes changed before ``stage_changed_at`` existed get the moment their latest change
(by effective date, then id) was recorded; the rest keep null, and nobody gets an entry
session (none was stored then). The migration's function runs on today's models here:
it reads and writes only fields they still have.
"""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from athletes.models import Athlete
from itbrehab.accounts.models import User
from progressions.models import StageChange
from tests.factories import AthleteFactory

migration = importlib.import_module(
    "progressions.migrations.0004_backfill_athlete_stage_changed_at"
)


def _change(athlete: Athlete, by: User, to_stage: str, effective: dt.date, at: dt.datetime) -> int:
    change = StageChange.objects.create(
        athlete=athlete,
        from_stage="uphill_walk",
        to_stage=to_stage,
        effective_date=effective,
        changed_by=by,
        recommendation="hold",
        recommendation_snapshot={},
    )
    StageChange.objects.filter(pk=change.pk).update(created_at=at)  # auto_now_add otherwise
    return change.pk


def test_each_athlete_gets_the_recording_time_of_their_latest_change(
    therapist: User, today: dt.date
) -> None:
    changed = AthleteFactory(therapist=therapist, stage_started_on=dt.date(2026, 2, 1))
    never = AthleteFactory(therapist=therapist, stage_started_on=dt.date(2026, 2, 1))
    at = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)
    _change(changed, therapist, "uphill_jog", dt.date(2026, 2, 10), at)
    _change(changed, therapist, "uphill_walk", dt.date(2026, 2, 20), at + dt.timedelta(days=10))
    # Same effective date, recorded later (higher id): the latest, whatever its clock says.
    _change(changed, therapist, "uphill_jog", dt.date(2026, 2, 20), at + dt.timedelta(days=9))
    # Recorded last but dated earlier (a backdated entry): not the latest.
    _change(changed, therapist, "uphill_jog", dt.date(2026, 2, 15), at + dt.timedelta(days=20))

    migration.backfill_stage_changed_at(apps, None)

    rows = dict(Athlete.objects.values_list("pk", "stage_changed_at"))
    assert rows == {changed.pk: at + dt.timedelta(days=9), never.pk: None}
    assert list(Athlete.objects.values_list("stage_entry_session", flat=True)) == [None, None]
