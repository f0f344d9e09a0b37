"""Every PT form: methods, another clinic's PT (404), anonymous posts, CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from athletes import services
from athletes.models import Athlete, DeviceLink, SessionLog
from itbrehab.accounts.models import User
from progressions.models import StageReview
from tests.athletes.pt_forms.forms import (
    html_of,
    session_data,
    written,
)
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


POST_ONLY = [
    "decision/",
    "settings/",
    "status/",
    "links/",
    "links/{link}/revoke/",
    "sessions/import/",
]
FORM_PAGES = ["edit/", "sessions/new/", "sessions/{session}/edit/", "sessions/{session}/delete/"]
VALID_POSTS: dict[str, dict[str, Any]] = {
    "decision/": {"decision": "hold", "note": "n"},
    "settings/": {"walk_gate_minutes": 45, "gate_pain_max": 0, "distance_unit": "mi"},
    "status/": {"status": "discharged"},
    "links/": {},
    "links/{link}/revoke/": {},
    "sessions/import/": {},  # no file: an outsider still learns nothing but 404
    "edit/": {"first_name": "X", "last_name": "Y", "affected_side": "both"},
    "sessions/new/": session_data(),
    "sessions/{session}/edit/": session_data(duration_min="5"),
    "sessions/{session}/delete/": {"version": 1},
}


@pytest.fixture
def targets(athlete: Athlete, therapist: User) -> dict[str, int]:
    link, _token = services.device_link_create(athlete=athlete, created_by=therapist)
    session = walk(athlete, 2)
    return {"link": link.pk, "session": session.pk}


def url_of(athlete: Athlete, path: str, targets: dict[str, int]) -> str:
    return f"/athletes/{athlete.pk}/" + path.format(**targets)


def snapshot(athlete: Athlete) -> tuple[Any, ...]:
    return (
        Athlete.objects.filter(pk=athlete.pk).values().get(),
        list(SessionLog.objects.values()),
        list(DeviceLink.objects.values()),
        written(),
    )


@pytest.mark.parametrize("path", POST_ONLY)
def test_post_only_addresses_refuse_get(
    pt: Client, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    assert pt.get(url_of(athlete, path, targets)).status_code == 405


@pytest.mark.parametrize("path", ["new/", *FORM_PAGES])
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_form_pages_refuse_other_methods(
    pt: Client, athlete: Athlete, targets: dict[str, int], path: str, method: str
) -> None:
    url = "/athletes/new/" if path == "new/" else url_of(athlete, path, targets)
    before = snapshot(athlete)

    assert getattr(pt, method)(url).status_code == 405
    assert snapshot(athlete) == before


@pytest.mark.parametrize("path", POST_ONLY + FORM_PAGES)
def test_an_outsider_gets_404_and_changes_nothing(
    client: Client, outsider: User, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    client.force_login(outsider)
    before = snapshot(athlete)

    assert client.post(url_of(athlete, path, targets), VALID_POSTS[path]).status_code == 404
    if path in FORM_PAGES:
        assert client.get(url_of(athlete, path, targets)).status_code == 404
    assert snapshot(athlete) == before


@pytest.mark.parametrize("path", POST_ONLY + FORM_PAGES)
def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(
    client: Client, athlete: Athlete, targets: dict[str, int], path: str
) -> None:
    before = snapshot(athlete)

    response = client.post(url_of(athlete, path, targets), VALID_POSTS[path])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(athlete) == before


def test_a_colleague_may_decide_for_the_therapists_athlete(
    client: Client, colleague: User, athlete: Athlete
) -> None:
    client.force_login(colleague)

    client.post(f"/athletes/{athlete.pk}/decision/", {"decision": "hold"})

    assert StageReview.objects.get(athlete=athlete).reviewed_by == colleague


def test_csrf_is_enforced(therapist: User, athlete: Athlete) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(therapist)
    url = f"/athletes/{athlete.pk}/decision/"

    assert browser.post(url, {"decision": "hold"}).status_code == 403
    assert not StageReview.objects.exists()

    page = html_of(browser.get(f"/athletes/{athlete.pk}/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url, {"decision": "hold", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert StageReview.objects.get(athlete=athlete).decision == "hold"
