"""Every create, update and delete of an audited record is one event with before and after.

The triggers catch a service's save and a bare ``QuerySet.update()`` alike.
"""

from __future__ import annotations

import pytest

from athletes import services
from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.selectors import audit_events_for_clinic
from progressions import services as decisions
from progressions.models import StageReview
from tests.audit.events import event_ids, events_since, only_event_since
from tests.factories import SessionLogFactory
from tests.support.athletes import sam
from tests.support.clock import TODAY

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def test_creating_an_athlete_records_every_value_after(therapist: User) -> None:
    seen = event_ids(therapist.clinic)

    athlete = sam(therapist, first_name="Noor")

    event = only_event_since(therapist.clinic, seen)
    assert (event["action"], event["object_type"]) == ("create", "athlete")
    assert event["object_id"] == event["athlete"] == athlete.pk
    assert event["changes"]["first_name"] == [None, "Noor"]
    assert event["changes"]["clinic_id"] == [None, therapist.clinic_id]
    assert "id" not in event["changes"]


def test_updating_an_athlete_records_only_what_changed(athlete: Athlete) -> None:
    before = athlete.phone
    seen = event_ids(athlete.clinic)

    services.athlete_update(athlete=athlete, phone="+44 7700 900111")

    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_id"]) == ("update", athlete.pk)
    assert event["changes"]["phone"] == [before, "+44 7700 900111"]
    assert set(event["changes"]) <= {"phone", "updated_at"}


def test_a_queryset_update_is_recorded(athlete: Athlete) -> None:
    session = SessionLogFactory(athlete=athlete, notes="felt fine")
    seen = event_ids(athlete.clinic)

    SessionLog.objects.filter(pk=session.pk).update(notes="knee sore on the stairs")

    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_type"]) == ("update", "session")
    assert event["changes"] == {"notes": ["felt fine", "knee sore on the stairs"]}


def test_a_save_that_changes_nothing_is_not_an_event(athlete: Athlete) -> None:
    seen = event_ids(athlete.clinic)

    Athlete.objects.filter(pk=athlete.pk).update(first_name=athlete.first_name)

    assert events_since(athlete.clinic, seen) == []


def test_a_session_logged_corrected_and_deleted_is_three_events(athlete: Athlete) -> None:
    seen = event_ids(athlete.clinic)
    session = services.session_log_create(
        athlete=athlete,
        date=TODAY,
        activity="walk",
        terrain="uphill",
        surface="treadmill",
        incline_percent="8.0",
        duration_min=30,
        pain_during=1,
        pain_after=1,
    )
    created = only_event_since(athlete.clinic, seen)
    assert (created["action"], created["object_id"]) == ("create", session.pk)
    assert created["athlete"] == athlete.pk
    assert created["changes"]["duration_min"] == [None, 30]

    seen = event_ids(athlete.clinic)
    services.session_log_update(session=session, expected_version=1, pain_after=3)
    updated = only_event_since(athlete.clinic, seen)
    assert updated["action"] == "update"
    assert updated["changes"]["pain_after"] == [1, 3]
    assert updated["changes"]["version"] == [1, 2]

    seen = event_ids(athlete.clinic)
    services.session_log_delete(session=SessionLog.objects.get(pk=session.pk))
    deleted = only_event_since(athlete.clinic, seen)
    # Deleting hides the session (SPEC §8): the log says delete, and when.
    assert (deleted["action"], deleted["object_id"]) == ("delete", session.pk)
    hidden_at = SessionLog.all_objects.get(pk=session.pk).deleted_at
    assert deleted["changes"]["deleted_at"][0] is None
    assert deleted["changes"]["deleted_at"][1] is not None
    assert hidden_at is not None
    assert [e["id"] for e in audit_events_for_clinic(athlete.clinic, action="delete")] == [
        deleted["id"]
    ]
    assert deleted["id"] not in {
        e["id"] for e in audit_events_for_clinic(athlete.clinic, action="update")
    }


def test_a_pain_check_in_is_one_event(athlete: Athlete) -> None:
    seen = event_ids(athlete.clinic)

    score = services.pain_score_create(athlete=athlete, date=TODAY, score=2)

    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_type"], event["object_id"]) == (
        "create",
        "pain_score",
        score.pk,
    )
    assert event["changes"]["score"] == [None, 2]
    assert PainScore.objects.count() == 1


def test_a_phone_link_created_and_revoked_is_two_events_without_its_token(
    athlete: Athlete, therapist: User
) -> None:
    seen = event_ids(athlete.clinic)
    link, token = services.device_link_create(athlete=athlete, created_by=therapist)
    created = only_event_since(athlete.clinic, seen)
    assert (created["action"], created["object_type"]) == ("create", "device_link")
    assert created["changes"]["created_by_id"] == [None, therapist.pk]
    assert "token_hash" not in created["changes"]
    assert token not in str(created)

    seen = event_ids(athlete.clinic)
    services.device_link_revoke(link=link)
    revoked = only_event_since(athlete.clinic, seen)
    assert revoked["action"] == "update"
    assert list(revoked["changes"]) == ["revoked_at"]
    assert revoked["changes"]["revoked_at"][0] is None


def test_a_stage_change_records_the_change_and_the_athletes_new_stage(
    athlete: Athlete, therapist: User
) -> None:
    seen = event_ids(athlete.clinic)

    decisions.stage_change_create(
        athlete=athlete, to_stage="uphill_jog", changed_by=therapist, reason="45 min pain-free"
    )

    by_type = {event["object_type"]: event for event in events_since(athlete.clinic, seen)}
    assert sorted(by_type) == ["athlete", "stage_change"]
    assert by_type["stage_change"]["action"] == "create"
    assert by_type["stage_change"]["changes"]["to_stage"] == [None, "uphill_jog"]
    assert by_type["athlete"]["action"] == "update"
    assert by_type["athlete"]["changes"]["stage"] == ["uphill_walk", "uphill_jog"]


def test_a_weekly_review_opened_is_one_event(athlete: Athlete) -> None:
    seen = event_ids(athlete.clinic)

    review = decisions.stage_review_open(athlete=athlete, today=TODAY)

    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_type"], event["object_id"]) == (
        "create",
        "stage_review",
        review.pk,
    )
    assert StageReview.objects.count() == 1
