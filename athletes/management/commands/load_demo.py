"""``manage.py load_demo``: load the demo clinic once and print how to log in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from athletes.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_URL, load_demo

DEMO_NOT_IN_PRODUCTION = (
    "load_demo refuses to run with DEBUG=false: the demo clinic has a published password "
    "and made-up patients, and must never reach a production database."
)


class Command(BaseCommand):
    help = "Load the demo clinic, its therapists and athletes. Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(DEMO_NOT_IN_PRODUCTION)
        try:
            result = load_demo()
        except ValidationError as error:  # e.g. the demo email belongs to another clinic
            raise CommandError("; ".join(error.messages)) from error
        state = "ready" if result.created else "already loaded"
        self.stdout.write(
            f"Demo clinic {result.clinic.name!r} {state} ({result.athlete_count} athletes)."
        )
        self.stdout.write(f"Open {DEMO_URL} and log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
