"""Passwords are at least 12 characters and not common (SPEC §7), wherever they are set."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from athletes.demo import DEMO_EMAIL, DEMO_PASSWORD
from itbrehab.accounts.models import Clinic, User
from itbrehab.accounts.services import therapist_create_or_update
from tests.factories import DEFAULT_PASSWORD

TOO_SHORT = "This password is too short. It must contain at least 12 characters."
TOO_COMMON = "This password is too common."


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Knee-rehab1", TOO_SHORT),  # 11 characters
        ("password1234", TOO_COMMON),  # 12 characters, but on the common-passwords list
        ("qwertyuiop123", TOO_COMMON),
        ("739104628517", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(
    clinic: Clinic, password: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        therapist_create_or_update(clinic=clinic, email="new@riverside.example", password=password)

    assert message in caught.value.messages
    assert not User.objects.filter(email="new@riverside.example").exists()


def test_twelve_uncommon_characters_are_enough(clinic: Clinic) -> None:
    user, created = therapist_create_or_update(
        clinic=clinic, email="new@riverside.example", password="Knee-rehab12"
    )

    assert created
    assert user.check_password("Knee-rehab12")


@pytest.mark.parametrize(
    "password", [DEFAULT_PASSWORD, DEMO_PASSWORD], ids=["tests", "demo-and-readme"]
)
def test_the_passwords_we_publish_pass_the_rules(db: None, password: str) -> None:
    # The demo login (printed by load_demo, in the README) and the suite's own; that the
    # demo login works is tests/athletes/demo_data/test_demo_clinic.py's.
    validate_password(password, User(email=DEMO_EMAIL, first_name="Hannah", last_name="Reid"))
