"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.test import override_settings

from athletes.demo import (
    DemoResult,
    load_demo,
)
from tests.athletes.demo_data.spec_facts import (
    FAST_HASHERS,
    TODAY,
)

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoResult]:
    """Load the demo once for a class of read-only tests, and roll it back afterwards.

    Every session passes ``full_clean()`` and its CHECK-constraint queries (~3 s a load),
    so the tests that only look at the demo share one; each still runs in its own
    savepoint through ``db``.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield load_demo(today=TODAY)
        transaction.set_rollback(True)
