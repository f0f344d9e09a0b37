"""Discharging an athlete revokes their phone links (issue 10): the care ended, so does access."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete, DeviceLink
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return AthleteFactory(therapist=therapist, first_name="Sam")


def signed_in_phone(token: str) -> Client:
    phone = Client()
    assert phone.get(f"/m/link/{token}/").status_code == 302
    assert phone.get("/m/").status_code == 200
    return phone


def test_discharging_through_the_api_revokes_every_open_link(
    api_client: APIClient, athlete: Athlete, therapist: User
) -> None:
    (_, first), (_, second) = (
        services.device_link_create(athlete=athlete, created_by=therapist) for _ in range(2)
    )
    phone = signed_in_phone(first)
    other = AthleteFactory(therapist=therapist)
    _, others_token = services.device_link_create(athlete=other, created_by=therapist)

    response = api_client.patch(
        f"/api/v1/athletes/{athlete.pk}/", {"status": "discharged"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert not DeviceLink.objects.filter(athlete=athlete, revoked_at__isnull=True).exists()
    assert phone.get("/m/").status_code == 410
    assert Client().get(f"/m/link/{second}/").status_code == 410
    # Another athlete's link is untouched.
    assert DeviceLink.objects.get(athlete=other).revoked_at is None
    assert Client().get(f"/m/link/{others_token}/").status_code == 302


def test_reactivating_an_athlete_does_not_revive_an_old_link(
    athlete: Athlete, therapist: User
) -> None:
    _, token = services.device_link_create(athlete=athlete, created_by=therapist)
    services.athlete_update(athlete=athlete, status="discharged")

    services.athlete_update(athlete=athlete, status="active")

    assert Client().get(f"/m/link/{token}/").status_code == 410
    # A new link works as usual.
    _, fresh = services.device_link_create(athlete=athlete, created_by=therapist)
    assert Client().get(f"/m/link/{fresh}/").status_code == 302


def test_discharging_from_the_athlete_page_revokes_the_link(
    athlete: Athlete, therapist: User
) -> None:
    link, _ = services.device_link_create(athlete=athlete, created_by=therapist)
    pt = Client()
    pt.force_login(therapist)

    response = pt.post(f"/athletes/{athlete.pk}/status/", {"status": "discharged"})

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
