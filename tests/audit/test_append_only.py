"""No one edits or deletes the audit log: the database refuses it, whoever asks (SPEC §8)."""

from __future__ import annotations

import pghistory
import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.audit.models import EVENT_MODELS, AccessAction, AccessEvent, AthleteEvent
from tests.support.athletes import sam


@pytest.fixture
def event(therapist: User) -> AthleteEvent:
    athlete: Athlete = sam(therapist)
    with pghistory.context(actor=f"therapist {therapist.pk}", ip="192.0.2.1"):
        services.athlete_update(athlete=athlete, first_name="Samuel")
    return AthleteEvent.objects.get(pgh_obj_id=athlete.pk, pgh_label="update")


def _refused(statement: object) -> None:
    """Assert the database refuses the write, leaving the test's transaction usable."""
    refused = pytest.raises(ProgrammingError, match="Cannot update or delete rows")
    with refused, transaction.atomic():
        statement()  # type: ignore[operator]


def test_an_event_cannot_be_changed_through_the_orm(event: AthleteEvent) -> None:
    _refused(lambda: AthleteEvent.objects.filter(pk=event.pk).update(first_name="Someone"))
    event.first_name = "Someone"
    _refused(event.save)

    event.refresh_from_db()
    assert event.first_name == "Samuel"


def test_an_event_cannot_be_deleted_through_the_orm(event: AthleteEvent) -> None:
    _refused(lambda: AthleteEvent.objects.filter(pk=event.pk).delete())
    _refused(event.delete)

    assert AthleteEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_change_or_delete_an_event(event: AthleteEvent) -> None:
    table = AthleteEvent._meta.db_table

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    _refused(lambda: run(f"UPDATE {table} SET pgh_context = NULL WHERE pgh_id = %s"))
    _refused(lambda: run(f"DELETE FROM {table} WHERE pgh_id = %s"))

    event.refresh_from_db()
    assert event.pgh_context["ip"] == "192.0.2.1"
    assert AthleteEvent.objects.filter(pk=event.pk).exists()


def test_every_event_table_is_guarded(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname LIKE 'pgtrigger_append_only_%%'"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert guarded == {model._meta.db_table for model in (*EVENT_MODELS, AccessEvent)}


def test_a_read_or_login_event_cannot_be_changed_or_deleted(therapist: User) -> None:
    event = AccessEvent.objects.create(
        clinic=therapist.clinic,
        actor=f"therapist {therapist.pk}",
        action=AccessAction.LOGIN,
        therapist=therapist,
        ip="192.0.2.1",
    )

    _refused(lambda: AccessEvent.objects.filter(pk=event.pk).update(ip="198.51.100.7"))
    _refused(lambda: AccessEvent.objects.filter(pk=event.pk).delete())
    event.actor = "system"
    _refused(event.save)

    event.refresh_from_db()
    assert (event.actor, event.ip) == (f"therapist {therapist.pk}", "192.0.2.1")


def test_the_admin_offers_no_way_to_edit_events() -> None:
    registered = set(admin.site._registry)
    assert not registered & {*EVENT_MODELS, AccessEvent}
