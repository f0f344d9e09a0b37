"""Deliveries: signed as Standard Webhooks says, retried with the same id, to allowed hosts only."""

from __future__ import annotations

import itertools
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from standardwebhooks import Webhook

from athletes.models import Athlete
from athletes.services import pain_score_create, session_log_create
from itbrehab.accounts.models import User
from itbrehab.webhooks import tasks
from itbrehab.webhooks.models import WebhookDelivery, WebhookEvent
from itbrehab.webhooks.services import webhook_endpoint_create
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager_celery", "now")

RUN = {
    "activity": "run",
    "terrain": "flat",
    "surface": "road",
    "duration_min": 20,
    "intensity": "easy",
    "pain_during": 2,
    "pain_after": 3,
}


def test_a_delivery_verifies_with_the_standard_webhooks_library(
    admin: User,
    ana: Athlete,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])
    admin.clinic.refresh_from_db()
    ana.clinic.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        session = session_log_create(athlete=ana, date=ana.clinic.today(), **RUN)

    [(headers, body)] = receiver.received
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "session.created"
    assert payload["data"] == {"clinic": ana.clinic_id, "athlete": ana.pk, "session": session.pk}
    event = WebhookEvent.objects.get()
    assert headers["webhook-id"] == event.webhook_id
    assert event.webhook_id.startswith("msg_")
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.attempt, delivery.status_code, delivery.error) == (1, 204, "")


def test_a_receiver_failing_twice_gets_the_same_event_a_third_time(
    admin: User,
    ana: Athlete,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=["pain_score.created"])
    ana.clinic.refresh_from_db()
    receiver.answers = [500, 503]

    # Eager Celery runs each retry at once, its countdown skipped: the retry path itself.
    with django_capture_on_commit_callbacks(execute=True):
        pain_score_create(athlete=ana, date=ana.clinic.today(), score=4)

    assert len(receiver.received) == 3
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert ids == {WebhookEvent.objects.get().webhook_id}
    for headers, body in receiver.received:
        Webhook(endpoint.secret).verify(body, headers)
    attempts = endpoint.deliveries.order_by("attempt")
    assert [(d.attempt, d.status_code) for d in attempts] == [(1, 500), (2, 503), (3, 204)]
    assert attempts[0].error == "answered 500"


def test_the_retries_cover_more_than_a_day_with_growing_delays() -> None:
    delays = tasks.RETRY_DELAYS

    assert len(delays) == tasks.MAX_ATTEMPTS - 1
    assert delays[0] == 30
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert 24 * 60 * 60 <= sum(delays) < 27 * 60 * 60  # about 26.5 hours, as documented
    assert max(delays) == 6 * 60 * 60


def test_a_failed_attempt_schedules_the_next_with_its_delay(
    admin: User, ana: Athlete, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])
    ana.clinic.refresh_from_db()
    event = WebhookEvent.objects.create(
        clinic=ana.clinic, type="session.created", payload={}, webhook_id="msg_x"
    )
    scheduled: list[tuple[Any, int]] = []
    monkeypatch.setattr(
        tasks.deliver_to, "apply_async", lambda args, countdown: scheduled.append((args, countdown))
    )
    receiver.answers = [502, 502]

    tasks.deliver_to(event.pk, endpoint.pk, 1)
    tasks.deliver_to(event.pk, endpoint.pk, 2)
    tasks.deliver_to(event.pk, endpoint.pk, 2)  # the same attempt again (a redelivered task)
    tasks.deliver_to(event.pk, endpoint.pk, tasks.MAX_ATTEMPTS)  # the last one: 204, done

    assert scheduled == [((event.pk, endpoint.pk, 2), 30), ((event.pk, endpoint.pk, 3), 60)]
    assert len(receiver.received) == 3


def test_redirects_are_not_followed(
    admin: User, ana: Athlete, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])
    event = WebhookEvent.objects.create(
        clinic=ana.clinic, type="session.created", payload={}, webhook_id="msg_r"
    )
    receiver.answers = [302]
    monkeypatch.setattr(tasks.deliver_to, "apply_async", lambda args, countdown: None)

    tasks.deliver_to(event.pk, endpoint.pk, 1)

    assert len(receiver.received) == 1
    assert endpoint.deliveries.get().status_code == 302


def test_the_host_is_resolved_again_at_delivery(
    admin: User, ana: Athlete, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolved to a public address at registration now points inside."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answers = iter(["93.184.215.14", "10.0.0.7"])

    def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 443))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    endpoint = webhook_endpoint_create(
        admin=admin, url="https://hooks.example.com/h", events=["session.created"]
    )
    event = WebhookEvent.objects.create(
        clinic=ana.clinic, type="session.created", payload={}, webhook_id="msg_d"
    )
    monkeypatch.setattr(tasks.deliver_to, "apply_async", lambda args, countdown: None)

    tasks.deliver_to(event.pk, endpoint.pk, 1)

    delivery = endpoint.deliveries.get()
    assert delivery.status_code is None
    assert "10.0.0.7" in delivery.error


def test_no_payload_carries_a_name_or_a_pain_value(
    admin: User,
    ana: Athlete,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    webhook_endpoint_create(
        admin=admin,
        url=receiver.url,
        events=["session.created", "session.updated", "session.deleted", "pain_score.created"],
    )
    ana.clinic.refresh_from_db()
    from athletes.services import session_log_delete, session_log_update

    with django_capture_on_commit_callbacks(execute=True):
        session = session_log_create(athlete=ana, date=ana.clinic.today(), **RUN)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_log_update(session=session, pain_after=7, notes=ana.first_name)
    with django_capture_on_commit_callbacks(execute=True):
        session_log_delete(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        pain_score_create(athlete=ana, date=ana.clinic.today(), score=8)

    types = [json.loads(body)["type"] for _, body in receiver.received]
    assert types == ["session.created", "session.updated", "session.deleted", "pain_score.created"]
    for _, body in receiver.received:
        data = json.loads(body)["data"]
        assert set(data) <= {"clinic", "athlete", "session", "pain_score"}
        assert ana.first_name not in body
        assert ana.last_name not in body
        assert not {"pain", "score", "pain_after", "pain_during"} & set(data)


def test_a_proxy_from_the_environment_is_not_used(
    admin: User, ana: Athlete, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a proxy the host checked would not be the one reached."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    endpoint = webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])
    event = WebhookEvent.objects.create(
        clinic=ana.clinic, type="session.created", payload={}, webhook_id="msg_p"
    )

    tasks.deliver_to(event.pk, endpoint.pk, 1)

    assert endpoint.deliveries.get().status_code == 204
    assert len(receiver.received) == 1
