"""The athlete imports a watch file on the phone's log page: the form comes back filled in.

The import reads and shows; it stores nothing. What the watch recorded is said in plain
words (no percentiles, grades or thresholds, nothing the athlete should change), with the
pains still to answer. A file the reader refuses shows its message beside the picker.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from athletes import watch_uploads
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory
from tests.support.clock import days_ago
from tests.support.phones import phone_of
from tests.support.sessions import walk
from tests.support.watch_uploads import REFUSED_FILES, recent_run, recording, sha256, upload

pytestmark = pytest.mark.usefixtures("wednesday_morning")

IMPORT = "/m/log/import/"


def imported(phone: Client, athlete: Athlete, data: bytes, **fields: Any) -> str:
    response = phone.post(IMPORT, {"athlete": athlete.pk, "file": upload(data), **fields})
    assert response.status_code == 200
    return response.content.decode()


def watch_lines(html: str) -> list[str]:
    section = re.search(r'<ul class="watch-lines">(.*?)</ul>', html, flags=re.S).group(1)
    return [line.replace("&#x27;", "'") for line in re.findall(r"<li>([^<]*)</li>", section)]


def test_a_real_recording_fills_the_log_form_to_check(phone: Client, athlete: Athlete) -> None:
    content = recording("fenix2-run-cadence.fit").read_bytes()

    html = imported(phone, athlete, content)

    assert 'name="activity" value="run" checked' in html
    assert 'name="terrain" value="flat" checked' in html
    assert 'name="duration_min" id="id_duration_min" min="1" max="300" value="47"' in html
    assert 'name="cadence_spm" value="163"' in html
    assert 'name="distance_km" value="9.01"' in html
    assert 'name="date" value="2015-08-15"' in html
    assert f'name="file_sha256" value="{sha256(content)}"' in html
    assert re.search(r'name="client_id" value="[0-9a-f-]{36}"', html)
    assert '<details class="more" open>' in html  # date, cadence, distance: all to check
    # Saved through the phone's log form (and its outbox when offline).
    assert '<form method="post" action="/m/log/" id="log-form"' in html
    assert watch_lines(html) == [
        "Recorded on Saturday 15 August 2015 at 15:45.",
        "You were moving for 47 minutes.",
        "Distance: 9.01 km.",
        "Steps per minute: 163 on average.",
        "You climbed 64 m and came down 61 m.",
        "The route was flat.",
    ]
    assert "your pain during the session, and after it" in html
    assert not SessionLog.objects.exists()


def test_the_athletes_words_hold_no_clinical_numbers_or_advice(
    phone: Client, athlete: Athlete
) -> None:
    html = imported(phone, athlete, recording("fr110-hilly-run.fit").read_bytes())

    summary = re.search(r'<section class="card watch-summary".*?</section>', html, flags=re.S)
    words = summary.group(0).lower()
    for jargon in ("percentile", "grade", "run share", "target", "threshold", "should", "stage"):
        assert jargon not in words, jargon
    assert "The route went up and down (rolling)." in watch_lines(html)
    assert "You were moving for 35 minutes (44 with your stops)." in watch_lines(html)


def test_a_recent_run_is_dated_yesterday_and_asks_for_the_pains(
    phone: Client, athlete: Athlete
) -> None:
    html = imported(phone, athlete, recent_run(days_ago(1), cadence_spm=170))

    assert f'name="date" value="{days_ago(1).isoformat()}"' in html
    assert 'name="cadence_spm" value="170"' in html
    assert watch_lines(html)[0] == "Recorded on Tuesday 10 March 2026 at 08:30."
    assert not re.search(r'name="pain_during" value="\d+" checked', html)  # still to answer


def test_an_undated_file_leaves_the_date_to_the_athlete(phone: Client, athlete: Athlete) -> None:
    html = imported(phone, athlete, recording("fr70-footpod-no-gps-undated.fit").read_bytes())

    assert '<input type="date" name="date" value=""' in html
    assert 'name="surface" value="treadmill" checked' in html
    lines = watch_lines(html)
    assert (
        "The watch's clock was never set, so the file has no date: enter the date of the session."
        in lines
    )
    assert not lines[0].startswith("Recorded on")


def test_a_file_already_saved_says_so(phone: Client, athlete: Athlete) -> None:
    content = recent_run(days_ago(1))
    walk(athlete, 1, source="file", file_sha256=sha256(content))

    html = imported(phone, athlete, content)

    assert "This file&#x27;s session is already logged (Tue 10 Mar 2026)" in html


@pytest.mark.parametrize(("content", "message"), REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
def test_a_refused_file_shows_why_beside_the_picker_and_stores_nothing(
    phone: Client, athlete: Athlete, content: bytes, message: str
) -> None:
    html = imported(phone, athlete, content)

    error = re.search(r'<p class="error" id="watch-error" role="alert">([^<]*)</p>', html)
    assert error.group(1).replace("&#x27;", "'") == message
    picker = re.search(r'<input type="file"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in picker
    assert "watch-error" in picker
    # Below it, the log form as usual: today's suggestion, no file named.
    assert 'name="activity" value="walk" checked' in html
    assert 'name="file_sha256" value=""' in html
    assert "watch-summary" not in html
    assert not SessionLog.objects.exists()


def test_no_file_chosen_asks_for_one(phone: Client, athlete: Athlete) -> None:
    html = phone.post(IMPORT, {"athlete": athlete.pk}).content.decode()

    assert f'id="watch-error" role="alert">{watch_uploads.NO_FILE}</p>' in html


def test_the_picker_accepts_any_file_so_ios_does_not_grey_out_fit(phone: Client) -> None:
    picker = re.search(r'<input type="file"[^>]*>', phone.get("/m/log/").content.decode())

    assert picker is not None
    assert "accept=" not in picker.group(0)


def test_an_import_for_another_athlete_is_refused_with_409(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)

    response = phone.post(IMPORT, {"athlete": other.pk, "file": upload(recent_run(days_ago(1)))})

    assert response.status_code == 409
    assert b"Steps per minute" not in response.content


def test_a_phone_reads_the_file_for_its_own_athlete_only(athlete: Athlete, therapist: User) -> None:
    other = AthleteFactory(therapist=therapist, first_name="Ola")
    walk(other, 1, source="file", file_sha256=sha256(recent_run(days_ago(1))))

    html = imported(phone_of(athlete), athlete, recent_run(days_ago(1)))

    assert f'data-athlete="{athlete.pk}"' in html
    assert "Ola" not in html
    assert "already logged" not in html  # Ola's session of the same file is not Sam's


def test_a_browser_without_a_phone_link_gets_404(client: Client, athlete: Athlete) -> None:
    response = client.post(IMPORT, {"athlete": athlete.pk, "file": upload(recent_run(days_ago(1)))})

    assert response.status_code == 404


def test_the_import_takes_posts_only(phone: Client) -> None:
    assert phone.get(IMPORT).status_code == 405


def test_an_import_without_the_csrf_token_is_refused(
    link: tuple[Any, str], athlete: Athlete
) -> None:
    phone = Client(enforce_csrf_checks=True)
    phone.get(f"/m/link/{link[1]}/")

    response = phone.post(IMPORT, {"athlete": athlete.pk, "file": upload(recent_run(days_ago(1)))})

    assert response.status_code == 403


# The phone's session row, its link (athlete and clinic joined), the session already
# stored from this file, if any. A refused file adds what the log page reads for today's
# suggestion (the stored progression), as GET /m/log/ does.
IMPORT_QUERIES = 3
REFUSED_IMPORT_QUERIES = 5


def test_an_import_runs_a_fixed_number_of_queries(
    phone: Client, athlete: Athlete, django_assert_max_num_queries: Any
) -> None:
    for days in range(1, 30):
        walk(athlete, days)
    phone.get("/m/log/")  # the stored progression is up to date

    with django_assert_max_num_queries(IMPORT_QUERIES):
        imported(phone, athlete, recent_run(days_ago(1)))
    with django_assert_max_num_queries(REFUSED_IMPORT_QUERIES):
        imported(phone, athlete, b"not a watch file")
