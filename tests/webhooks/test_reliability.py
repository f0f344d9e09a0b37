"""Deliveries that keep going, and stop, as SPEC §10 says: far-off retries wait in the
database (not in the broker, which would give them back twice), an endpoint failing for
three days is disabled and its admins emailed, and a host that resolves inside the
network when connecting is never connected to (DNS rebinding)."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
import urllib3.util.connection
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.webhooks import tasks
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from itbrehab.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_send_again,
)
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager_celery", "now")


@pytest.fixture
def endpoint(admin: User, receiver: Receiver) -> WebhookEndpoint:
    return webhook_endpoint_create(
        admin=admin, url=receiver.url, events=["session.created", "pain_score.created"]
    )


def _event(ana: Athlete, name: str = "msg_e") -> WebhookEvent:
    return WebhookEvent.objects.create(
        clinic=ana.clinic,
        type="session.created",
        payload={"type": "session.created", "data": {"clinic": ana.clinic_id}},
        webhook_id=name,
    )


def _attempts(endpoint: WebhookEndpoint) -> list[tuple[int, int | None]]:
    return list(endpoint.deliveries.order_by("attempt").values_list("attempt", "status_code"))


def test_retries_further_ahead_than_ten_minutes_wait_in_the_database(
    ana: Athlete,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: Any,
) -> None:
    countdowns: list[int] = []
    apply_async = tasks.deliver_to.apply_async

    def queued(args: Any, countdown: int) -> Any:
        countdowns.append(countdown)
        return apply_async(args, countdown=countdown)  # eager: runs at once

    monkeypatch.setattr(tasks.deliver_to, "apply_async", queued)
    receiver.answers = [500] * 7
    event = _event(ana)

    tasks.deliver_to(event.pk, endpoint.pk, 1)

    # 30 s, 1, 2, 4, 8 min waited in the queue; the 16 minutes before attempt 7 do not.
    assert countdowns == [30, 60, 120, 240, 480]
    assert max(countdowns) <= tasks.QUEUE_DELAY_LIMIT
    assert [a for a, _ in _attempts(endpoint)] == [1, 2, 3, 4, 5, 6]
    sixth = endpoint.deliveries.get(attempt=6)
    assert sixth.next_attempt_at == sixth.at + dt.timedelta(minutes=16)

    assert tasks.sweep_retries() == 0  # not due yet
    time_machine.move_to(sixth.at + dt.timedelta(minutes=16), tick=False)
    assert tasks.sweep_retries() == 1

    assert [a for a, _ in _attempts(endpoint)] == [1, 2, 3, 4, 5, 6, 7]
    assert endpoint.deliveries.get(attempt=6).next_attempt_at is None
    seventh = endpoint.deliveries.get(attempt=7)
    assert seventh.next_attempt_at == seventh.at + dt.timedelta(minutes=32)
    assert tasks.sweep_retries() == 0
    assert {h["webhook-id"] for h, _ in receiver.received} == {"msg_e"}


def test_a_retry_queued_twice_is_made_once(
    ana: Athlete, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    event = _event(ana)
    tasks.deliver_to(event.pk, endpoint.pk, 1)
    tasks.deliver_to(event.pk, endpoint.pk, 1)  # a sweep and a redelivery, say

    assert tasks.attempt_delivery(event, endpoint, 1) is None  # raced past the check
    assert len(endpoint.deliveries.all()) == 1


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_admins_emailed(
    admin: User,
    colleague: User,
    ana: Athlete,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [503] * 100
    start = timezone.now()
    tasks.deliver_to(_event(ana, "msg_1").pk, endpoint.pk, tasks.MAX_ATTEMPTS)
    endpoint.refresh_from_db()
    assert endpoint.failing_since == start

    time_machine.move_to(start + dt.timedelta(days=3, minutes=-1), tick=False)
    tasks.deliver_to(_event(ana, "msg_2").pk, endpoint.pk, tasks.MAX_ATTEMPTS)
    endpoint.refresh_from_db()
    assert endpoint.is_live  # not three days yet

    time_machine.move_to(start + dt.timedelta(days=3), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_to(_event(ana, "msg_3").pk, endpoint.pk, 1)

    endpoint.refresh_from_db()
    assert endpoint.disabled_at == start + dt.timedelta(days=3)
    assert not endpoint.deliveries.get(event__webhook_id="msg_3").next_attempt_at
    ana.clinic.refresh_from_db()
    assert ana.clinic.webhook_events == []  # the write path stops writing events for it
    [message] = mail.outbox  # the admin, not the colleague who is no admin
    assert message.to == [admin.email]
    assert "webhooks to 127.0.0.1 are disabled" in message.subject
    assert endpoint.url in message.body
    assert "answered 503" in message.body
    assert f"/team/webhooks/{endpoint.pk}/" in message.body
    assert ana.first_name not in message.body

    sent = len(receiver.received)
    tasks.deliver_to(_event(ana, "msg_4").pk, endpoint.pk, 1)
    assert len(receiver.received) == sent  # nothing more is sent to it


def test_a_success_starts_the_three_days_again(
    ana: Athlete, endpoint: WebhookEndpoint, receiver: Receiver, time_machine: Any
) -> None:
    start = timezone.now()
    receiver.answers = [500]
    tasks.deliver_to(_event(ana, "msg_1").pk, endpoint.pk, tasks.MAX_ATTEMPTS)
    time_machine.move_to(start + dt.timedelta(days=2), tick=False)
    tasks.deliver_to(_event(ana, "msg_2").pk, endpoint.pk, 1)  # 204
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None

    time_machine.move_to(start + dt.timedelta(days=3, hours=1), tick=False)
    receiver.answers = [500]
    tasks.deliver_to(_event(ana, "msg_3").pk, endpoint.pk, tasks.MAX_ATTEMPTS)

    endpoint.refresh_from_db()
    assert endpoint.is_live
    assert endpoint.failing_since == start + dt.timedelta(days=3, hours=1)


def test_enabled_again_it_gets_events_and_send_again_resends_one(
    admin: User,
    ana: Athlete,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event(ana)
    receiver.answers = [500]
    tasks.deliver_to(event.pk, endpoint.pk, tasks.MAX_ATTEMPTS)  # its last attempt failed
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now())
    endpoint.refresh_from_db()

    with pytest.raises(Exception, match="disabled"):
        webhook_send_again(admin=admin, endpoint=endpoint, event=event)

    webhook_endpoint_enable(admin=admin, endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = webhook_send_again(admin=admin, endpoint=endpoint, event=event)

    assert attempt == tasks.MAX_ATTEMPTS + 1
    delivery = endpoint.deliveries.get(attempt=attempt)
    assert (delivery.status_code, delivery.sent_again_by) == (204, admin)
    assert [h["webhook-id"] for h, _ in receiver.received] == ["msg_e", "msg_e"]
    ana.clinic.refresh_from_db()
    assert "session.created" in ana.clinic.webhook_events


def test_a_host_that_resolves_inside_when_connecting_is_not_connected_to(
    admin: User,
    ana: Athlete,
    receiver: Receiver,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registration and the check before sending see a public address; the connection's
    own lookup gets the loopback receiver. Nothing may reach it."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    answers = iter(["93.184.215.14", "93.184.215.14"])
    real = socket.getaddrinfo

    def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host != "hooks.example.com":
            return real(host, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    endpoint = webhook_endpoint_create(
        admin=admin, url=f"https://hooks.example.com:{port}/hooks", events=["session.created"]
    )

    tasks.deliver_to(_event(ana).pk, endpoint.pk, tasks.MAX_ATTEMPTS)

    delivery = endpoint.deliveries.get()
    assert delivery.status_code is None
    assert "127.0.0.1 when connecting" in delivery.error
    assert receiver.received == []


def test_the_address_checked_when_connecting_is_the_one_connected_to(
    admin: User, ana: Athlete, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup when connecting answers a public address, any later one the inside:
    the connection goes to the address that was checked, not to a name looked up again."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answers = iter(["93.184.215.14"] * 3)

    def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        address = next(answers, "10.0.0.7")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))]

    connected: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        raise ConnectionRefusedError  # no network needed: where it went is the point

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", connect)
    endpoint = webhook_endpoint_create(
        admin=admin, url="https://hooks.example.com/hooks", events=["session.created"]
    )

    tasks.deliver_to(_event(ana).pk, endpoint.pk, tasks.MAX_ATTEMPTS)

    assert connected == [("93.184.215.14", 443)]
    assert WebhookDelivery.objects.get(endpoint=endpoint).status_code is None


def test_a_double_click_on_send_again_sends_once(
    admin: User, ana: Athlete, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    event = _event(ana, "msg_twice")
    tasks.deliver_to(event.pk, endpoint.pk, 1)

    # The first attempt is still on its way (not recorded yet) when the second click lands.
    assert webhook_send_again(admin=admin, endpoint=endpoint, event=event) == 2
    with pytest.raises(ValidationError) as refused:
        webhook_send_again(admin=admin, endpoint=endpoint, event=event)

    assert "being sent again already, as attempt 2" in str(refused.value)
