"""A file over 20 MB is refused after reading at most MAX_BYTES + 1 bytes of it."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from athletes.watch_files import MAX_BYTES, WatchFileError, errors, read_watch_file
from tests.watch_files.reading import refusal


class CountingFile(io.RawIOBase):
    """An endless upload that counts what the reader takes from it."""

    def __init__(self, head: bytes, filler: bytes = b" ") -> None:
        self.head, self.filler, self.taken = head, filler, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "the reader asked for the whole file"
        self.taken += size
        head, self.head = self.head[:size], self.head[size:]
        return head + self.filler * (size - len(head))


def test_an_endless_upload_is_refused_after_max_bytes_plus_one() -> None:
    upload = CountingFile(b'<?xml version="1.0"?><gpx version="1.1">')

    message = _refuse(upload)

    assert message == errors.TOO_LARGE
    assert upload.taken == MAX_BYTES + 1


def test_a_file_of_exactly_max_bytes_is_not_refused_for_its_size() -> None:
    data = b"x" * MAX_BYTES

    assert refusal(data) == errors.NOT_A_WATCH_FILE


def test_a_file_one_byte_over_is_refused_for_its_size() -> None:
    assert refusal(b"x" * (MAX_BYTES + 1)) == errors.TOO_LARGE


def test_a_slow_upload_that_returns_short_reads_is_read_whole() -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            chunk, self.data = self.data[:7], self.data[7:]
            return chunk

    assert _refuse(Trickle(b"")) == errors.EMPTY
    assert _refuse(Trickle(b"\x89PNG\r\n\x1a\n" * 3)) == errors.NOT_A_WATCH_FILE


def _refuse(fileobj: io.RawIOBase) -> str:
    with pytest.raises(WatchFileError) as raised:
        read_watch_file(fileobj, time_zone=ZoneInfo("UTC"), today=dt.date(2025, 1, 1))
    return str(raised.value)
