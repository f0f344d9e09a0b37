"""The weekly stage-review email is sent exactly once per athlete and week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from progressions import reminders, tasks
from progressions.models import ReminderDispatch
from tests.progressions.reminders.clinics import (
    LONDON,
    LOS_ANGELES,
    SYDNEY,
    pt_with_athlete,
    utc,
)


def test_the_same_dispatch_handed_out_twice_is_sent_once(
    db: None, mailoutbox: list[mail.EmailMessage]
) -> None:
    pts = [pt_with_athlete(LONDON), pt_with_athlete(SYDNEY), pt_with_athlete(LOS_ANGELES)]
    now = utc(2026, 6, 10, 12, 0)  # Wednesday: every clinic's Monday review has passed
    first, second = reminders.due_dispatches(now=now), reminders.due_dispatches(now=now)
    assert sorted(first) == sorted(second)  # two sweeps before any send: the same rows

    sent = [reminders.send_dispatch(pk, now=now) for pk in [*first, *second]]

    assert sent.count(True) == 3
    assert sorted(message.to[0] for message in mailoutbox) == sorted(pt.email for pt in pts)
    assert ReminderDispatch.objects.count() == 3
    assert set(ReminderDispatch.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.usefixtures("eager_celery")
def test_running_the_sweep_twice_sends_one_email_per_therapist(
    db: None,
    time_machine: Any,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    london, sydney = pt_with_athlete(LONDON), pt_with_athlete(SYDNEY)
    time_machine.move_to(utc(2026, 6, 8, 9, 5), tick=False)  # Monday, the hourly :05 sweep

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stage_review_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stage_review_reminders() == 0

    assert sorted(message.to[0] for message in mailoutbox) == sorted([london.email, sydney.email])


def test_the_send_task_retries_when_the_mail_server_fails(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    from celery.exceptions import Retry

    pt = pt_with_athlete(LONDON)
    [dispatch_id] = reminders.due_dispatches(now=utc(2026, 6, 8, 9, 5))

    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(Retry):
        tasks.send_stage_review_reminder.apply(args=(dispatch_id,), throw=True)

    dispatch = ReminderDispatch.objects.get(pk=dispatch_id, therapist=pt)
    # Handed back for the retry (or the next sweep), with what went wrong.
    assert (dispatch.status, dispatch.attempts) == (ReminderDispatch.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in dispatch.last_error


def test_a_failure_after_the_lease_ran_out_does_not_release_the_new_claim(
    db: None, settings: Any
) -> None:
    settings.REMINDER_CLAIM_LEASE_SECONDS = 15 * 60
    pt = pt_with_athlete(LONDON)
    claimed = utc(2026, 6, 8, 9, 5)
    [dispatch_id] = reminders.due_dispatches(now=claimed)
    assert reminders.claim(dispatch_id, now=claimed)
    assert not reminders.claim(dispatch_id, now=claimed + dt.timedelta(minutes=1))  # held

    # The first worker hung past its lease; a second one takes the dispatch over...
    later = claimed + dt.timedelta(minutes=15, seconds=1)
    assert reminders.claim(dispatch_id, now=later)
    # ...then the first one's mail server gives up: it must not free the second one's claim.
    reminders.release(dispatch_id, "timed out", claimed_at=claimed)

    dispatch = ReminderDispatch.objects.get(pk=dispatch_id, therapist=pt)
    assert (dispatch.status, dispatch.claimed_at, dispatch.attempts) == ("sending", later, 2)
    assert not reminders.claim(dispatch_id, now=later + dt.timedelta(seconds=1))
