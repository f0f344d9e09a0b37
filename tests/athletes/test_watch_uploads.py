"""An uploaded watch file is read for the athlete and nothing of it is kept (SPEC §9).

Uploads go through Django's own multipart parsing with the project's upload handlers
(``FILE_UPLOAD_HANDLERS``): the capped handler stops keeping a file past 20 MB; the
temporary file of a large upload is gone once it was read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import RequestFactory

from athletes import watch_uploads
from athletes.models import Athlete
from athletes.watch_files import MAX_BYTES, WatchFileError, errors
from itbrehab.accounts.models import User
from tests.support.athletes import sam

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "watch-files"


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


@pytest.fixture
def spool(settings: Any, tmp_path: Path) -> Path:
    """Uploads over 1 KB spool to ``tmp_path``, so a left-over file would be seen there."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def upload(**files: bytes) -> HttpRequest:
    data = {name: SimpleUploadedFile(f"{name}.bin", content) for name, content in files.items()}
    return RequestFactory().post("/import/", data)


def refusal(request: HttpRequest, athlete: Athlete) -> str:
    with pytest.raises(WatchFileError) as refused:
        watch_uploads.read_uploaded_watch_file(request, athlete=athlete)
    return str(refused.value)


def test_a_real_recording_is_read_in_the_clinics_time_zone_and_its_spool_deleted(
    athlete: Athlete, spool: Path
) -> None:
    content = (FIXTURES / "fenix2-run-cadence.fit").read_bytes()
    request = upload(file=content)

    read = watch_uploads.read_uploaded_watch_file(request, athlete=athlete)

    assert read.session["date"].isoformat() == "2015-08-15"
    assert read.session["activity"] == "run"
    assert len(read.file_sha256) == 64
    assert list(spool.iterdir()) == []  # the temporary copy is gone


def test_no_file_asks_for_one(athlete: Athlete) -> None:
    assert refusal(RequestFactory().post("/import/", {"note": "x"}), athlete) == (
        watch_uploads.NO_FILE
    )


def test_two_files_in_one_field_are_refused(athlete: Athlete) -> None:
    content = (FIXTURES / "fr410-run.tcx").read_bytes()
    request = RequestFactory().post(
        "/import/",
        {"file": [SimpleUploadedFile("a.tcx", content), SimpleUploadedFile("b.tcx", content)]},
    )

    assert refusal(request, athlete) == watch_uploads.SEVERAL_FILES


def test_a_file_past_20_mb_is_never_kept_whole(
    athlete: Athlete, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[int] = []
    original = watch_uploads.CappedUploadHandler.receive_data_chunk

    def counting(self: watch_uploads.CappedUploadHandler, raw: bytes, start: int) -> bytes:
        passed = original(self, raw, start)
        kept.append(len(passed))
        return passed

    monkeypatch.setattr(watch_uploads.CappedUploadHandler, "receive_data_chunk", counting)
    request = upload(file=b"\0" * (MAX_BYTES + 1))

    assert refusal(request, athlete) == errors.TOO_LARGE
    assert sum(kept) <= MAX_BYTES  # what went on to the memory and temporary-file handlers
    assert list(spool.iterdir()) == []


def test_a_file_of_exactly_20_mb_reaches_the_reader(athlete: Athlete, spool: Path) -> None:
    # Not a watch file, but not refused for its size: the reader says what it is.
    assert refusal(upload(file=b"\0" * MAX_BYTES), athlete) == errors.NOT_A_WATCH_FILE
    assert list(spool.iterdir()) == []


def test_an_unreadable_file_leaves_no_spool_behind(athlete: Athlete, spool: Path) -> None:
    content = (FIXTURES / "bad-crc.fit").read_bytes()

    assert refusal(upload(file=content), athlete) == errors.FIT_BAD_CRC
    assert list(spool.iterdir()) == []


def test_the_other_fields_of_the_form_still_arrive(athlete: Athlete) -> None:
    request = RequestFactory().post(
        "/import/",
        {
            "csrfmiddlewaretoken": "t",
            "file": SimpleUploadedFile("big.fit", b"\0" * (MAX_BYTES + 5)),
        },
    )

    assert refusal(request, athlete) == errors.TOO_LARGE
    assert request.POST["csrfmiddlewaretoken"] == "t"


def test_bytes_io_is_not_needed(athlete: Athlete) -> None:
    # The reader gets Django's uploaded file object itself (no copy into memory first).
    request = upload(file=(FIXTURES / "garmin-connect-run.gpx").read_bytes())
    uploaded = request.FILES["file"]
    assert not isinstance(uploaded, io.BytesIO)

    read = watch_uploads.read_uploaded_watch_file(request, athlete=athlete)

    assert read.session["activity"] in {"run", "walk_run"}
    assert uploaded.closed
