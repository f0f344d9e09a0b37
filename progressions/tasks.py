"""Celery tasks: the weekly stage review (``progressions.reminders``) and the stored
progressions' hourly refresh (``progressions.stored``), thin interfaces over both."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction

from progressions import reminders, stored


@shared_task(ignore_result=True)
def sweep_stage_review_reminders() -> int:
    """Queue one send task per therapist due this week; return how many were queued.

    Runs every hour from beat: a missed hour (beat down, a deploy) is caught up by the
    next sweep of the same week.
    """
    ids = reminders.due_dispatches()
    for dispatch_id in ids:
        transaction.on_commit(lambda pk=dispatch_id: send_stage_review_reminder.delay(pk))
    return len(ids)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=settings.REMINDER_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def send_stage_review_reminder(self: object, dispatch_id: int) -> bool:
    """Send one therapist's weekly email unless it is sent or claimed by a live worker."""
    return reminders.send_dispatch(dispatch_id)


@shared_task(ignore_result=True)
def refresh_stored_progressions() -> int:
    """Re-evaluate the stored progressions whose day has passed; return how many.

    Every hour from beat, each clinic on its own today: a clinic's midnight is within an
    hour of some run. A reader never waits for it (it evaluates what is past its day).
    """
    refreshed = stored.refresh_due()
    stored.announce_changes()
    return refreshed


@shared_task(ignore_result=True)
def announce_progression_changes() -> int:
    """Send ``progression.changed`` for answers a page view or the hourly refresh stored
    that changed (a red flag expired with time); return how many. Every 10 minutes."""
    return stored.announce_changes()
