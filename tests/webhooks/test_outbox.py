"""The outbox: an event exists exactly when its change does, for the clinic that wants it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete
from athletes.services import pain_score_create
from itbrehab.accounts.models import User
from itbrehab.webhooks import tasks
from itbrehab.webhooks.models import WebhookEvent
from itbrehab.webhooks.services import webhook_endpoint_create
from progressions.services import stage_change_create, stage_review_decide
from tests.factories import AthleteFactory
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager_celery", "now")


class Rollback(Exception):
    pass


def test_a_rolled_back_change_leaves_no_event_and_sends_nothing(
    admin: User, ana: Athlete, receiver: Receiver
) -> None:
    webhook_endpoint_create(admin=admin, url=receiver.url, events=["pain_score.created"])
    ana.clinic.refresh_from_db()

    seen: list[int] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            pain_score_create(athlete=ana, date=ana.clinic.today(), score=3)
            seen.append(WebhookEvent.objects.count())
            raise Rollback

    with pytest.raises(Rollback):
        change_then_fail()

    assert seen == [1]  # written with the change …
    assert not WebhookEvent.objects.exists()  # … and gone with it
    assert receiver.received == []


def test_nothing_is_written_when_no_endpoint_wants_the_type(
    admin: User, ana: Athlete, receiver: Receiver
) -> None:
    webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.deleted"])
    ana.clinic.refresh_from_db()

    pain_score_create(athlete=ana, date=ana.clinic.today(), score=3)

    assert not WebhookEvent.objects.exists()


def test_another_clinic_receives_none_of_this_clinics_events(
    admin: User,
    outsider: User,
    ana: Athlete,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    webhook_endpoint_create(admin=outsider, url=receiver.url, events=["pain_score.created"])
    theirs = AthleteFactory(therapist=outsider)
    theirs.clinic.refresh_from_db()  # as each request loads it

    with django_capture_on_commit_callbacks(execute=True):
        pain_score_create(athlete=ana, date=ana.clinic.today(), score=3)
    assert receiver.received == []
    assert not WebhookEvent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        pain_score_create(athlete=theirs, date=theirs.clinic.today(), score=3)
    assert len(receiver.received) == 1
    assert WebhookEvent.objects.get().clinic_id == outsider.clinic_id


def test_stage_changes_and_review_decisions_are_announced(
    admin: User, ana: Athlete, receiver: Receiver
) -> None:
    webhook_endpoint_create(
        admin=admin, url=receiver.url, events=["stage.changed", "review.decided"]
    )
    ana.clinic.refresh_from_db()

    change = stage_change_create(
        athlete=ana, to_stage=ana.stage, changed_by=admin, reason="Flare-up: restart."
    )
    review = stage_review_decide(athlete=ana, decision="hold", reviewed_by=admin)

    events = WebhookEvent.objects.order_by("id")
    assert [(e.type, e.payload["data"]) for e in events] == [
        ("stage.changed", {"clinic": ana.clinic_id, "athlete": ana.pk, "stage_change": change.pk}),
        (
            "review.decided",
            {
                "clinic": ana.clinic_id,
                "athlete": ana.pk,
                "review": review.pk,
                "stage_change": None,
            },
        ),
    ]


def test_the_sweep_delivers_what_a_dead_worker_never_started(
    admin: User, ana: Athlete, receiver: Receiver, time_machine: Any
) -> None:
    webhook_endpoint_create(admin=admin, url=receiver.url, events=["pain_score.created"])
    ana.clinic.refresh_from_db()
    # The commit happened, then the worker died before running ``deliver``: no on-commit.
    with mock.patch.object(tasks.deliver, "delay"), transaction.atomic():
        pain_score_create(athlete=ana, date=ana.clinic.today(), score=3)
    assert receiver.received == []
    assert tasks.sweep_undelivered() == 0  # too recent: its own delivery may yet run

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=10))

    assert tasks.sweep_undelivered() == 1
    assert len(receiver.received) == 1
    assert receiver.received[0][0]["webhook-id"] == WebhookEvent.objects.get().webhook_id
    assert tasks.sweep_undelivered() == 0  # it has an attempt now
