"""How the tests call the reader: bytes in, with a clinic time zone and a fixed today."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from athletes.watch_files import WatchFileError, WatchRead, read_watch_file
from tests.watch_files.build import TODAY

LONDON = ZoneInfo("Europe/London")


def read(data: bytes, *, time_zone: ZoneInfo = LONDON, today: dt.date = TODAY) -> WatchRead:
    """Return what the reader makes of ``data`` (no file name: the content decides)."""
    return read_watch_file(io.BytesIO(data), time_zone=time_zone, today=today)


def refusal(data: bytes, *, today: dt.date = TODAY) -> str:
    """Return the message of the ``WatchFileError`` the reader must raise for ``data``."""
    with pytest.raises(WatchFileError) as raised:
        read(data, today=today)
    return str(raised.value)
