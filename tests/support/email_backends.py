"""Email backends for tests that run real processes, chosen through ``EMAIL_BACKEND``.

Each one misbehaves the way a mail server or a dying worker would, then (if it gets that
far) writes like Django's file-based backend: one file per connection in ``EMAIL_FILE_PATH``.
They leave their traces in ``TEST_EMAIL_SIGNAL_DIR``, where the test watches.
"""

from __future__ import annotations

import os
import smtplib
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.message import EmailMessage


def _signal_dir() -> Path:
    return Path(os.environ["TEST_EMAIL_SIGNAL_DIR"])


def _count_attempt(name: str) -> int:
    """Add one to the attempt counter ``name`` in the signal folder; return the new total."""
    counter = _signal_dir() / name
    with counter.open("a") as tally:
        tally.write(".")
    return len(counter.read_text())


class BlockingBackend(FileBackend):
    """Say "sending" (a file ``blocked-<pid>``), then hang: the test kills the worker there."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recipients = ",".join(address for message in email_messages for address in message.to)
        (_signal_dir() / f"blocked-{os.getpid()}").write_text(recipients)
        time.sleep(float(os.environ.get("TEST_EMAIL_BLOCK_SECONDS", "120")))
        return super().send_messages(email_messages)


class FlakyBackend(FileBackend):
    """Drop the connection on the first send (counted in ``smtp-attempts``), then deliver."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if _count_attempt("smtp-attempts") == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
        return super().send_messages(email_messages)


class SlowBackend(FileBackend):
    """Take a moment before delivering, so that senders running at once overlap."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(float(os.environ.get("TEST_EMAIL_DELAY_SECONDS", "0.2")))
        return super().send_messages(email_messages)
