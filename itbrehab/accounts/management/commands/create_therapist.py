"""``manage.py create_therapist --clinic NAME --email E [--admin]`` for set-up scripts.

The therapist who creates a clinic becomes its admin (SPEC §8); ``--admin`` makes any
therapist one (it never takes the role away: the Team page does that).

The password is asked twice at a prompt, or read from ``--password-file PATH``, so it
need not sit in the shell history or the process list; ``--password`` still works for
throw-away set-ups.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from itbrehab.accounts.services import clinic_get_or_create, therapist_create_or_update

NO_PASSWORD_SOURCE = (
    "No password given and no terminal to ask for one: pass --password-file PATH "
    "(holding the password alone on one line), or run the command in a terminal."
)
PASSWORDS_DIFFER = "The two passwords differ: nothing was changed."
PASSWORD_EMPTY = "The password is empty: nothing was changed."
PASSWORD_FILE_UNREADABLE = "Cannot read the password file {path}: {reason}"
PASSWORD_FILE_LINES = "The password file must hold the password alone, on one line."


class Command(BaseCommand):
    help = (
        "Create (or reuse) a clinic and a therapist who logs in to it (the first therapist "
        "of a new clinic is its admin; --admin makes any therapist one); for an existing "
        "therapist, set a new password (which ends their sessions and revokes their API "
        "tokens). Safe to run twice. The password is asked twice at a prompt, or read from "
        "--password-file; --password puts it in your shell history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="Clinic name (reused if it exists).")
        parser.add_argument("--email", required=True)
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--password-file",
            type=Path,
            metavar="PATH",
            help="Read the password from this file (one line; a final newline is dropped).",
        )
        source.add_argument(
            "--password",
            help="The password itself (stays in shell history: prefer the prompt or a file).",
        )
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Make the therapist a clinic admin (the first of a new clinic always is).",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--time-zone", default="UTC", help="IANA zone for a new clinic, e.g. Europe/London."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = _password(options["password"], options["password_file"])
        try:
            with transaction.atomic():  # a rejected therapist leaves no new clinic behind
                clinic, clinic_created = clinic_get_or_create(
                    name=options["clinic"], time_zone=options["time_zone"]
                )
                user, user_created = therapist_create_or_update(
                    clinic=clinic,
                    email=options["email"],
                    password=password,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    make_admin=options["admin"] or clinic_created,
                )
        except ValidationError as error:
            raise CommandError("; ".join(_messages(error))) from error
        self.stdout.write(
            f"Clinic {clinic.name!r} {'created' if clinic_created else 'reused'}; "
            f"therapist {user.email} {'created' if user_created else 'updated'}"
            f"{' (clinic admin)' if user.is_clinic_admin else ''}."
        )


def _password(given: str | None, path: Path | None) -> str:
    """Return the password from the option, the file, or the prompt (asked twice).

    Raises ``CommandError`` when none of those can give one, or it is empty.
    """
    if given is not None:
        password = given
    elif path is not None:
        password = _read_password_file(path)
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError(PASSWORDS_DIFFER)
    else:
        raise CommandError(NO_PASSWORD_SOURCE)
    if not password:
        raise CommandError(PASSWORD_EMPTY)
    return password


def _read_password_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise CommandError(PASSWORD_FILE_UNREADABLE.format(path=path, reason=reason)) from error
    # Only the line break an editor or `echo` adds is dropped: spaces may be part of it.
    password = text.removesuffix("\n").removesuffix("\r")
    if "\n" in password or "\r" in password:
        raise CommandError(PASSWORD_FILE_LINES)
    return password


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {m}" for field, m_list in error.message_dict.items() for m in m_list]
    return list(error.messages)
