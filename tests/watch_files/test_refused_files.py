"""Files the app cannot use are refused with a message that names their problem."""

from __future__ import annotations

import datetime as dt

import fitdecode
import fitdecode.utils
import pytest

from athletes.watch_files import errors
from tests.watch_files import build as b
from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read, refusal

RUN = b.samples([b.run(600)])


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == errors.EMPTY


def test_a_png_is_not_a_watch_file() -> None:
    assert refusal(b.png()) == errors.NOT_A_WATCH_FILE


@pytest.mark.parametrize(
    "data",
    [
        b"name,date\nrun,2025-03-04\n",
        b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>',
        b"<html><body>not xml",
        b"\x0e\x10\x00\x00garbage!",
    ],
    ids=["csv", "kml", "broken-html", "fit-like-garbage"],
)
def test_other_content_is_not_a_watch_file(data: bytes) -> None:
    assert refusal(data) == errors.NOT_A_WATCH_FILE


def test_an_xml_entity_bomb_is_refused_not_expanded() -> None:
    assert refusal(b.billion_laughs_gpx()) == errors.XML_FORBIDDEN


def test_an_external_entity_is_refused_not_fetched() -> None:
    message = refusal(b.external_entity_tcx())

    assert message == errors.XML_FORBIDDEN
    assert "root:" not in message


def test_a_session_dated_tomorrow_in_the_clinic_is_refused() -> None:
    # 00:30 UTC on the 11th is already the 11th in London; today is the 10th.
    tomorrow = dt.datetime(2025, 3, 11, 0, 30, tzinfo=dt.UTC)

    message = refusal(b.gpx(RUN, start=tomorrow))

    assert message == errors.FUTURE_DATE.format(date="2025-03-11")
    assert "in the future" in message


def test_a_session_dated_today_is_read() -> None:
    today = dt.datetime(2025, 3, 10, 7, 0, tzinfo=dt.UTC)

    assert read(b.gpx(RUN, start=today)).session["date"] == b.TODAY


def test_a_tcx_with_two_activities_is_refused() -> None:
    assert refusal(b.tcx(RUN, activities=2)) == "The file holds 2 activities; export one at a time."


def test_a_gpx_with_two_timed_tracks_is_refused() -> None:
    assert refusal(b.gpx(RUN, tracks=2)) == errors.SEVERAL_ACTIVITIES.format(count=2)


def test_two_chained_fit_activities_are_refused() -> None:
    # FIT allows files to be chained; two activities one after the other.
    first = (FOLDERS[0] / "fr110-hilly-run.fit").read_bytes()
    second = (FOLDERS[1] / "fr610-hilly-run.fit").read_bytes()

    assert refusal(first + second) == errors.SEVERAL_ACTIVITIES.format(count=2)


def test_a_truncated_gpx_is_refused_as_incomplete() -> None:
    data = b.gpx(RUN)

    assert refusal(data[: len(data) // 2]) == errors.XML_TRUNCATED.format(format="GPX")


def test_a_gpx_with_broken_xml_in_the_middle_is_refused_as_damaged() -> None:
    data = b.gpx(RUN).replace(b"</ele>", b"</elevation>", 1)

    assert refusal(data).startswith("The GPX file is damaged: it is not well-formed XML")


def test_a_track_without_times_is_no_activity() -> None:
    assert refusal(b.gpx(RUN, times=False)) == errors.NO_ACTIVITY.format(
        why=errors.NO_ACTIVITY_NO_TIMES
    )


def test_a_gpx_without_any_track_is_no_activity() -> None:
    empty = b'<?xml version="1.0"?><gpx version="1.1" creator="x"></gpx>'

    assert refusal(empty) == errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_NO_SAMPLES)


def test_a_tcx_course_is_a_route_not_an_activity() -> None:
    course = (
        b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/'
        b'xmlschemas/TrainingCenterDatabase/v2"><Courses><Course><Name>Loop</Name>'
        b"</Course></Courses></TrainingCenterDatabase>"
    )

    assert refusal(course) == errors.NO_ACTIVITY.format(why=errors.NO_ACTIVITY_ROUTE)


def test_a_recording_that_never_moves_is_no_activity() -> None:
    assert refusal(b.gpx(b.samples([b.stand(600)]))) == errors.NO_ACTIVITY.format(
        why=errors.NO_ACTIVITY_NO_MOVEMENT
    )


def test_a_tcx_with_a_garbage_number_is_refused_as_damaged() -> None:
    data = b.tcx(RUN).replace(b"<DistanceMeters>3.0</DistanceMeters>", b"<DistanceMeters>x")
    data = data.replace(b"<DistanceMeters>x", b"<DistanceMeters>three</DistanceMeters>", 1)

    assert refusal(data) == errors.BAD_VALUE.format(format="TCX")


def test_a_fit_course_is_not_a_recorded_activity() -> None:
    # A real activity whose file_id says "course" (6), its CRC made right again.
    data = bytearray((FOLDERS[0] / "fr110-hilly-run.fit").read_bytes())
    with fitdecode.FitReader(bytes(data), keep_raw_chunks=True) as fit:
        file_id = next(
            frame
            for frame in fit
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "file_id"
        )
    offset = file_id.chunk.offset + 1  # after the record header
    for field in file_id.def_mesg.field_defs:
        if field.def_num == 0:  # file_id.type, one byte
            break
        offset += field.size
    data[offset] = 6
    crc = fitdecode.utils.compute_crc(bytes(data[:-2]))
    data[-2:] = crc.to_bytes(2, "little")

    assert refusal(bytes(data)) == errors.FIT_NOT_ACTIVITY.format(kind="course")
