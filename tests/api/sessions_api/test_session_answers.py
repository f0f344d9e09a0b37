"""What a session answers through the API: changed variables, warnings, source."""

from __future__ import annotations

from rest_framework.test import APIClient

from athletes.models import Athlete, SessionLog
from tests.api.sessions_api.calls import (
    WALK,
    days_ago,
    sessions_url,
)


def test_each_session_answers_its_changed_variables_and_warnings(
    client: APIClient, athlete: Athlete
) -> None:
    url = sessions_url(athlete)
    first = client.post(url, {**WALK, "date": days_ago(3).isoformat()}).json()
    # Longer, steeper and harder at once: three variables changed.
    second = client.post(
        url,
        {
            **WALK,
            "date": days_ago(1).isoformat(),
            "duration_min": 45,
            "incline_percent": "12.0",
            "intensity": "moderate",
        },
    ).json()

    assert first["changed_variables"] == []
    assert first["warnings"] == []
    assert sorted(second["changed_variables"]) == ["duration", "incline", "intensity"]
    [warning] = second["warnings"]
    assert warning["code"] == "multiple_variables_changed"
    assert sorted(warning["variables"]) == ["duration", "incline", "intensity"]

    listed = client.get(url).json()["results"]
    assert all({"changed_variables", "warnings"} <= set(row) for row in listed)
    detail = client.get(f"/api/v1/sessions/{second['id']}/").json()
    assert detail["warnings"] == second["warnings"]


def test_the_next_morning_pain_arrives_later_by_patch(client: APIClient, athlete: Athlete) -> None:
    created = client.post(sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat()})
    assert created.json()["pain_next_morning"] is None

    response = client.patch(
        f"/api/v1/sessions/{created.json()['id']}/",
        {"pain_next_morning": 2, "version": created.json()["version"]},
    )

    assert response.status_code == 200
    assert response.json()["pain_next_morning"] == 2
    assert response.json()["duration_min"] == 30  # the rest is untouched
    assert (created.json()["version"], response.json()["version"]) == (1, 2)
    assert SessionLog.objects.get(pk=created.json()["id"]).pain_next_morning == 2


def test_deleting_a_session_hides_it_and_rechecks_the_next_one(
    client: APIClient, athlete: Athlete
) -> None:
    url = sessions_url(athlete)
    client.post(url, {**WALK, "date": days_ago(5).isoformat()})
    middle = client.post(url, {**WALK, "date": days_ago(3).isoformat(), "duration_min": 45})
    last = client.post(url, {**WALK, "date": days_ago(1).isoformat(), "duration_min": 45})
    assert last.json()["changed_variables"] == []

    response = client.delete(f"/api/v1/sessions/{middle.json()['id']}/")

    assert response.status_code == 204
    assert not SessionLog.objects.filter(pk=middle.json()["id"]).exists()
    assert SessionLog.all_objects.get(pk=middle.json()["id"]).deleted_at is not None
    assert client.get(f"/api/v1/sessions/{middle.json()['id']}/").status_code == 404
    # The last one is now compared with the 30-minute walk five days ago.
    assert SessionLog.objects.get(pk=last.json()["id"]).changed_variables == ["duration"]


def test_a_new_session_is_recorded_as_coming_from_the_api(
    client: APIClient, athlete: Athlete
) -> None:
    response = client.post(sessions_url(athlete), {**WALK, "date": days_ago(1).isoformat()})

    assert response.status_code == 201
    assert response.json()["source"] == "api"
    assert response.json()["athlete"] == athlete.pk
