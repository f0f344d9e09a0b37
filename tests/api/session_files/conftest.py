"""Fixtures shared by the tests in this folder: the API's today, an athlete, the upload spool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files import uploadedfile
from rest_framework.test import APIClient

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.api.session_files.calls import Spool
from tests.factories import AthleteFactory
from tests.support.api import token_client
from tests.support.clock import API_TODAY


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    return token_client(therapist)


@pytest.fixture
def athlete(therapist: User, now: dt.date) -> Athlete:
    return AthleteFactory(therapist=therapist, stage_started_on=API_TODAY - dt.timedelta(days=20))


@pytest.fixture
def spool(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Spool:
    """Every upload spools to ``tmp_path`` (none kept in memory); the spool notes each file made.

    A temporary file left behind would be seen there; ``made`` shows that a test's upload
    did reach the disk at all, however small.
    """
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    spool = Spool(tmp_path)
    original = uploadedfile.TemporaryUploadedFile.__init__

    def noted(self: uploadedfile.TemporaryUploadedFile, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        spool.made.append(Path(self.temporary_file_path()))

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", noted)
    return spool
