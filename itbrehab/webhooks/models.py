"""Webhooks (SPEC §10): endpoints, the outbox of events, and each delivery attempt.

An event is written to the outbox (``WebhookEvent``) in the same transaction as the change
it announces, so it exists exactly when the change does; Celery delivers it after commit
(``itbrehab.webhooks.tasks``) and records every attempt (``WebhookDelivery``). Events and
deliveries are append-only from the app: nothing updates or deletes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# SPEC §10's events.
EVENT_TYPES = {
    "session.created": "A session was logged.",
    "session.updated": "A session was changed.",
    "session.deleted": "A session was deleted.",
    "pain_score.created": "A pain score was recorded.",
    "progression.changed": "An athlete's recommendation or red flags changed.",
    "stage.changed": "An athlete's stage was changed.",
    "review.decided": "A weekly stage review was decided.",
}


class WebhookEndpoint(models.Model):
    """Where a clinic wants its events POSTed, and which ones."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    # ``whsec_`` + base64 of 32 random bytes: needed in clear to sign, shown once.
    secret = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_endpoints_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an admin deletes it: nothing is sent to it or shown of it again, and its
    # delivery log stays.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Since when every attempt to it failed (cleared by a success): after
    # ``DISABLE_AFTER`` of failures it is disabled (``disabled_at``), its admins emailed.
    failing_since = models.DateTimeField(null=True, blank=True)
    # Set when it was disabled for failing: still listed, sent nothing until an admin
    # enables it again.
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.clinic})"

    @property
    def is_live(self) -> bool:
        """Whether events are sent to it: neither deleted nor disabled."""
        return self.deleted_at is None and self.disabled_at is None


class WebhookEvent(models.Model):
    """The outbox: one row per event, written in the transaction of the change."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="webhook_events_sent"
    )
    type = models.CharField(max_length=40, choices=[(t, t) for t in EVENT_TYPES])
    # ``{"type", "timestamp", "data": {"clinic", "athlete", …ids}}``: ids only.
    payload = models.JSONField()
    # The ``webhook-id`` header: the same on every attempt to every endpoint.
    webhook_id = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"


class WebhookDelivery(models.Model):
    """One attempt to POST one event to one endpoint."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    # The receiver's answer, or null when none came (refused, timed out, address not allowed).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    # When the next attempt is due, for a retry too far ahead to wait in the queue (see
    # ``tasks.QUEUE_DELAY_LIMIT``): the sweep starts it then and empties this.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Who asked for this attempt with "send again" (empty: sent by the app).
    sent_again_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "attempt"], name="webhook_delivery_attempt_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="webhook_delivery_retry_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} #{self.attempt}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
