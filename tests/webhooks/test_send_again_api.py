"""``POST /api/v1/webhooks/{id}/deliveries/send-again/``: an admin sends an event again.

The next attempt, now, with the same ``webhook-id``; the deliveries show who asked. Bad
input answers 400 naming the field and sends nothing (no delivery is even scheduled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.services import api_client_create
from itbrehab.api_permissions import CLIENT_NOT_ALLOWED
from itbrehab.webhooks import tasks
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from itbrehab.webhooks.services import (
    ENDPOINT_DISABLED,
    EVENT_NOT_SENT_HERE,
    NOT_A_CLINIC_ADMIN,
    webhook_endpoint_create,
)
from tests.api.oauth.conftest import token_for
from tests.support.api import token_client
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager_celery", "now")

Capture = Callable[..., Any]


def send_again_url(endpoint: WebhookEndpoint) -> str:
    return f"/api/v1/webhooks/{endpoint.pk}/deliveries/send-again/"


@pytest.fixture
def admin_api(admin: User) -> APIClient:
    return token_client(admin)


@pytest.fixture
def endpoint(admin: User, receiver: Receiver) -> WebhookEndpoint:
    return webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])


def delivered(endpoint: WebhookEndpoint, webhook_id: str = "msg_sent") -> WebhookEvent:
    """An event of the endpoint's clinic, sent to it once (a real POST to the receiver)."""
    event = WebhookEvent.objects.create(
        clinic_id=endpoint.clinic_id,
        type="session.created",
        payload={"type": "session.created", "data": {"clinic": endpoint.clinic_id}},
        webhook_id=webhook_id,
    )
    tasks.deliver_to(event.pk, endpoint.pk, 1)
    return event


def disable(endpoint: WebhookEndpoint) -> None:
    """As the delivery task does after 3 days of failures."""
    now = timezone.now()
    endpoint.failing_since = now - dt.timedelta(days=3)
    endpoint.disabled_at = now
    endpoint.save(update_fields=["failing_since", "disabled_at"])


def test_the_event_is_sent_again_with_the_same_webhook_id(
    admin_api: APIClient,
    admin: User,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    event = delivered(endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": event.webhook_id})

    assert response.status_code == 202, response.content
    assert response.json() == {"webhook_id": event.webhook_id, "attempt": 2}
    assert [headers["webhook-id"] for headers, _ in receiver.received] == [event.webhook_id] * 2
    again = WebhookDelivery.objects.get(attempt=2)
    assert (again.status_code, again.sent_again_by) == (204, admin)
    listed = admin_api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert [(d["attempt"], d["sent_again_by"]) for d in listed] == [(2, admin.email), (1, None)]
    assert [d["next_attempt_at"] for d in listed] == [None, None]


def test_sending_again_a_failed_event_goes_on_retrying_from_it(
    admin_api: APIClient,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    receiver.answers = [500]  # the first attempt fails: its retry (eager) succeeds
    event = delivered(endpoint)
    receiver.answers = [503]  # the send-again fails: its retry is attempt 4

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": event.webhook_id})

    assert response.json()["attempt"] == 3
    attempts = endpoint.deliveries.order_by("attempt")
    assert [(d.attempt, d.status_code, d.sent_again_by_id is not None) for d in attempts] == [
        (1, 500, False),
        (2, 204, False),
        (3, 503, True),
        (4, 204, False),
    ]


@pytest.mark.parametrize("body", [{"webhook_id": "msg_nobody_sent_this"}, {}, {"webhook_id": ""}])
def test_an_unknown_or_missing_webhook_id_is_400_naming_it(
    admin_api: APIClient,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
    body: dict[str, str],
) -> None:
    delivered(endpoint)

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(send_again_url(endpoint), body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["webhook_id"]
    assert callbacks == []
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.count() == 1


def test_an_event_never_sent_to_this_endpoint_is_400_naming_webhook_id(
    admin_api: APIClient,
    admin: User,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    other = webhook_endpoint_create(admin=admin, url=receiver.url, events=["session.created"])
    elsewhere = delivered(other)

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": elsewhere.webhook_id})

    assert response.status_code == 400
    assert response.json() == {"webhook_id": [EVENT_NOT_SENT_HERE]}
    assert callbacks == []
    assert not endpoint.deliveries.exists()


def test_a_disabled_endpoint_is_400_naming_endpoint_and_sends_nothing(
    admin_api: APIClient,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    event = delivered(endpoint)
    disable(endpoint)

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": event.webhook_id})

    assert response.status_code == 400
    assert response.json() == {"endpoint": [ENDPOINT_DISABLED]}
    assert callbacks == []
    assert len(receiver.received) == 1
    assert endpoint.deliveries.count() == 1


def test_another_clinics_event_is_400_as_an_unknown_one(
    admin_api: APIClient,
    endpoint: WebhookEndpoint,
    outsider: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    delivered(endpoint)
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    theirs = webhook_endpoint_create(admin=outsider, url=receiver.url, events=["session.created"])
    their_event = delivered(theirs, webhook_id="msg_theirs")

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": their_event.webhook_id})

    assert response.status_code == 400
    assert response.json() == {"webhook_id": [EVENT_NOT_SENT_HERE]}
    assert callbacks == []
    assert WebhookDelivery.objects.count() == 2


def test_another_clinics_endpoint_is_404_and_sends_nothing(
    endpoint: WebhookEndpoint,
    outsider: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    event = delivered(endpoint)
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])

    with django_capture_on_commit_callbacks() as callbacks:
        response = token_client(outsider).post(
            send_again_url(endpoint), {"webhook_id": event.webhook_id}
        )

    assert response.status_code == 404
    assert callbacks == []
    assert endpoint.deliveries.count() == 1


def test_a_deleted_endpoint_is_404(
    admin_api: APIClient, endpoint: WebhookEndpoint, django_capture_on_commit_callbacks: Capture
) -> None:
    event = delivered(endpoint)
    assert admin_api.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 204

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_api.post(send_again_url(endpoint), {"webhook_id": event.webhook_id})

    assert response.status_code == 404
    assert callbacks == []


def test_only_a_clinic_admin_may_send_again(
    admin: User,
    colleague: User,
    endpoint: WebhookEndpoint,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    event = delivered(endpoint)
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read", "write"])
    bearer = APIClient()
    bearer.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_for(api_client.client_id, secret)['access_token']}"
    )
    body = {"webhook_id": event.webhook_id}

    with django_capture_on_commit_callbacks() as callbacks:
        therapist = token_client(colleague).post(send_again_url(endpoint), body)
        system = bearer.post(send_again_url(endpoint), body)
        anonymous = APIClient().post(send_again_url(endpoint), body)

    assert (therapist.status_code, therapist.json()["detail"]) == (403, NOT_A_CLINIC_ADMIN)
    assert (system.status_code, system.json()["detail"]) == (403, CLIENT_NOT_ALLOWED)
    assert anonymous.status_code == 401
    assert callbacks == []
    assert endpoint.deliveries.count() == 1


def test_get_is_405(admin_api: APIClient, endpoint: WebhookEndpoint) -> None:
    assert admin_api.get(send_again_url(endpoint)).status_code == 405
