"""Each write names who made it, from which address and through which path.

A PT page names the therapist, the athlete's phone names its link, the API names the
token's therapist; Celery tasks and commands are the system.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete, DeviceLink
from itbrehab.accounts.models import User
from itbrehab.audit.models import AthleteEvent, SessionLogEvent
from itbrehab.celery import app
from tests.athletes.phone.forms import running_session
from tests.athletes.pt_forms.forms import athlete_data
from tests.audit.events import event_ids, only_event_since
from tests.support.athletes import sam

ADDRESS = "203.0.113.7"


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist, preferred_cadence_spm=170, target_cadence_spm=179)


@pytest.mark.usefixtures("wednesday")
def test_a_pt_page_post_names_the_therapist_and_the_address(
    pt: Client, therapist: User, athlete: Athlete
) -> None:
    seen = event_ids(athlete.clinic)

    response = pt.post(
        f"/athletes/{athlete.pk}/edit/",
        athlete_data(therapist, first_name="Samuel", last_name="Okafor"),
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302
    event = only_event_since(athlete.clinic, seen)
    assert event["actor"] == f"therapist {therapist.pk}"
    assert event["ip"] == ADDRESS
    assert event["changes"]["first_name"] == ["Sam", "Samuel"]


@pytest.mark.usefixtures("wednesday_morning")
def test_a_phone_write_names_the_link(
    phone: Client, athlete: Athlete, link: tuple[DeviceLink, str]
) -> None:
    seen = event_ids(athlete.clinic)

    response = phone.post("/m/log/", running_session(athlete), REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302
    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_type"]) == ("create", "session")
    assert event["actor"] == f"phone link {link[0].pk}"
    assert event["ip"] == ADDRESS
    stored = SessionLogEvent.objects.get(pgh_obj_id=event["object_id"]).pgh_context
    assert (stored["path"], stored["via"]) == ("/m/log/", "phone")


def test_opening_a_link_is_recorded_as_that_link(
    client: Client, athlete: Athlete, link: tuple[DeviceLink, str]
) -> None:
    seen = event_ids(athlete.clinic)

    client.get(f"/m/link/{link[1]}/")

    event = only_event_since(athlete.clinic, seen)
    assert event["actor"] == f"phone link {link[0].pk}"
    assert list(event["changes"]) == ["last_opened_at"]


@pytest.mark.usefixtures("now")
def test_an_api_write_names_the_tokens_therapist(
    api_client: APIClient, therapist: User, athlete: Athlete
) -> None:
    seen = event_ids(athlete.clinic)

    response = api_client.post(
        f"/api/v1/athletes/{athlete.pk}/device-links/", {}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 201, response.content
    event = only_event_since(athlete.clinic, seen)
    assert (event["action"], event["object_type"]) == ("create", "device_link")
    assert event["actor"] == f"therapist {therapist.pk}"
    assert event["ip"] == ADDRESS


def test_a_celery_task_writes_as_the_system(athlete: Athlete) -> None:
    @app.task(name="tests.audit.rename_athlete")
    def rename_athlete(athlete_id: int) -> None:
        Athlete.objects.filter(pk=athlete_id).update(first_name="Samira")

    seen = event_ids(athlete.clinic)

    rename_athlete.apply(args=[athlete.pk]).get()

    event = only_event_since(athlete.clinic, seen)
    assert (event["actor"], event["ip"]) == ("system", None)
    assert event["changes"] == {"first_name": ["Sam", "Samira"]}
    stored = AthleteEvent.objects.get(pgh_label="update", pgh_obj_id=athlete.pk).pgh_context
    assert (stored["via"], stored["path"]) == ("task", "tests.audit.rename_athlete")


def test_a_write_outside_any_request_or_task_is_the_systems(athlete: Athlete) -> None:
    # What a management command or a shell does: no request, no task.
    seen = event_ids(athlete.clinic)

    services.athlete_update(athlete=athlete, last_name="Okafor-Reid")

    event = only_event_since(athlete.clinic, seen)
    assert (event["actor"], event["ip"]) == ("system", None)
