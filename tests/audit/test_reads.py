"""Every PT page and API response that shows athletes' data records exactly one read (SPEC §8).

One ``INSERT`` per request, whatever the page lists; a refusal, a 404 or a redirect after
a write shows nothing and records no read; the athlete's own phone is not a PT read.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.models import AccessEvent
from tests.athletes.pt_forms.forms import athlete_data
from tests.support.api import token_client
from tests.support.athletes import sam
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


@pytest.fixture
def session(athlete: Athlete) -> SessionLog:
    return walk(athlete, 1)


def _reads() -> list[tuple[str, int | None, str]]:
    return list(
        AccessEvent.objects.filter(action="read")
        .order_by("id")
        .values_list("actor", "athlete_id", "detail")
    )


def _inserts(queries: CaptureQueriesContext) -> int:
    return sum('INSERT INTO "audit_accessevent"' in q["sql"] for q in queries.captured_queries)


# (path, whose data: "athlete" for one athlete, None for the clinic's list)
PAGES = [
    ("/dashboard/", None),
    ("/dashboard/?tab=discharged", None),
    ("/athletes/{athlete}/", "athlete"),
    ("/athletes/{athlete}/edit/", "athlete"),
    ("/athletes/{athlete}/sessions/new/", "athlete"),
    ("/athletes/{athlete}/sessions/{session}/edit/", "athlete"),
    ("/athletes/{athlete}/sessions/{session}/delete/", "athlete"),
]


@pytest.mark.parametrize(("path", "whose"), PAGES, ids=[p for p, _ in PAGES])
def test_a_pt_page_records_one_read(
    pt: Client, therapist: User, athlete: Athlete, session: SessionLog, path: str, whose: str
) -> None:
    url = path.format(athlete=athlete.pk, session=session.pk)

    with CaptureQueriesContext(connection) as queries:
        response = pt.get(url)

    assert response.status_code == 200
    expected = athlete.pk if whose else None
    assert _reads() == [(f"therapist {therapist.pk}", expected, f"GET {url.split('?')[0]}")]
    assert _inserts(queries) == 1


API_READS = [
    ("/api/v1/athletes/", None),
    ("/api/v1/athletes/?recommendation=hold", None),
    ("/api/v1/athletes/{athlete}/", "athlete"),
    ("/api/v1/athletes/{athlete}/sessions/", "athlete"),
    ("/api/v1/sessions/{session}/", "athlete"),
    ("/api/v1/athletes/{athlete}/pain-scores/", "athlete"),
    ("/api/v1/athletes/{athlete}/progression/", "athlete"),
    ("/api/v1/athletes/{athlete}/stage-changes/", "athlete"),
    ("/api/v1/athletes/{athlete}/reviews/", "athlete"),
    ("/api/v1/athletes/{athlete}/device-links/", "athlete"),
]


@pytest.mark.parametrize(("path", "whose"), API_READS, ids=[p for p, _ in API_READS])
def test_an_api_read_records_one_read(
    api_client: APIClient,
    therapist: User,
    athlete: Athlete,
    session: SessionLog,
    path: str,
    whose: str,
) -> None:
    url = path.format(athlete=athlete.pk, session=session.pk)

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(url)

    assert response.status_code == 200
    expected = athlete.pk if whose else None
    assert _reads() == [(f"therapist {therapist.pk}", expected, f"GET {url.split('?')[0]}")]
    assert _inserts(queries) == 1


def test_the_read_says_from_which_address(therapist: User, athlete: Athlete) -> None:
    client = token_client(therapist)

    client.get(f"/api/v1/athletes/{athlete.pk}/", REMOTE_ADDR="192.0.2.44")

    event = AccessEvent.objects.get(action="read")
    assert event.ip == "192.0.2.44"
    assert event.clinic_id == therapist.clinic_id
    assert event.at is not None


def test_a_long_list_is_still_one_read(pt: Client, therapist: User) -> None:
    for name in ("Ana", "Ben", "Cy", "Di", "Ed"):
        sam(therapist, first_name=name)

    with CaptureQueriesContext(connection) as queries:
        assert pt.get("/dashboard/").status_code == 200

    assert len(_reads()) == 1
    assert _inserts(queries) == 1


def test_another_clinics_athlete_is_a_404_and_no_read(outsider: User, athlete: Athlete) -> None:
    theirs = token_client(outsider)
    browser = Client()
    browser.force_login(outsider)

    assert theirs.get(f"/api/v1/athletes/{athlete.pk}/").status_code == 404
    assert browser.get(f"/athletes/{athlete.pk}/").status_code == 404

    assert _reads() == []


def test_a_write_that_redirects_records_its_change_not_a_read(
    pt: Client, therapist: User, athlete: Athlete
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        athlete_data(therapist, first_name="Samuel", last_name="Okafor"),
    )

    assert response.status_code == 302
    assert _reads() == []


def test_a_refused_form_shows_the_athlete_again_and_is_a_read(
    pt: Client, therapist: User, athlete: Athlete
) -> None:
    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        athlete_data(therapist, first_name="", last_name="Okafor"),
    )

    assert response.status_code == 200
    assert [a for _, a, _ in _reads()] == [athlete.pk]


def test_the_phone_is_the_athletes_own_and_records_no_pt_read(phone: Client) -> None:
    assert phone.get("/m/").status_code == 200

    assert _reads() == []


def test_an_endpoint_without_athletes_data_records_nothing(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/stages/").status_code == 200

    assert _reads() == []


def test_a_read_is_listed_for_the_clinics_admins(
    therapist: User, colleague: User, athlete: Athlete
) -> None:
    token_client(colleague).get(f"/api/v1/athletes/{athlete.pk}/progression/")
    therapist.is_clinic_admin = True
    therapist.save(update_fields=["is_clinic_admin"])

    listed = token_client(therapist).get("/api/v1/audit-events/", {"action": "read"}).json()

    [event] = listed["results"]
    assert event["actor"] == f"therapist {colleague.pk}"
    assert (event["object_type"], event["object_id"]) == ("athlete", athlete.pk)
    assert event["athlete"] == athlete.pk
    assert event["detail"] == f"GET /api/v1/athletes/{athlete.pk}/progression/"
    assert dt.datetime.fromisoformat(event["at"])
