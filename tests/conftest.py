"""Shared fixtures: the personas every test speaks of, and the clock they live by.

Personas: ``therapist`` of ``clinic`` and ``pt`` (their logged-in browser), a ``colleague``
in the same clinic, an ``outsider`` of another clinic, ``api_client`` (the clinic's system),
``link`` (the module's ``athlete``'s phone link and its token) and ``phone`` (that athlete,
signed in on their phone with ``link``). The clock: ``wednesday`` and ``wednesday_morning``
freeze it on ``tests.support.clock.TODAY``, ``now`` on the API suites' ``API_TODAY``;
modules that live on one of them use it with ``pytestmark``.

Django is imported lazily so the pure ``tests/rules`` suite also runs without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import clock
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from django.test import Client
    from rest_framework.test import APIClient

    from athletes.models import Athlete, DeviceLink
    from itbrehab.accounts.models import Clinic, User


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    # Real hashing costs ~0.3 s a login; tests check behaviour, not the hasher's speed.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> None:
    # Throttle counters and lockouts live in the cache: each test starts with none.
    if request.config.pluginmanager.hasplugin("django"):
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Debian's Chromium, headless, for every Playwright test (it never downloads a browser).

    Playwright's sync API keeps an event loop running in the test thread from its first
    launch to the end of the session; the ORM calls the tests make afterwards (fixtures,
    database flushes) are still synchronous and safe, so Django is told so for as long as
    that loop may run. Set here, with the launch, whichever folder launches first: a
    worker whose first Playwright test was the production smoke test once failed every
    database test after it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def wednesday(time_machine: Any) -> dt.date:
    """Noon on Wednesday ``clock.TODAY``, the clock standing still."""
    time_machine.move_to(clock.NOON, tick=False)
    return clock.TODAY


@pytest.fixture
def wednesday_morning(time_machine: Any) -> dt.date:
    """08:00 on Wednesday ``clock.TODAY``: the athlete answers about yesterday's session."""
    time_machine.move_to(clock.MORNING, tick=False)
    return clock.TODAY


@pytest.fixture
def now(time_machine: Any) -> dt.date:
    """Noon on the API suites' Wednesday, ``clock.API_TODAY``."""
    time_machine.move_to(clock.API_NOON, tick=False)
    return clock.API_TODAY


@pytest.fixture
def pt(client: Client, therapist: User) -> Client:
    """``therapist``, logged in to the PT pages."""
    client.force_login(therapist)
    return client


@pytest.fixture
def link(athlete: Athlete, therapist: User) -> tuple[DeviceLink, str]:
    """The module's ``athlete``'s phone link and its secret token (as texted to the phone)."""
    from athletes import services

    return services.device_link_create(athlete=athlete, created_by=therapist)


@pytest.fixture
def phone(link: tuple[DeviceLink, str]) -> Client:
    """The module's ``athlete`` on their phone, signed in by opening ``link``."""
    from tests.support.phones import signed_in_phone

    return signed_in_phone(link[1])


@pytest.fixture
def api_client(therapist: User) -> APIClient:
    """The therapist's clinic system, with a real API token."""
    from tests.support.api import token_client

    return token_client(therapist)


@pytest.fixture
def clinic(db: None) -> Clinic:
    from tests.factories import ClinicFactory

    return ClinicFactory(name="Riverside Physio", time_zone="Europe/London")


@pytest.fixture
def therapist(clinic: Clinic) -> User:
    """A PT of ``clinic``."""
    from tests.factories import TherapistFactory

    return TherapistFactory(clinic=clinic, email="pt@riverside.example")


@pytest.fixture
def colleague(clinic: Clinic) -> User:
    """Another PT of the same clinic."""
    from tests.factories import TherapistFactory

    return TherapistFactory(clinic=clinic, email="colleague@riverside.example")


@pytest.fixture
def outsider(db: None) -> User:
    """A PT of another clinic: must never see ``clinic``'s data."""
    from tests.factories import ClinicFactory, TherapistFactory

    return TherapistFactory(
        clinic=ClinicFactory(name="Hillside Physio", time_zone="America/Los_Angeles"),
        email="pt@hillside.example",
    )


@pytest.fixture
def ana(therapist: User) -> Athlete:
    """An athlete of ``clinic``: the first of two who might share one phone."""
    from tests.factories import AthleteFactory

    return AthleteFactory(therapist=therapist, first_name="Ana", last_name="Quintero")


@pytest.fixture
def ben(therapist: User) -> Athlete:
    """Another athlete of ``clinic``, whose link may be opened on Ana's phone."""
    from tests.factories import AthleteFactory

    return AthleteFactory(therapist=therapist, first_name="Ben", last_name="Adeyemi")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to run CI on SQLite or without Redis: a green run must mean the real services."""
    import os

    if os.environ.get("ITBREHAB_REQUIRE_REAL_SERVICES") != "1":
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(f"CI must run on PostgreSQL (DATABASE_URL), not {engine}.", returncode=3)
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.exit("CI must run Celery on Redis (REDIS_URL).", returncode=3)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run ``.delay()`` and ``apply_async()`` in-process, at once (countdowns are skipped):
    the queue itself is tested with a real worker (``tests/progressions/test_reminder_worker``)."""
    from itbrehab.celery import app

    eager = {"task_always_eager": True, "task_eager_propagates": True}
    saved = {key: app.conf[key] for key in eager}
    app.conf.update(eager)
    yield
    app.conf.update(saved)
