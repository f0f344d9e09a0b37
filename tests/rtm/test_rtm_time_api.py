"""The API of RTM management time (SPEC §11): an athlete's entries, and one entry."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from athletes import rtm_services
from athletes.models import Athlete, RtmTime
from itbrehab.accounts.models import User
from itbrehab.api_auth import TOKEN_AUTH_QUERIES
from itbrehab.api_scope import DECIDER_REQUIRED_FOR_API_CLIENT
from itbrehab.audit.access import READ_EVENT_QUERIES
from tests.audit.events import event_ids, events_since
from tests.factories import AthleteFactory, TherapistFactory
from tests.rtm.conftest import Bearer
from tests.support.api import token_client
from tests.support.clock import API_TODAY

pytestmark = pytest.mark.usefixtures("now")

BODY = {"date": "2026-03-03", "minutes": 25, "live_call": True, "note": "Reviewed the week"}


def _list(athlete: Athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/rtm-time/"


def _entry(athlete: Athlete, therapist: User, **fields: Any) -> RtmTime:
    return rtm_services.rtm_time_create(
        athlete=athlete,
        logged_by=therapist,
        **{"date": API_TODAY, "minutes": 10, **fields},
    )


def _writes_since(athlete: Athlete, seen: set[int]) -> list[dict[str, Any]]:
    return [e for e in events_since(athlete.clinic, seen) if e["action"] != "read"]


@pytest.fixture
def api(therapist: User) -> APIClient:
    return token_client(therapist)


def test_a_therapist_logs_time_as_themself_and_lists_it(
    api: APIClient, ana: Athlete, therapist: User
) -> None:
    response = api.post(_list(ana), BODY, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in (*BODY, "athlete", "logged_by")} == {
        **BODY,
        "athlete": ana.pk,
        "logged_by": therapist.pk,
    }
    listed = api.get(_list(ana)).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_a_therapist_cannot_log_time_for_a_colleague(
    api: APIClient, ana: Athlete, therapist: User, colleague: User
) -> None:
    response = api.post(_list(ana), {**BODY, "logged_by": colleague.pk}, format="json")

    assert response.status_code == 201
    assert RtmTime.objects.get().logged_by == therapist  # logged_by is the requester's


def test_an_api_client_names_the_therapist(bearer: Bearer, ana: Athlete, colleague: User) -> None:
    client = bearer("read", "write")

    missing = client.post(_list(ana), BODY, format="json")
    named = client.post(_list(ana), {**BODY, "logged_by": colleague.pk}, format="json")

    assert missing.status_code == 400
    assert missing.json()["logged_by"] == [DECIDER_REQUIRED_FOR_API_CLIENT]
    assert named.status_code == 201, named.content
    assert RtmTime.objects.get().logged_by == colleague


def test_an_api_client_cannot_name_another_clinics_therapist(
    bearer: Bearer, ana: Athlete, outsider: User
) -> None:
    response = bearer("write").post(_list(ana), {**BODY, "logged_by": outsider.pk}, format="json")

    assert response.status_code == 400
    assert "logged_by" in response.json()
    assert not RtmTime.objects.exists()


def test_a_read_only_client_cannot_log_time(bearer: Bearer, ana: Athlete, therapist: User) -> None:
    response = bearer("read").post(_list(ana), {**BODY, "logged_by": therapist.pk}, format="json")

    assert response.status_code == 403
    assert not RtmTime.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minutes", 0),
        ("minutes", 601),
        ("minutes", "ten"),
        ("date", "2026-03-05"),  # tomorrow in the clinic
        ("date", "03/03/2026"),
        ("note", "x" * 2001),
        ("note", "a\x00b"),
        ("live_call", "maybe"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_written(
    api: APIClient, ana: Athlete, field: str, value: Any
) -> None:
    response = api.post(_list(ana), {**BODY, field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not RtmTime.objects.exists()


def test_minutes_and_date_are_required(api: APIClient, ana: Athlete) -> None:
    response = api.post(_list(ana), {"live_call": True}, format="json")

    assert response.status_code == 400
    assert {"date", "minutes"} <= set(response.json())


def test_an_outsider_gets_404_everywhere(ana: Athlete, therapist: User, outsider: User) -> None:
    entry = _entry(ana, therapist)
    api = token_client(outsider)

    assert api.get(_list(ana)).status_code == 404
    assert api.post(_list(ana), BODY, format="json").status_code == 404
    assert api.get(f"/api/v1/rtm-time/{entry.pk}/").status_code == 404
    assert api.patch(f"/api/v1/rtm-time/{entry.pk}/", {"minutes": 50}).status_code == 404
    assert api.delete(f"/api/v1/rtm-time/{entry.pk}/").status_code == 404
    entry.refresh_from_db()
    assert entry.minutes == 10


def test_anonymous_gets_401(ana: Athlete, therapist: User) -> None:
    entry = _entry(ana, therapist)

    assert APIClient().get(_list(ana)).status_code == 401
    assert APIClient().delete(f"/api/v1/rtm-time/{entry.pk}/").status_code == 401


def test_wrong_methods_are_405(api: APIClient, ana: Athlete, therapist: User) -> None:
    entry = _entry(ana, therapist)

    assert api.put(f"/api/v1/rtm-time/{entry.pk}/", BODY, format="json").status_code == 405
    assert api.delete(_list(ana)).status_code == 405


def test_patch_corrects_an_entry_and_delete_removes_it_both_audited(
    api: APIClient, ana: Athlete, therapist: User
) -> None:
    entry = _entry(ana, therapist)
    seen = event_ids(ana.clinic)

    patched = api.patch(
        f"/api/v1/rtm-time/{entry.pk}/", {"minutes": 15, "live_call": True}, format="json"
    )

    assert patched.status_code == 200, patched.content
    assert (patched.json()["minutes"], patched.json()["live_call"]) == (15, True)
    [event] = _writes_since(ana, seen)  # and the audit's read of the athlete
    assert (event["action"], event["object_type"], event["object_id"]) == (
        "update",
        "rtm_time",
        entry.pk,
    )
    assert event["changes"]["minutes"] == [10, 15]
    assert event["athlete"] == ana.pk
    assert event["actor"] == f"therapist {therapist.pk}"

    seen = event_ids(ana.clinic)
    assert api.delete(f"/api/v1/rtm-time/{entry.pk}/").status_code == 204
    assert not RtmTime.objects.exists()
    [deleted] = _writes_since(ana, seen)
    assert (deleted["action"], deleted["object_type"]) == ("delete", "rtm_time")
    assert deleted["changes"]["minutes"] == [15, None]


def test_a_bad_patch_changes_nothing(api: APIClient, ana: Athlete, therapist: User) -> None:
    entry = _entry(ana, therapist)

    response = api.patch(f"/api/v1/rtm-time/{entry.pk}/", {"minutes": 0}, format="json")

    assert response.status_code == 400
    assert "minutes" in response.json()
    entry.refresh_from_db()
    assert entry.minutes == 10


def test_rtm_off_for_the_clinic_is_403_saying_so(
    api: APIClient, ana: Athlete, therapist: User
) -> None:
    entry = _entry(ana, therapist)
    ana.clinic.rtm_enabled = False
    ana.clinic.save(update_fields=["rtm_enabled"])

    for response in (
        api.get(_list(ana)),
        api.post(_list(ana), BODY, format="json"),
        api.patch(f"/api/v1/rtm-time/{entry.pk}/", {"minutes": 20}, format="json"),
        api.delete(f"/api/v1/rtm-time/{entry.pk}/"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == rtm_services.RTM_OFF
    assert RtmTime.objects.get().minutes == 10


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_costs_the_same_queries_for_2_and_30_entries(
    api: APIClient,
    ana: Athlete,
    therapist: User,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(count):
        _entry(ana, therapist)
    # Token, the athlete (with clinic), the page's count and rows, the audit's read.
    with django_assert_max_num_queries(TOKEN_AUTH_QUERIES + 3 + READ_EVENT_QUERIES) as captured:
        response = api.get(_list(ana))
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert len(captured) == TOKEN_AUTH_QUERIES + 3 + READ_EVENT_QUERIES


def test_another_athletes_entries_are_not_listed(
    api: APIClient, ana: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=TherapistFactory(clinic=ana.clinic))
    _entry(other, therapist)

    assert api.get(_list(ana)).json()["results"] == []
