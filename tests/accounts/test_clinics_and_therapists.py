"""Clinics and therapists: validation, case-insensitive emails, the set-up command."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from itbrehab.accounts.models import TIME_ZONE_UNKNOWN, USER_CLINIC_REQUIRED, Clinic, User
from tests.factories import DEFAULT_PASSWORD


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", TIME_ZONE_UNKNOWN),
        ("review_weekday", 7, "is not a valid choice"),
        ("review_hour", 24, "Must be between 0 and 23"),
        ("name", "", "cannot be blank"),
    ],
)
def test_invalid_clinic_values_are_rejected_beside_the_field(
    db: None, field: str, value: object, message: str
) -> None:
    clinic = Clinic(name="Riverside", time_zone="Europe/London")
    setattr(clinic, field, value)
    with pytest.raises(ValidationError) as caught:
        clinic.full_clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_clinic_names_are_unique_whatever_the_case(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        Clinic(name=clinic.name.upper(), time_zone="UTC").full_clean()


def test_a_therapist_needs_a_clinic(db: None) -> None:
    user = User(email="pt@example.org")
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert caught.value.message_dict["clinic"] == [USER_CLINIC_REQUIRED]


def test_a_site_administrator_needs_no_clinic(db: None) -> None:
    admin = User.objects.create_superuser("Admin@Example.org", "a-long-admin-password")
    assert admin.email == "admin@example.org"
    assert admin.clinic is None


def test_emails_are_unique_whatever_the_case(therapist: User) -> None:
    with pytest.raises(ValidationError):
        User.objects.create_user(therapist.email.upper(), "x", clinic=therapist.clinic)


def test_create_therapist_creates_the_clinic_and_a_therapist_who_can_log_in(
    db: None, client
) -> None:
    call_command(
        "create_therapist",
        "--clinic",
        "Harbour Physio",
        "--email",
        "Lee@Harbour.example",
        "--password",
        DEFAULT_PASSWORD,
        "--time-zone",
        "Australia/Sydney",
    )
    user = User.objects.get()
    assert (user.email, user.clinic.name, user.clinic.time_zone) == (
        "lee@harbour.example",
        "Harbour Physio",
        "Australia/Sydney",
    )
    response = client.post(
        "/accounts/login/", {"username": "LEE@harbour.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_create_therapist_twice_reuses_the_clinic_and_the_therapist(db: None, capsys) -> None:
    for password in (DEFAULT_PASSWORD, "another-knee-2026"):
        call_command(
            "create_therapist",
            "--clinic",
            "Harbour Physio",
            "--email",
            "lee@harbour.example",
            "--password",
            password,
        )
    assert (Clinic.objects.count(), User.objects.count()) == (1, 1)
    assert User.objects.get().check_password("another-knee-2026")
    assert "reused" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--password", DEFAULT_PASSWORD], "valid email"),
        (["--email", "a@b.example", "--password", "123"], "too short"),
        (
            ["--email", "a@b.example", "--password", DEFAULT_PASSWORD, "--time-zone", "Nowhere"],
            TIME_ZONE_UNKNOWN,
        ),
    ],
)
def test_create_therapist_refuses_bad_input_and_writes_nothing(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("create_therapist", "--clinic", "Harbour Physio", *args)
    assert (Clinic.objects.count(), User.objects.count()) == (0, 0)


def test_create_therapist_refuses_an_email_of_another_clinic(therapist: User) -> None:
    with pytest.raises(CommandError, match="another clinic"):
        call_command(
            "create_therapist",
            "--clinic",
            "Elsewhere",
            "--email",
            therapist.email,
            "--password",
            DEFAULT_PASSWORD,
        )
    assert not Clinic.objects.filter(name="Elsewhere").exists()
