"""The audit log page: clinic admins browse the log; everyone else is refused (SPEC §8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.support.athletes import sam
from tests.support.clock import TODAY

pytestmark = pytest.mark.usefixtures("wednesday")
URL = "/audit/"


@pytest.fixture
def admin(client: Client, therapist: User) -> Client:
    therapist.first_name, therapist.last_name, therapist.is_clinic_admin = "Hana", "Reid", True
    therapist.save()
    client.force_login(therapist)
    return client


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def test_an_admin_sees_who_did_what_to_which_athlete(
    admin: Client, therapist: User, athlete: Athlete
) -> None:
    admin.post(f"/athletes/{athlete.pk}/settings/", {
        "walk_gate_minutes": 40, "gate_pain_max": 2, "distance_unit": "km",
    })  # fmt: skip

    page = admin.get(URL).content.decode()

    assert "Audit log" in page
    row = page[page.index("<tbody>") : page.index("</tr>", page.index("<tbody>"))]
    assert "Hana Reid" in row
    assert ">update<" in row
    assert "Sam Okafor" in row
    assert "<code>walk_gate_minutes</code>: 30 → 40" in row
    assert "127.0.0.1" in row


def test_reads_and_logins_are_listed_with_where_and_whom(
    admin: Client, therapist: User, athlete: Athlete
) -> None:
    Client().post("/accounts/login/", {"username": therapist.email, "password": "wrong"})
    admin.get(f"/athletes/{athlete.pk}/")
    admin.get("/dashboard/")

    page = admin.get(URL).content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")].split("</tr>")

    assert "Hana Reid" in rows[0]
    assert ">read<" in rows[0]
    assert "athletes (list)" in rows[0]
    assert "GET /dashboard/" in rows[0]
    assert ">Sam Okafor<" in rows[1]
    assert f"GET /athletes/{athlete.pk}/" in rows[1]
    assert ">login failed<" in rows[2]
    assert "Unknown (failed logins)" in rows[2]


def test_the_filters_narrow_the_list_and_a_bad_one_is_shown_beside_its_field(
    admin: Client, therapist: User, athlete: Athlete
) -> None:
    other = sam(therapist, first_name="Ola", last_name="Berg")
    services.pain_score_create(athlete=other, date=TODAY, score=3)

    only_sam = admin.get(URL, {"athlete": athlete.pk}).content.decode()
    bad = admin.get(URL, {"date_after": "2026-03-11", "date_before": "2026-03-01"})

    assert "Sam Okafor" in only_sam
    assert "Ola Berg" not in only_sam.split("<tbody>")[1]
    assert "Must not be before the From date." in bad.content.decode()


def test_a_therapist_who_is_not_an_admin_gets_403(client: Client, colleague: User) -> None:
    client.force_login(colleague)

    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_clinics_admin_sees_none_of_its_events(
    client: Client, outsider: User, athlete: Athlete
) -> None:
    outsider.is_clinic_admin = True
    outsider.save(update_fields=["is_clinic_admin"])
    client.force_login(outsider)

    page = client.get(URL).content.decode()

    assert "Sam Okafor" not in page
    assert f"#{athlete.pk}<" not in page
    assert "login" in page  # their own login is all their clinic's log holds


def test_the_page_costs_the_same_queries_for_few_or_many_events(
    admin: Client, athlete: Athlete
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(URL).status_code == 200
        return len(captured)

    admin.get(URL)  # the browser session's last-seen time is written on the first request
    few = queries()
    for score in range(60):  # more than a page
        services.pain_score_create(athlete=athlete, date=TODAY, score=score % 11)
    assert queries() == few
    # Session, user, clinic; the clinic's athletes, therapists and API clients; the scope;
    # the count and one page of the writes, then of the reads and account events; this read.
    assert few <= 12
