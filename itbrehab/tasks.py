"""Project-wide periodic housekeeping tasks."""

from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired browser sessions so the session table does not grow without bound."""
    management.call_command("clearsessions")


@shared_task
def ping() -> str:
    """Return ``"pong"``: proves a worker is consuming from the broker."""
    return "pong"
