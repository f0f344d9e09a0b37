"""Who is a clinic admin: the first therapist of a clinic, and whoever ``--admin`` names."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command

from itbrehab.accounts.models import User
from tests.factories import ClinicFactory, TherapistFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Step-rate-plus-5-percent"


def _create(email: str, *extra: str, clinic: str = "Harbour Physio") -> User:
    call_command(
        "create_therapist", "--clinic", clinic, "--email", email, "--password", PASSWORD, *extra
    )
    return User.objects.get(email=email)


def test_the_therapist_who_creates_the_clinic_is_its_admin() -> None:
    assert _create("lee@harbour.example").is_clinic_admin


def test_a_second_therapist_of_the_clinic_is_not_an_admin() -> None:
    _create("lee@harbour.example")
    assert not _create("kim@harbour.example").is_clinic_admin


def test_admin_makes_a_therapist_of_an_existing_clinic_an_admin() -> None:
    _create("lee@harbour.example")
    assert _create("kim@harbour.example", "--admin").is_clinic_admin
    assert User.objects.get(email="lee@harbour.example").is_clinic_admin  # still one too


def test_running_it_again_without_admin_keeps_the_role() -> None:
    _create("lee@harbour.example")
    assert _create("lee@harbour.example").is_clinic_admin


def test_the_migration_makes_each_clinics_earliest_active_therapist_its_admin() -> None:
    riverside, hillside = ClinicFactory(name="Riverside"), ClinicFactory(name="Hillside")
    gone = TherapistFactory(clinic=riverside, is_active=False)
    first = TherapistFactory(clinic=riverside)
    second = TherapistFactory(clinic=riverside)
    only = TherapistFactory(clinic=hillside)
    migration = importlib.import_module("itbrehab.accounts.migrations.0003_clinic_admins")

    migration.earliest_therapist_is_admin(apps, None)

    admins = set(User.objects.filter(is_clinic_admin=True))
    assert admins == {first, only}
    assert gone not in admins
    assert second not in admins
