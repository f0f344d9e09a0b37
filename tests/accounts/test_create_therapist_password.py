"""``create_therapist`` takes the password from a prompt or a file, not only the command line.

So it need not sit in shell history (SPEC §7). With no terminal and neither option, it
refuses with a message saying what to do.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from itbrehab.accounts.management.commands import create_therapist
from itbrehab.accounts.management.commands.create_therapist import (
    NO_PASSWORD_SOURCE,
    PASSWORD_EMPTY,
    PASSWORD_FILE_LINES,
    PASSWORDS_DIFFER,
)
from itbrehab.accounts.models import Clinic, User

PASSWORD = "Step-rate-plus-5-percent"
ARGS = ["--clinic", "Harbour Physio", "--email", "lee@harbour.example"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def prompt(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Make stdin a terminal whose prompts answer ``answers`` in turn; return the prompts."""

    def answer(*answers: str) -> list[str]:
        asked: list[str] = []
        replies = iter(answers)

        def getpass(prompt: str = "") -> str:
            asked.append(prompt)
            return next(replies)

        monkeypatch.setattr(create_therapist.sys, "stdin", _Terminal())
        monkeypatch.setattr(create_therapist.getpass, "getpass", getpass)
        return asked

    return answer


def _nothing_written() -> bool:
    return not Clinic.objects.exists() and not User.objects.exists()


def test_with_no_password_option_it_asks_twice_at_the_prompt(
    db: None, prompt: Callable[..., list[str]]
) -> None:
    asked = prompt(PASSWORD, PASSWORD)

    call_command("create_therapist", *ARGS, stdout=io.StringIO())

    assert asked == ["Password: ", "Password (again): "]
    assert User.objects.get().check_password(PASSWORD)


def test_two_different_answers_change_nothing(db: None, prompt: Callable[..., list[str]]) -> None:
    prompt(PASSWORD, PASSWORD + "x")

    with pytest.raises(CommandError, match=PASSWORDS_DIFFER):
        call_command("create_therapist", *ARGS)
    assert _nothing_written()


def test_an_empty_answer_changes_nothing(db: None, prompt: Callable[..., list[str]]) -> None:
    prompt("", "")

    with pytest.raises(CommandError, match=PASSWORD_EMPTY):
        call_command("create_therapist", *ARGS)
    assert _nothing_written()


def test_a_weak_password_at_the_prompt_is_refused_with_the_reason(
    db: None, prompt: Callable[..., list[str]]
) -> None:
    prompt("short-pw", "short-pw")

    with pytest.raises(CommandError, match="too short"):
        call_command("create_therapist", *ARGS)
    assert _nothing_written()


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"], ids=["bare", "newline", "crlf"])
def test_the_password_file_gives_the_password(db: None, tmp_path: Path, ending: str) -> None:
    password_file = tmp_path / "password"
    password_file.write_bytes(f" {PASSWORD} {ending}".encode())  # spaces are part of it

    call_command("create_therapist", *ARGS, "--password-file", str(password_file))

    assert User.objects.get().check_password(f" {PASSWORD} ")


@pytest.mark.parametrize(
    ("content", "message"),
    [("", PASSWORD_EMPTY), ("\n", PASSWORD_EMPTY), (f"{PASSWORD}\nsecond\n", PASSWORD_FILE_LINES)],
    ids=["empty", "blank-line", "two-lines"],
)
def test_a_password_file_without_one_clear_password_changes_nothing(
    db: None, tmp_path: Path, content: str, message: str
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(content)

    with pytest.raises(CommandError, match=message):
        call_command("create_therapist", *ARGS, "--password-file", str(password_file))
    assert _nothing_written()


def test_a_missing_password_file_is_named_in_the_error(db: None, tmp_path: Path) -> None:
    missing = tmp_path / "nope"

    with pytest.raises(CommandError, match=f"Cannot read the password file {missing}"):
        call_command("create_therapist", *ARGS, "--password-file", str(missing))
    assert _nothing_written()


def test_without_a_terminal_or_an_option_it_says_what_to_do(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(create_therapist.sys, "stdin", io.StringIO(PASSWORD + "\n"))

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("must not prompt without a terminal")

    monkeypatch.setattr(create_therapist.getpass, "getpass", no_prompt)

    with pytest.raises(CommandError) as caught:
        call_command("create_therapist", *ARGS)
    assert str(caught.value) == NO_PASSWORD_SOURCE
    assert "--password-file" in NO_PASSWORD_SOURCE
    assert _nothing_written()


def test_password_and_password_file_cannot_both_be_given(db: None, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD)

    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command(
            "create_therapist", *ARGS, "--password", PASSWORD, "--password-file", str(password_file)
        )
    assert _nothing_written()


def test_the_help_explains_where_the_password_comes_from(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        call_command("create_therapist", "--help")
    help_text = " ".join(capsys.readouterr().out.split())

    assert "--password-file PATH" in help_text
    assert "asked twice at a prompt" in help_text
    assert "shell history" in help_text
