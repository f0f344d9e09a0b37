"""A file over 20 MB is refused as too large without being kept whole, in memory or on disk.

The body is streamed to the app as a server would pass it (produced as it is read, never
held whole by the test), so the memory the request takes is the app's alone.
"""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes import watch_uploads
from athletes.models import Athlete, SessionLog
from athletes.watch_files import MAX_BYTES, errors
from tests.api.session_files.calls import Spool, fixture, session_files_url, upload

BOUNDARY = "watch-file-boundary"
# What the request may take in memory at its peak: a small share of the upload (Django
# reads it in 64 KB chunks; the capped handler passes at most 20 MB on, to the disk here).
MEMORY_BOUND = MAX_BYTES // 10


class ZeroFileBody(io.RawIOBase):
    """A multipart body whose field ``file`` holds ``size`` zero bytes, made as it is read."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="huge.fit"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        start, count = self.position, min(len(buffer), self.length - self.position)
        file_end = len(self.head) + self.size
        if count <= 0:
            return 0
        if start < len(self.head):
            part = self.head[start : start + count]
        elif start < file_end:
            part = bytes(min(count, file_end - start))
        else:
            part = self.tail[start - file_end : start - file_end + count]
        buffer[: len(part)] = part
        self.position += len(part)
        return len(part)


def streamed(client: APIClient, athlete: Athlete, body: ZeroFileBody) -> Any:
    return client.generic(
        "POST",
        session_files_url(athlete),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.length)},
    )


def test_a_file_of_20_mb_and_one_byte_is_refused_as_too_large_in_bounded_memory(
    client: APIClient, athlete: Athlete, spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once, so that what a first request sets up (caches, lazy imports) is not counted.
    assert upload(client, athlete, fixture("fr410-run.tcx")).status_code == 200
    spool.made.clear()
    read: list[object] = []
    monkeypatch.setattr(watch_uploads, "read_watch_file", lambda *a, **k: read.append(a))

    tracemalloc.start()
    try:
        response = streamed(client, athlete, ZeroFileBody(MAX_BYTES + 1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 400, response.content
    assert response.json() == {"file": [errors.TOO_LARGE]}
    assert "larger than 20 MB" in errors.TOO_LARGE
    assert peak < MEMORY_BOUND, f"the request took {peak:,} bytes at its peak"
    assert read == []  # refused by the upload handler: the reader never saw the file
    assert spool.made, "the upload never reached the disk: nothing to leave behind"
    assert spool.left() == []
    assert not SessionLog.all_objects.exists()


def test_the_streamed_body_is_a_real_upload(
    client: APIClient, athlete: Athlete, spool: Spool
) -> None:
    # The same body, small: the app reads it as a file (not a watch file), so the refusal
    # above is the size's, not a malformed request's.
    response = streamed(client, athlete, ZeroFileBody(5000))

    assert response.status_code == 400, response.content
    assert response.json() == {"file": [errors.NOT_A_WATCH_FILE]}
    assert spool.made
    assert spool.left() == []
