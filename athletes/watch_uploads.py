"""Watch files arriving over HTTP (the API, the PT page, the phone): read, never kept.

``CappedUploadHandler`` comes first in ``FILE_UPLOAD_HANDLERS``: it passes an uploaded
file's bytes on to Django's memory and temporary-file handlers only up to the reader's
``MAX_BYTES``; past that it skips the file (Django discards the rest of it as it arrives
and deletes what was kept), so an upload of any size never holds more than 20 MB in
memory or on disk, and the request remembers which field was too large.

``read_uploaded_watch_file`` reads one uploaded file for an athlete, dated in their
clinic's time zone, and closes it at once (a temporary file is deleted on close): what a
user sends is read into session fields and a summary, and nothing of the file stays.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from athletes.models import Athlete
from athletes.watch_files import MAX_BYTES, WatchFileError, WatchRead, errors, read_watch_file

NO_FILE = "Choose the FIT, GPX or TCX file of one session from your watch."
SEVERAL_FILES = "Send one file at a time."

# The names of the fields whose file passed MAX_BYTES, on the request.
_TOO_LARGE = "_watch_files_too_large"


class CappedUploadHandler(FileUploadHandler):
    """Skip an uploaded file once it passes ``MAX_BYTES``; pass it on untouched until then."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > MAX_BYTES:
            too_large = getattr(self.request, _TOO_LARGE, set())
            too_large.add(self.field_name)
            setattr(self.request, _TOO_LARGE, too_large)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler makes the file


def read_uploaded_watch_file(
    request: HttpRequest, *, athlete: Athlete, field: str = "file"
) -> WatchRead:
    """Read the request's uploaded watch file for ``athlete``; raise ``WatchFileError``.

    The request's body is parsed here if nothing parsed it before (a DRF view passes its
    ``request._request`` before touching ``request.data``).
    """
    files = request.FILES.getlist(field)
    try:
        if field in getattr(request, _TOO_LARGE, ()):
            raise WatchFileError(errors.TOO_LARGE)
        if not files:
            raise WatchFileError(NO_FILE)
        if len(files) > 1:
            raise WatchFileError(SEVERAL_FILES)
        clinic = athlete.clinic
        return read_watch_file(files[0], time_zone=clinic.zone, today=clinic.today())
    finally:
        for uploaded in files:
            uploaded.close()
