"""``manage.py create_therapist --clinic NAME --email E --password P`` for set-up scripts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from itbrehab.accounts.services import clinic_get_or_create, therapist_create_or_update


class Command(BaseCommand):
    help = "Create (or reuse) a clinic and a therapist who logs in to it. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="Clinic name (reused if it exists).")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--time-zone", default="UTC", help="IANA zone for a new clinic, e.g. Europe/London."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():  # a rejected therapist leaves no new clinic behind
                clinic, clinic_created = clinic_get_or_create(
                    name=options["clinic"], time_zone=options["time_zone"]
                )
                user, user_created = therapist_create_or_update(
                    clinic=clinic,
                    email=options["email"],
                    password=options["password"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                )
        except ValidationError as error:
            raise CommandError("; ".join(_messages(error))) from error
        self.stdout.write(
            f"Clinic {clinic.name!r} {'created' if clinic_created else 'reused'}; "
            f"therapist {user.email} {'created' if user_created else 'updated'}."
        )


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
    return list(error.messages)
