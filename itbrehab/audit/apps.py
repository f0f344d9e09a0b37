"""The audit app's config: Celery tasks write under the actor "system"; account events."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "itbrehab.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from itbrehab.audit import access, context  # noqa: F401 (access: signal receivers)

        context.connect_celery_signals()
