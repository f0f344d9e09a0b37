"""API clients: a clinic's integrations, each an OAuth 2.0 client-credentials client (SPEC §10).

django-oauth-toolkit's own ``Application`` holds the credentials (the client id, the
secret hashed as passwords are) and issues the tokens; an ``ApiClient`` says whose it is:
its clinic, its name, its scopes, who made it and when it was revoked. One to one, rather
than a swapped ``OAUTH2_PROVIDER_APPLICATION_MODEL``: DOT's models keep their own
migrations, and nothing of ours depends on how DOT stores an application.

Revoking deletes the ``Application`` (and with it every token it was given): the row here
stays, with ``revoked_at`` and the ``client_id`` it had, for the audit log and the page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

READ = "read"
WRITE = "write"
# What each scope allows (SPEC §10): ``read`` the safe methods, ``write`` every other one.
SCOPES = {
    READ: "Read the clinic's athletes and their records (GET).",
    WRITE: "Create, change and delete the clinic's records (POST, PATCH, DELETE).",
}


class ApiClient(models.Model):
    """One integration of one clinic: what its tokens may reach, and since when not at all."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(max_length=100, validators=[ProhibitNullCharactersValidator()])
    # The scopes its tokens may carry (one flag each, so SQLite stores them too).
    may_read = models.BooleanField(default=False)
    may_write = models.BooleanField(default=False)
    # DOT's credentials while the client lives; null once revoked (the tokens went with it).
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_client",
    )
    # Kept after revocation: which client id the audit's "api client <id>" was.
    client_id = models.CharField(max_length=100, unique=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(may_read=True) | models.Q(may_write=True),
                name="api_client_has_a_scope",
            ),
            # A live client has its credentials; a revoked one has none.
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, application__isnull=False)
                | models.Q(revoked_at__isnull=False, application__isnull=True),
                name="api_client_revoked_without_credentials",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.clinic})"

    @property
    def scopes(self) -> list[str]:
        """Return its scopes in the order of ``SCOPES``: ``["read"]``, ``["read", "write"]``…"""
        return [scope for scope, held in ((READ, self.may_read), (WRITE, self.may_write)) if held]

    @property
    def actor(self) -> str:
        """How the audit log names this client: ``api client <id>``."""
        return f"api client {self.pk}"
