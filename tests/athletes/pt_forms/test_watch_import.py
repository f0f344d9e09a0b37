"""The PT imports a watch file on "Log a session": the form comes back filled in to check.

The import reads and shows; it stores nothing. The summary says what the file holds and
why the form says what it says (moving against elapsed time, cadence, climb, terrain).
A file the reader refuses shows its message beside the file input, and nothing is stored.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from athletes import watch_uploads
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.athletes.pt_forms.forms import field_error, html_of
from tests.support.clock import TODAY, days_ago
from tests.support.sessions import walk
from tests.support.watch_uploads import REFUSED_FILES, recent_run, recording, sha256, upload

pytestmark = pytest.mark.usefixtures("wednesday")


def import_url(athlete: Athlete) -> str:
    return f"/athletes/{athlete.pk}/sessions/import/"


def imported(pt: Client, athlete: Athlete, data: bytes, name: str = "session.gpx") -> str:
    response = pt.post(import_url(athlete), {"file": upload(data, name)})
    assert response.status_code == 200
    return html_of(response)


def summary(html: str) -> dict[str, str]:
    """Return the summary's rows, label → text."""
    section = re.search(r'<section class="watch-summary".*?</section>', html, flags=re.S).group(0)
    rows = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", section)
    return {label: text.replace("&#x27;", "'") for label, text in rows}


def reader_notes(html: str) -> list[str]:
    section = re.search(r'<ul class="reader-notes">(.*?)</ul>', html, flags=re.S)
    notes = re.findall(r"<li>([^<]*)</li>", section.group(1)) if section else []
    return [note.replace("&#x27;", "'") for note in notes]


def test_a_real_recording_fills_the_form_with_what_it_read(pt: Client, athlete: Athlete) -> None:
    content = recording("fenix2-run-cadence.fit").read_bytes()

    html = imported(pt, athlete, content, "activity.fit")

    # The form to check, as first values, and the file it came from (hidden).
    assert 'name="date" value="2015-08-15"' in html
    assert '<option value="run" selected>' in html
    assert '<option value="flat" selected>' in html
    assert 'name="duration_min" value="47"' in html
    assert 'name="distance_km" value="9.01"' in html
    assert 'name="cadence_spm" value="163"' in html
    assert f'name="file_sha256" value="{sha256(content)}"' in html
    assert '<input type="number" name="pain_during" min="0" id="id_pain_during">' in html  # to add
    # It saves through the normal "Log a session" address.
    assert f'<form method="post" action="/athletes/{athlete.pk}/sessions/new/"' in html
    # What the file holds, in words, and why the form says what it says.
    rows = summary(html)
    assert rows["Recorded"] == "Sat 15 Aug 2015, 15:45 clinic time (FIT file from garmin fenix2)"
    assert rows["Duration"] == (
        "47 min moving, 47.2 min elapsed (timer 47.2 min); the form's duration is the moving time"
    )
    assert rows["Distance"] == "9.01 km"
    assert rows["Activity"] == (
        "Run: running 94 % of the moving time (run from 85 %, walk up to 15 %)"
    )
    assert rows["Cadence"] == (
        "163 steps/min on average (10th–90th percentile 160–170); target 179"
    )
    assert rows["Ascent / descent"] == "64 m up, 61 m down (the watch's totals)"
    assert rows["Terrain"] == (
        "Flat: mean grade +0.1 %, 7.1 m/km up, 6.8 m/km down (uphill from +2 %, "
        "downhill from −2 %, rolling from 10 m/km each way)"
    )
    assert not SessionLog.objects.exists()


def test_a_recent_run_fills_the_form_dated_in_the_clinic(pt: Client, athlete: Athlete) -> None:
    content = recent_run(days_ago(1), minutes=30, cadence_spm=170)

    html = imported(pt, athlete, content)

    assert f'name="date" value="{days_ago(1).isoformat()}"' in html
    assert 'name="duration_min" value="30"' in html
    assert 'name="cadence_spm" value="170"' in html
    assert summary(html)["Recorded"].startswith("Tue 10 Mar 2026, 08:30 clinic time (GPX file")
    assert not SessionLog.objects.exists()


def test_a_treadmill_file_says_why_terrain_is_left_empty(pt: Client, athlete: Athlete) -> None:
    html = imported(pt, athlete, recording("fr935-treadmill.fit").read_bytes(), "t.fit")

    assert '<option value="treadmill" selected>' in html
    assert re.search(r'<select name="terrain" id="id_terrain">\s*<option value="" selected>', html)
    assert summary(html)["Terrain"] == "not read: a treadmill's incline is not in the file"
    assert (
        "Treadmill: set the terrain and the incline from the treadmill; the file cannot tell them."
        in reader_notes(html)
    )


def test_a_hilly_route_says_which_numbers_made_it_rolling(pt: Client, athlete: Athlete) -> None:
    html = imported(pt, athlete, recording("fr110-hilly-run.fit").read_bytes(), "hills.fit")

    assert '<option value="rolling" selected>' in html
    assert summary(html)["Terrain"] == (
        "Rolling hills: 34.7 m/km up, 33.1 m/km down (rolling from 10 m/km each way), "
        "mean grade +0.2 %"
    )
    assert summary(html)["Cadence"] == "not in the file"
    assert "The file has no cadence." in reader_notes(html)


def test_an_undated_file_leaves_the_date_for_the_pt_to_enter(pt: Client, athlete: Athlete) -> None:
    html = imported(pt, athlete, recording("fr70-footpod-no-gps-undated.fit").read_bytes())

    assert 'name="date" required id="id_date"' in html  # empty, not "today"
    assert summary(html)["Recorded"] == "no date or time in the file (FIT file from garmin fr70)"
    assert reader_notes(html)[0] == (
        "The watch's clock was never set, so the file has no date: enter the date of the session."
    )


def test_a_file_already_logged_says_so_at_once(pt: Client, athlete: Athlete) -> None:
    content = recent_run(days_ago(1))
    walk(athlete, 1, source="file", file_sha256=sha256(content))

    html = imported(pt, athlete, content)

    assert (
        "This file&#x27;s session is already logged (Tue 10 Mar 2026): saving it again changes "
        "nothing and stores no second session."
    ) in html
    assert SessionLog.objects.count() == 1


@pytest.mark.parametrize(("content", "message"), REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
def test_a_refused_file_shows_why_beside_the_input_and_stores_nothing(
    pt: Client, athlete: Athlete, content: bytes, message: str
) -> None:
    html = imported(pt, athlete, content)

    assert field_error(html, "file").replace("&#x27;", "'") == message
    assert 'aria-invalid="true"' in re.search(r'<input type="file"[^>]*>', html).group(0)
    # The rest of the page as a new form shows it: today's date, no file named, no summary.
    assert f'name="date" value="{TODAY.isoformat()}"' in html
    assert 'name="file_sha256" id="id_file_sha256"' in html
    assert "watch-summary" not in html
    assert not SessionLog.objects.exists()


def test_no_file_chosen_asks_for_one(pt: Client, athlete: Athlete) -> None:
    html = html_of(pt.post(import_url(athlete), {}))

    assert field_error(html, "file").replace("&#x27;", "'") == watch_uploads.NO_FILE
    assert not SessionLog.objects.exists()


def test_another_clinics_pt_gets_404_and_nothing_is_read(
    client: Client, outsider: User, athlete: Athlete
) -> None:
    client.force_login(outsider)

    response = client.post(import_url(athlete), {"file": upload(recent_run(days_ago(1)))})

    assert response.status_code == 404
    assert b"steps/min" not in response.content
    assert not SessionLog.objects.exists()


def test_the_import_address_takes_posts_only(pt: Client, athlete: Athlete) -> None:
    assert pt.get(import_url(athlete)).status_code == 405


# The browser session, its user, the athlete (clinic and therapist joined), the session
# already stored from this file (if any), the user's clinic (the page's header); then the
# audit's record of the read. However long the athlete's history.
IMPORT_QUERIES = 6


def test_an_import_runs_a_fixed_number_of_queries(
    pt: Client, athlete: Athlete, django_assert_max_num_queries: Any
) -> None:
    for days in range(1, 30):
        walk(athlete, days)
    content = recent_run(days_ago(1))
    pt.get(f"/athletes/{athlete.pk}/sessions/new/")  # the session's last-seen time is written

    with django_assert_max_num_queries(IMPORT_QUERIES):
        imported(pt, athlete, content)


def test_an_import_without_the_csrf_token_is_refused(therapist: User, athlete: Athlete) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(therapist)

    response = browser.post(import_url(athlete), {"file": upload(recent_run(days_ago(1)))})

    assert response.status_code == 403
    assert b"steps/min" not in response.content
