"""Webhook tests' personas: ``admin`` (the clinic's), a real HTTP ``receiver`` on loopback,
and Celery run in-process (``eager_celery``), with ``WEBHOOK_ALLOW_PRIVATE`` on by default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from itbrehab.accounts.models import User
from itbrehab.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


@pytest.fixture(autouse=True)
def _private_allowed(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def admin(therapist: User) -> User:
    """``therapist``, made the clinic's admin."""
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])
    return therapist


@dataclass
class Receiver:
    """What the loopback server got, and the statuses it answers with (then 204)."""

    url: str
    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], str]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"])).decode()
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.answers.pop(0) if state.answers else 204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()


def add_deliveries(
    endpoint: WebhookEndpoint, count: int, sent_again_by: User | None = None
) -> None:
    """``count`` attempts of as many events to ``endpoint``, in bulk: every other one
    answered 204 (and sent again by ``sent_again_by``), the others with no answer."""
    start = WebhookEvent.objects.count()
    events = WebhookEvent.objects.bulk_create(
        WebhookEvent(
            clinic_id=endpoint.clinic_id,
            type="stage.changed",
            payload={},
            webhook_id=f"msg_{start + n}",
        )
        for n in range(count)
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            attempt=1,
            status_code=204 if n % 2 else None,
            error="" if n % 2 else "no answer within 10 s",
            duration_ms=10,
            sent_again_by=sent_again_by if n % 2 else None,
        )
        for n, event in enumerate(events)
    )
