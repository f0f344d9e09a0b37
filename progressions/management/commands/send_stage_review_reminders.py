"""``manage.py send_stage_review_reminders --now``: this week's emails, once, right away."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from progressions import reminders


class Command(BaseCommand):
    help = (
        "Send this week's stage-review email to each therapist with active athletes. "
        "Still at most one email per therapist per week."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Ignore each clinic's review day and hour (send now, synchronously).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            raise CommandError("Pass --now to send now; beat sends on schedule by itself.")
        sent = sum(
            reminders.send_dispatch(dispatch_id)
            for dispatch_id in reminders.due_dispatches(ignore_schedule=True)
        )
        self.stdout.write(f"Sent {sent} stage-review email{'s' if sent != 1 else ''}.")
