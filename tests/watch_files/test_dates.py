"""A session is dated in the clinic's time zone; an undated watch asks for the date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read

LATE_RUN = FOLDERS[1] / "garmin-connect-late-run.gpx"  # starts 2012-10-24 23:29:40 UTC
LATER = dt.date(2030, 1, 1)


def test_the_date_is_the_start_in_the_clinic_time_zone() -> None:
    data = LATE_RUN.read_bytes()

    london = read(data, time_zone=ZoneInfo("Europe/London"), today=LATER)
    new_york = read(data, time_zone=ZoneInfo("America/New_York"), today=LATER)

    # British Summer Time until 28 October 2012: 00:29 on the 25th in London.
    assert london.session["date"] == dt.date(2012, 10, 25)
    assert london.summary["started_at"] == "2012-10-25T00:29:40+01:00"
    assert new_york.session["date"] == dt.date(2012, 10, 24)
    assert new_york.summary["started_at"] == "2012-10-24T19:29:40-04:00"


def test_a_watch_whose_clock_was_never_set_gives_no_date_and_asks_for_it() -> None:
    path = FOLDERS[0] / "fr70-footpod-no-gps-undated.fit"

    result = read(path.read_bytes(), today=LATER)

    assert result.session["date"] is None
    assert result.summary["started_at"] is None
    assert any("enter the date" in note for note in result.summary["notes"])
    # Everything else is still read.
    assert result.session["duration_min"] == 59
    assert result.session["cadence_spm"] == 174


def test_the_future_is_judged_by_the_clinic_date_not_utc() -> None:
    # 23:30 UTC on the 10th is the 11th in Auckland, still the 10th in London.
    start = dt.datetime(2025, 3, 10, 23, 30, tzinfo=dt.UTC)
    data = b.gpx(b.samples([b.run(600)]), start=start)

    assert read(data, time_zone=ZoneInfo("Europe/London")).session["date"] == b.TODAY
    auckland = read(data, time_zone=ZoneInfo("Pacific/Auckland"), today=dt.date(2025, 3, 11))
    assert auckland.session["date"] == dt.date(2025, 3, 11)
