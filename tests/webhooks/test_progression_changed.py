"""``progression.changed`` (SPEC §10): sent when an athlete's recommendation or red flags
really changed, compared with the stored progression, whether a write changed them or
the calendar did (a red flag that expires with time), and only then.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.webhooks.models import WebhookEvent
from itbrehab.webhooks.services import webhook_endpoint_create
from progressions import stored, tasks
from progressions.models import StoredProgression
from progressions.rules.protocol import Recommendation
from progressions.services import stage_change_create
from tests.support.athletes import sam
from tests.support.clock import NOON, TODAY
from tests.support.sessions import walk
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager_celery", "wednesday")

EVERY_EVENT = ["session.created", "pain_score.created", "stage.changed", "progression.changed"]


@pytest.fixture
def athlete(admin: User, receiver: Receiver) -> Athlete:
    """Sam, with two tolerated walks (hold), of a clinic whose endpoint wants every event."""
    athlete = sam(admin)
    walk(athlete, 3)
    walk(athlete, 1)
    webhook_endpoint_create(admin=admin, url=receiver.url, events=EVERY_EVENT)
    return Athlete.objects.select_related("clinic").get(pk=athlete.pk)


def _types() -> list[str]:
    return list(WebhookEvent.objects.order_by("id").values_list("type", flat=True))


def _recommendation(athlete: Athlete) -> str:
    return StoredProgression.objects.get(athlete=athlete).recommendation


def test_a_session_that_raises_a_red_flag_announces_the_change_with_the_session(
    athlete: Athlete, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    assert _recommendation(athlete) != Recommendation.BACK_OFF

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        walk(athlete, 0, pain_during=7)

    assert _types() == ["session.created", "progression.changed"]
    changed = WebhookEvent.objects.get(type="progression.changed")
    assert changed.payload["data"] == {"clinic": athlete.clinic_id, "athlete": athlete.pk}
    # Both events in the write's one INSERT into the outbox.
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "webhooks_webhookevent"')]
    assert len(inserts) == 1
    assert [headers["webhook-id"] for headers, _ in receiver.received] == list(
        WebhookEvent.objects.order_by("id").values_list("webhook_id", flat=True)
    )


def test_a_session_that_changes_neither_announces_only_itself(athlete: Athlete) -> None:
    before = StoredProgression.objects.get(athlete=athlete)

    walk(athlete, 0)
    walk(athlete, 0, duration_min=25)

    after = StoredProgression.objects.get(athlete=athlete)
    assert (after.recommendation, after.red_flag_count) == (before.recommendation, 0)
    assert _types() == ["session.created", "session.created"]


def test_a_second_red_flag_of_the_same_kind_is_a_change_of_the_red_flags(
    athlete: Athlete,
) -> None:
    walk(athlete, 1, pain_during=7)
    WebhookEvent.objects.all().delete()

    walk(athlete, 0, pain_during=8)  # still back off, with one more painful session

    assert _recommendation(athlete) == Recommendation.BACK_OFF
    assert _types() == ["session.created", "progression.changed"]


def test_a_stage_change_announces_itself_and_the_new_answer(athlete: Athlete) -> None:
    walk(athlete, 0, pain_during=7)  # back off …
    WebhookEvent.objects.all().delete()

    stage_change_create(  # … and the PT restarts the stage: the flag stays, the stage moved
        athlete=athlete, to_stage=athlete.stage, changed_by=athlete.therapist, reason="Flare."
    )

    assert _types()[0] == "stage.changed"
    assert set(_types()) <= {"stage.changed", "progression.changed"}


def test_a_red_flag_that_expires_with_time_is_announced_by_the_hourly_refresh(
    athlete: Athlete,
    time_machine: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    walk(athlete, 0, pain_during=7)
    assert _recommendation(athlete) == Recommendation.BACK_OFF
    WebhookEvent.objects.all().delete()

    day = TODAY
    while _recommendation(athlete) == Recommendation.BACK_OFF:  # no write from here on
        day += dt.timedelta(days=1)
        assert day - TODAY < dt.timedelta(days=15), "the red flag never expired"
        time_machine.move_to(NOON + (day - TODAY), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.refresh_stored_progressions()
        if _recommendation(athlete) == Recommendation.BACK_OFF:
            assert _types() == []  # no change, nothing said

    assert _types() == ["progression.changed"]
    assert '"type":"progression.changed"' in receiver.received[-1][1]
    tasks.refresh_stored_progressions()
    assert stored.announce_changes() == 0
    assert _types() == ["progression.changed"]  # once


def test_a_page_view_that_evaluates_first_leaves_the_announcement_to_the_task(
    athlete: Athlete, time_machine: Any
) -> None:
    walk(athlete, 0, pain_during=7)
    WebhookEvent.objects.all().delete()
    time_machine.move_to(NOON + dt.timedelta(days=14), tick=False)

    # A reader (the athlete page) finds the answer past its day and evaluates it.
    answer = stored.stored_progression(athlete, today=athlete.clinic.today())
    assert answer.recommendation != Recommendation.BACK_OFF
    assert _types() == []  # a GET writes no event itself …

    assert tasks.announce_progression_changes() == 1  # … the task after it does
    assert _types() == ["progression.changed"]
    assert tasks.announce_progression_changes() == 0


def test_a_write_after_an_unannounced_change_announces_it_once(
    athlete: Athlete, time_machine: Any
) -> None:
    walk(athlete, 0, pain_during=7)
    WebhookEvent.objects.all().delete()
    time_machine.move_to(NOON + dt.timedelta(days=14), tick=False)
    stored.stored_progression(athlete, today=athlete.clinic.today())  # changed, not announced

    services.pain_score_create(athlete=athlete, date=athlete.clinic.today(), score=1)

    assert _types() == ["pain_score.created", "progression.changed"]
    assert stored.announce_changes() == 0


def test_a_new_athlete_has_no_change_to_announce(admin: User, athlete: Athlete) -> None:
    WebhookEvent.objects.all().delete()

    newcomer = sam(admin, first_name="Nia")
    newcomer.clinic.refresh_from_db()  # as a request loads it, with the endpoint's events
    walk(newcomer, 0)

    assert _types() == ["session.created"]
    assert stored.announce_changes() == 0


def test_a_clinic_that_does_not_want_it_gets_no_row_but_keeps_count(
    athlete: Athlete, admin: User
) -> None:
    from itbrehab.webhooks.services import webhook_endpoint_delete

    for endpoint in athlete.clinic.webhook_endpoints.all():
        webhook_endpoint_delete(admin=admin, endpoint=endpoint)
    athlete.clinic.refresh_from_db()

    walk(athlete, 0, pain_during=7)

    assert not WebhookEvent.objects.exists()
    row = StoredProgression.objects.get(athlete=athlete)
    assert row.announced_key == row.answer_key  # counted as said: no late event later
    assert stored.announce_changes() == 0


def test_the_migrations_frozen_fingerprint_is_the_apps(athlete: Athlete) -> None:
    walk(athlete, 0, pain_during=7)
    data = StoredProgression.objects.get(athlete=athlete).data
    migration = importlib.import_module("progressions.migrations.0008_stored_progression_announced")

    assert migration._answer_key(data) == stored.answer_key(data)
    assert stored.answer_key(data) == StoredProgression.objects.get(athlete=athlete).answer_key


def test_a_review_that_moves_the_stage_announces_all_three_in_one_insert(
    athlete: Athlete, admin: User
) -> None:
    from progressions.services import stage_review_decide

    webhook_endpoint_create(admin=admin, url="http://127.0.0.1:9/h", events=["review.decided"])
    athlete.clinic.refresh_from_db()
    WebhookEvent.objects.all().delete()

    with CaptureQueriesContext(connection) as queries:
        review = stage_review_decide(
            athlete=athlete, decision="advance", reviewed_by=admin, note="Walks 45 min easily."
        )

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "webhooks_webhookevent"')]
    assert len(inserts) == 1
    assert _types()[:2] == ["stage.changed", "review.decided"]
    assert set(_types()) <= {"stage.changed", "review.decided", "progression.changed"}
    decided = WebhookEvent.objects.get(type="review.decided").payload["data"]
    assert decided == {
        "clinic": athlete.clinic_id,
        "athlete": athlete.pk,
        "review": review.pk,
        "stage_change": review.stage_change_id,
    }
