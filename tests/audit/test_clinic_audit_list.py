"""The clinic's audit list: newest first, filtered, scoped to the clinic, fixed queries."""

from __future__ import annotations

import datetime as dt

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from athletes import services
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.models import AccessAction, AccessEvent
from itbrehab.audit.selectors import audit_events_for_clinic
from tests.factories import SessionLogFactory
from tests.support.athletes import sam


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def test_the_list_has_the_agreed_shape_newest_first(athlete: Athlete) -> None:
    first = SessionLogFactory(athlete=athlete)
    second = SessionLogFactory(athlete=athlete)

    events = list(audit_events_for_clinic(athlete.clinic))

    assert set(events[0]) == {
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "athlete",
        "changes",
        "ip",
        "detail",
    }
    sessions = [e["object_id"] for e in events if e["object_type"] == "session"]
    assert sessions == [second.pk, first.pk]
    assert events[-1]["object_type"] == "athlete"  # created first
    assert len({e["id"] for e in events}) == len(events)


def test_another_clinic_sees_none_of_these_events(athlete: Athlete, outsider: User) -> None:
    SessionLogFactory(athlete=athlete)
    theirs = sam(outsider, first_name="Lee")

    ours = list(audit_events_for_clinic(athlete.clinic))
    others = list(audit_events_for_clinic(outsider.clinic))

    assert ours
    assert others
    assert {e["athlete"] for e in ours} == {athlete.pk}
    assert {e["athlete"] for e in others} == {theirs.pk}
    assert list(audit_events_for_clinic(outsider.clinic, athlete=athlete)) == []


def test_filtered_by_athlete(athlete: Athlete, therapist: User) -> None:
    other = sam(therapist, first_name="Noor")
    SessionLogFactory(athlete=other)

    events = list(audit_events_for_clinic(athlete.clinic, athlete=athlete))

    assert [(e["object_type"], e["athlete"]) for e in events] == [("athlete", athlete.pk)]
    assert len(list(audit_events_for_clinic(athlete.clinic, athlete=other.pk))) == 2


def test_filtered_by_actor(athlete: Athlete, therapist: User, colleague: User) -> None:
    with pghistory.context(actor=f"therapist {colleague.pk}", ip="192.0.2.9"):
        services.athlete_update(athlete=athlete, phone="+44 7700 900222")

    by_colleague = list(audit_events_for_clinic(athlete.clinic, actor=f"therapist {colleague.pk}"))
    by_system = list(audit_events_for_clinic(athlete.clinic, actor="system"))
    by_therapist = list(audit_events_for_clinic(athlete.clinic, actor=f"therapist {therapist.pk}"))

    assert [(e["action"], e["ip"]) for e in by_colleague] == [("update", "192.0.2.9")]
    assert [e["action"] for e in by_system] == ["create"]  # the fixture, outside a request
    assert by_therapist == []


def test_filtered_by_action(athlete: Athlete) -> None:
    session = SessionLogFactory(athlete=athlete)
    SessionLog.objects.filter(pk=session.pk).update(notes="edited")
    SessionLog.objects.filter(pk=session.pk).delete()

    def actions(action: str) -> list[tuple[str, str]]:
        events = audit_events_for_clinic(athlete.clinic, action=action)
        return [(e["object_type"], e["action"]) for e in events]

    assert actions("create") == [("session", "create"), ("athlete", "create")]
    assert actions("update") == [("session", "update")]
    assert actions("delete") == [("session", "delete")]


def test_filtered_by_dates_in_the_clinics_time_zone(athlete: Athlete) -> None:
    [created] = list(audit_events_for_clinic(athlete.clinic))
    day = created["at"].astimezone(athlete.clinic.zone).date()
    one_day = dt.timedelta(days=1)

    def count(**dates: dt.date) -> int:
        return len(list(audit_events_for_clinic(athlete.clinic, **dates)))

    assert count(date_after=day, date_before=day) == 1
    assert count(date_after=day + one_day) == 0
    assert count(date_before=day - one_day) == 0


@pytest.mark.parametrize("sessions", [5, 50])
def test_the_list_costs_three_queries_however_many_events(athlete: Athlete, sessions: int) -> None:
    SessionLogFactory.create_batch(sessions, athlete=athlete)
    for _ in range(sessions):
        _read(athlete)

    with CaptureQueriesContext(connection) as queries:
        # 1: the clinic's athletes (the scope); 2: the writes across the six tables;
        # 3: the reads and account events.
        events = list(audit_events_for_clinic(athlete.clinic))

    assert len(events) == 2 * sessions + 1
    assert len(queries) == 3


def _read(athlete: Athlete, *, by: User | None = None) -> AccessEvent:
    by = by or athlete.therapist
    return AccessEvent.objects.create(
        clinic=athlete.clinic,
        actor=f"therapist {by.pk}",
        action=AccessAction.READ,
        athlete=athlete,
        detail=f"GET /athletes/{athlete.pk}/",
    )


def test_reads_and_writes_are_one_list_in_the_order_they_happened(athlete: Athlete) -> None:
    read = _read(athlete)
    session = SessionLogFactory(athlete=athlete)
    login = AccessEvent.objects.create(
        clinic=athlete.clinic,
        actor=f"therapist {athlete.therapist.pk}",
        action=AccessAction.LOGIN,
        therapist=athlete.therapist,
    )

    events = list(audit_events_for_clinic(athlete.clinic))

    assert [(e["action"], e["object_type"], e["object_id"]) for e in events] == [
        ("login", "therapist", athlete.therapist.pk),
        ("create", "session", session.pk),
        ("read", "athlete", athlete.pk),
        ("create", "athlete", athlete.pk),
    ]
    assert events[2]["detail"] == f"GET /athletes/{athlete.pk}/"
    assert events[2]["changes"] == {}
    assert events[0]["id"] == login.pk
    assert events[2]["id"] == read.pk


def test_a_page_of_the_list_is_the_same_slice_of_the_whole(athlete: Athlete) -> None:
    for _ in range(4):
        _read(athlete)
        SessionLogFactory(athlete=athlete)
    events = audit_events_for_clinic(athlete.clinic)
    whole = list(events)

    assert events.count() == len(whole) == 9
    assert [e["id"] for e in events[3:6]] == [e["id"] for e in whole[3:6]]
    assert events[8]["id"] == whole[8]["id"]
    with pytest.raises(IndexError):
        events[9]


def test_another_clinic_sees_none_of_these_reads(athlete: Athlete, outsider: User) -> None:
    _read(athlete)
    sam(outsider, first_name="Lee")

    theirs = list(audit_events_for_clinic(outsider.clinic, action="read"))
    asked_for_ours = list(audit_events_for_clinic(outsider.clinic, athlete=athlete))

    assert theirs == []
    assert asked_for_ours == []
    assert len(list(audit_events_for_clinic(athlete.clinic, action="read"))) == 1


def test_a_filter_only_one_kind_can_match_reads_only_that_kind(athlete: Athlete) -> None:
    _read(athlete)

    with CaptureQueriesContext(connection) as queries:
        reads = list(audit_events_for_clinic(athlete.clinic, action="read"))
    assert [e["action"] for e in reads] == ["read"]
    assert len(queries) == 1  # no scope, no write events

    with CaptureQueriesContext(connection) as queries:
        creates = list(audit_events_for_clinic(athlete.clinic, action="create"))
    assert [e["action"] for e in creates] == ["create"]
    assert len(queries) == 2
