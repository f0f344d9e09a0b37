"""``manage.py refresh_session_variables``: recompute every stored one-variable check."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from athletes.models import Athlete
from athletes.session_checks import athlete_session_variables_refresh


class Command(BaseCommand):
    help = (
        "Recompute each session's changed variables and warnings with the current rules "
        "(run once after an upgrade that changes them). Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        updated = 0
        for athlete in Athlete.objects.order_by("pk").iterator():
            with transaction.atomic():
                updated += athlete_session_variables_refresh(athlete=athlete)
        self.stdout.write(f"Updated the one-variable check of {updated} sessions.")
