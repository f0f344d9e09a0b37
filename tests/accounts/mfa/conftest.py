"""The clock for MFA tests: standing still at noon, moved on by hand between codes.

A code works once (django-otp refuses a time step already used), so a test that enrols
and then logs in moves the clock to the next 30-second window, as a person would wait.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.support import clock


@pytest.fixture(autouse=True)
def noon(time_machine: Any) -> Any:
    time_machine.move_to(clock.NOON, tick=False)
    return time_machine


def next_window(time_machine: Any) -> None:
    """Move the clock on by one 30-second TOTP window."""
    time_machine.shift(dt.timedelta(seconds=30))
