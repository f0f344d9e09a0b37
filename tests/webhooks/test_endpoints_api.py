"""``/api/v1/webhooks/``: clinic admins register, list, read, delete and enable; everyone else
is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from itbrehab.accounts.models import User
from itbrehab.api_clients.services import api_client_create
from itbrehab.api_permissions import CLIENT_NOT_ALLOWED
from itbrehab.webhooks.models import WebhookEndpoint
from itbrehab.webhooks.services import (
    NOT_A_CLINIC_ADMIN,
    webhook_endpoint_create,
    webhook_endpoint_delete,
)
from tests.api.oauth.conftest import token_for
from tests.support.api import token_client

URL = "/api/v1/webhooks/"
EVENTS = ["session.created", "pain_score.created"]


@pytest.fixture
def admin_api(admin: User) -> APIClient:
    return token_client(admin)


def test_the_secret_is_shown_once(admin_api: APIClient, admin: User) -> None:
    created = admin_api.post(URL, {"url": "https://example.com/h", "events": EVENTS})

    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {
        "id",
        "url",
        "events",
        "secret",
        "created_at",
        "disabled_at",
        "failing_since",
    }
    assert (body["disabled_at"], body["failing_since"]) == (None, None)
    assert body["secret"].startswith("whsec_")
    assert body["events"] == EVENTS
    listed = admin_api.get(URL)
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()["results"]] == [body["id"]]
    assert body["secret"] not in listed.content.decode()
    admin.clinic.refresh_from_db()
    assert admin.clinic.webhook_events == sorted(EVENTS)


def test_unknown_or_missing_events_are_400_naming_events(admin_api: APIClient) -> None:
    for events in ([], ["session.exploded"], None):
        body: dict[str, Any] = {"url": "https://example.com/h"}
        if events is not None:
            body["events"] = events
        response = admin_api.post(URL, body, format="json")
        assert response.status_code == 400, events
        assert "events" in response.json(), response.json()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/h",  # not https
        "https://127.0.0.1/h",  # loopback
        "https://localhost/h",  # loopback, by name
        "https://10.1.2.3/h",  # private
        "https://192.168.0.9/h",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/h",  # IPv6 loopback
        "https://[fe80::1]/h",  # IPv6 link-local
        "https://224.0.0.1/h",  # multicast
        "ftp://example.com/h",
        "not a url",
    ],
)
def test_urls_that_are_not_https_to_a_public_address_are_400_naming_url(
    admin_api: APIClient, settings: Any, url: str
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = admin_api.post(URL, {"url": url, "events": EVENTS}, format="json")

    assert response.status_code == 400, response.content
    assert "url" in response.json(), response.json()
    assert not WebhookEndpoint.objects.exists()


def test_with_private_allowed_http_to_loopback_is_accepted(admin_api: APIClient) -> None:
    response = admin_api.post(URL, {"url": "http://127.0.0.1:9/h", "events": EVENTS})

    assert response.status_code == 201, response.content


def test_delete_stops_the_endpoint_and_keeps_its_log(admin_api: APIClient, admin: User) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url="https://example.com/h", events=EVENTS)

    response = admin_api.delete(f"{URL}{endpoint.pk}/")

    assert response.status_code == 204
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert admin_api.get(URL).json()["results"] == []
    assert admin_api.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 404
    admin.clinic.refresh_from_db()
    assert admin.clinic.webhook_events == []


def test_another_clinics_endpoint_is_404(admin: User, outsider: User) -> None:
    endpoint = webhook_endpoint_create(admin=admin, url="https://example.com/h", events=EVENTS)
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    other = token_client(outsider)

    assert other.get(URL).json()["results"] == []
    assert other.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 404
    assert other.delete(f"{URL}{endpoint.pk}/").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is None


def test_a_therapist_who_is_not_admin_gets_403(admin: User, colleague: User) -> None:
    client = token_client(colleague)

    for response in (
        client.get(URL),
        client.post(URL, {"url": "https://example.com/h", "events": EVENTS}),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == NOT_A_CLINIC_ADMIN
    assert not WebhookEndpoint.objects.exists()


def test_an_api_clients_token_gets_403(admin: User) -> None:
    api_client, secret = api_client_create(admin=admin, name="Sync", scopes=["read", "write"])
    client = APIClient()
    token = token_for(api_client.client_id, secret)["access_token"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    for response in (
        client.get(URL),
        client.post(URL, {"url": "https://example.com/h", "events": EVENTS}),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == CLIENT_NOT_ALLOWED
    assert not WebhookEndpoint.objects.exists()


def _disabled(admin: User) -> WebhookEndpoint:
    """An endpoint the delivery task disabled after failing for 3 days."""
    endpoint = webhook_endpoint_create(admin=admin, url="https://example.com/h", events=EVENTS)
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=now - dt.timedelta(days=3), disabled_at=now
    )
    endpoint.refresh_from_db()
    return endpoint


def test_a_disabled_endpoint_is_still_listed_and_read_with_since_when(
    admin_api: APIClient, admin: User
) -> None:
    disabled = _disabled(admin)
    live = webhook_endpoint_create(admin=admin, url="https://example.com/live", events=EVENTS)
    deleted = webhook_endpoint_create(admin=admin, url="https://example.com/gone", events=EVENTS)
    webhook_endpoint_delete(admin=admin, endpoint=deleted)

    listed = admin_api.get(URL).json()["results"]
    one = admin_api.get(f"{URL}{disabled.pk}/")

    assert [(e["id"], e["disabled_at"] is not None) for e in listed] == [
        (live.pk, False),
        (disabled.pk, True),
    ]
    assert one.status_code == 200
    assert one.json()["disabled_at"] == disabled.disabled_at.isoformat().replace("+00:00", "Z")
    assert one.json()["failing_since"] is not None
    assert "secret" not in one.json()
    assert admin_api.get(f"{URL}{deleted.pk}/").status_code == 404


def test_enable_sends_to_a_disabled_endpoint_again(admin_api: APIClient, admin: User) -> None:
    endpoint = _disabled(admin)
    webhook_endpoint_create(admin=admin, url="https://example.com/other", events=["stage.changed"])
    admin.clinic.refresh_from_db()
    assert admin.clinic.webhook_events == ["stage.changed"]  # the disabled one's are not sent

    response = admin_api.post(f"{URL}{endpoint.pk}/enable/")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == endpoint.pk
    assert (response.json()["disabled_at"], response.json()["failing_since"]) == (None, None)
    endpoint.refresh_from_db()
    assert endpoint.is_live
    admin.clinic.refresh_from_db()
    assert admin.clinic.webhook_events == sorted([*EVENTS, "stage.changed"])
    assert admin_api.post(f"{URL}{endpoint.pk}/enable/").status_code == 200  # live: unchanged


def test_enable_is_refused_to_others_and_changes_nothing(
    admin: User, colleague: User, outsider: User
) -> None:
    endpoint = _disabled(admin)
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    deleted = _disabled(admin)
    webhook_endpoint_delete(admin=admin, endpoint=deleted)

    assert token_client(colleague).post(f"{URL}{endpoint.pk}/enable/").status_code == 403
    assert token_client(outsider).post(f"{URL}{endpoint.pk}/enable/").status_code == 404
    assert APIClient().post(f"{URL}{endpoint.pk}/enable/").status_code == 401
    assert token_client(admin).post(f"{URL}{deleted.pk}/enable/").status_code == 404
    assert token_client(admin).get(f"{URL}{endpoint.pk}/enable/").status_code == 405
    for one in (endpoint, deleted):
        one.refresh_from_db()
        assert one.disabled_at is not None
