"""A passwordless phone link for one athlete."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

DEVICE_LINK_DAYS_DEFAULT = 60


class DeviceLink(models.Model):
    """A passwordless phone link for one athlete: only a hash of its token is stored.

    Opening the link signs that phone in to the athlete's pages until the link expires
    or the PT revokes it; revoking also ends phones already signed in with it.
    """

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.PROTECT, related_name="device_links"
    )
    # SHA-256 of the secret in the URL: a database leak reveals no usable link.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_links_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="devicelink_expires_after_creation",
                violation_error_message="A link must expire after it is created.",
            ),
        ]

    def __str__(self) -> str:
        return f"Phone link for {self.athlete} (until {self.expires_at:%Y-%m-%d})"

    def is_usable(self, now: dt.datetime) -> bool:
        """Return whether the link still opens: not revoked and not expired."""
        return self.revoked_at is None and now < self.expires_at
