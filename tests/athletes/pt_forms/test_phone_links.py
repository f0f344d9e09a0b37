"""Phone links: shown once with a QR code, emailed, revoked (410), per athlete."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from athletes import services
from athletes.models import Athlete, DeviceLink
from itbrehab.accounts.models import User
from tests.athletes.pt_forms.forms import (
    html_of,
)
from tests.factories import AthleteFactory

pytestmark = pytest.mark.usefixtures("wednesday")


def test_a_new_phone_link_is_shown_once_with_its_qr_code(
    pt: Client, client: Client, athlete: Athlete, therapist: User
) -> None:
    response = pt.post(f"/athletes/{athlete.pk}/links/", follow=True)

    assert response.status_code == 200
    html = html_of(response)
    url = re.search(r'value="(http://testserver/m/link/[\w-]+/)"', html).group(1)
    assert "<svg" in html.split('<div class="qr">')[1].split("</div>")[0]
    link = DeviceLink.objects.get(athlete=athlete)
    assert link.created_by == therapist
    assert link.token_hash not in html
    # Only once: the page afterwards lists the link without its address.
    assert url not in html_of(pt.get(f"/athletes/{athlete.pk}/"))

    phone = Client()
    assert phone.get(url.removeprefix("http://testserver")).status_code == 302


def test_a_new_phone_link_is_emailed_to_an_athlete_with_an_address(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="sam@example.org")

    html = html_of(pt.post(f"/athletes/{athlete.pk}/links/", follow=True))

    url = re.search(r'value="(http://testserver/m/link/[\w-]+/)"', html).group(1)
    [email] = mailoutbox
    assert email.to == ["sam@example.org"]
    assert url in email.body
    assert "also emailed to sam@example.org" in html


def test_no_email_goes_out_for_an_athlete_without_an_address(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="")
    assert pt.post(f"/athletes/{athlete.pk}/links/", follow=True).status_code == 200
    assert mailoutbox == []


def test_reloading_the_page_after_creating_a_link_creates_no_second_one(
    pt: Client, athlete: Athlete, mailoutbox: list
) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(email="sam@example.org")
    response = pt.post(f"/athletes/{athlete.pk}/links/")
    assert response.status_code == 302  # the browser then GETs the page: a reload is a GET
    pt.get(response["Location"])
    pt.get(response["Location"])
    assert DeviceLink.objects.filter(athlete=athlete).count() == 1
    assert len(mailoutbox) == 1


def test_a_revoked_link_answers_410(pt: Client, athlete: Athlete, therapist: User) -> None:
    link, token = services.device_link_create(athlete=athlete, created_by=therapist)

    response = pt.post(f"/athletes/{athlete.pk}/links/{link.pk}/revoke/", follow=True)

    assert "Phone link revoked: it no longer opens." in html_of(response)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(f"/m/link/{token}/").status_code == 410


def test_a_discharged_athlete_gets_no_phone_link(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(status="discharged")

    response = pt.post(f"/athletes/{athlete.pk}/links/", follow=True)

    assert "A discharged athlete cannot get a phone link." in html_of(response)
    assert not DeviceLink.objects.exists()


def test_a_link_is_revoked_only_through_its_own_athlete(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    other = AthleteFactory(therapist=therapist)
    link, _token = services.device_link_create(athlete=other, created_by=therapist)

    assert pt.post(f"/athletes/{athlete.pk}/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
