"""``manage.py verify_progressions [--repair]``: stored answers against the live engine."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from progressions import stored


class Command(BaseCommand):
    help = (
        "Compare every stored progression that holds today with the engine's live answer. "
        "Exits 1 if any differs (after storing the live answer with --repair)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Store the live answer over each that differs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = stored.verify(repair=options["repair"])
        self.stdout.write(f"Checked {found.checked} stored progressions holding today.")
        if not found.drifted:
            self.stdout.write(self.style.SUCCESS("All equal to the live evaluation."))
            return
        ids = ", ".join(str(pk) for pk in found.drifted[:20])
        more = f" and {len(found.drifted) - 20} more" if len(found.drifted) > 20 else ""
        self.stdout.write(f"Differ from the live evaluation: athletes {ids}{more}.")
        if found.repaired:
            self.stdout.write(f"Repaired {found.repaired}.")
        raise CommandError(f"{len(found.drifted)} stored progressions had drifted.")
