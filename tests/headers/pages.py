"""Every kind of response the headers must cover, fetched the way its user fetches it.

``HTML_KINDS`` (pages) and ``OTHER_KINDS`` (redirects, scripts, API answers) name each
one; ``fetch`` returns it from a ``World`` (the ``world`` fixture): a clinic with one
athlete, a therapist signed in, the athlete's phone signed in and a clinic system's token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from athletes import services
from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.sessions import walk
from tests.support.watch_uploads import recent_run, upload


@dataclass
class World:
    """A clinic with one athlete, Sam, and a client for each of their users."""

    therapist: User
    athlete: Athlete
    link_token: str
    pt: Client  # the therapist's browser, logged in
    phone: Client  # the athlete's phone, signed in by its link
    api: APIClient  # a clinic system with an API token
    anonymous: Client


def _new_link_page(w: World) -> HttpResponseBase:
    """The athlete page right after creating a link: the one time it shows the secret."""
    response = w.pt.post(f"/athletes/{w.athlete.pk}/links/", follow=True)
    assert b"Send this link to Sam" in response.content
    return response


def _revoked_link(w: World) -> HttpResponseBase:
    link, token = services.device_link_create(athlete=w.athlete, created_by=w.therapist)
    services.device_link_revoke(link=link)
    return w.anonymous.get(f"/m/link/{token}/")


def _session_delete_page(w: World) -> HttpResponseBase:
    """The confirmation before a session is deleted (it shows the session's pain scores)."""
    session = walk(w.athlete, 1)
    return w.pt.get(f"/athletes/{w.athlete.pk}/sessions/{session.pk}/delete/")


def _yesterdays_run() -> bytes:
    return recent_run(timezone.localdate() - dt.timedelta(days=1))


def _pt_watch_import(w: World) -> HttpResponseBase:
    """ "Log a session" filled in from a watch file, with the file's summary."""
    response = w.pt.post(
        f"/athletes/{w.athlete.pk}/sessions/import/", {"file": upload(_yesterdays_run())}
    )
    assert b"Read from the watch file" in response.content
    return response


def _phone_watch_import(w: World) -> HttpResponseBase:
    """The phone's log form filled in from a watch file, with what it recorded."""
    response = w.phone.post(
        "/m/log/import/", {"athlete": w.athlete.pk, "file": upload(_yesterdays_run())}
    )
    assert b"From your watch" in response.content
    return response


# name → (how to fetch it, the status it answers)
Kinds = dict[str, tuple[Callable[[World], HttpResponseBase], int]]
HTML_KINDS: Kinds = {
    "login": (lambda w: w.anonymous.get("/accounts/login/"), 200),
    "login refused": (
        lambda w: w.anonymous.post(
            "/accounts/login/", {"username": w.therapist.email, "password": "wrong-password"}
        ),
        200,
    ),
    "dashboard": (lambda w: w.pt.get("/dashboard/"), 200),
    "dashboard table (htmx)": (
        lambda w: w.pt.get(
            "/dashboard/?q=sam", headers={"HX-Request": "true", "HX-Target": "athlete-table"}
        ),
        200,
    ),
    "athlete page": (lambda w: w.pt.get(f"/athletes/{w.athlete.pk}/"), 200),
    "athlete page showing a new link": (_new_link_page, 200),
    "session form": (lambda w: w.pt.get(f"/athletes/{w.athlete.pk}/sessions/new/"), 200),
    "session form filled from a watch file": (_pt_watch_import, 200),
    "session delete confirmation": (_session_delete_page, 200),
    "phone home": (lambda w: w.phone.get("/m/"), 200),
    "phone log": (lambda w: w.phone.get("/m/log/"), 200),
    "phone log filled from a watch file": (_phone_watch_import, 200),
    "phone metronome": (lambda w: w.phone.get("/m/metronome/"), 200),
    "phone knee questionnaire": (lambda w: w.phone.get("/m/questionnaire/"), 200),
    "phone link unknown": (lambda w: w.anonymous.get("/m/link/not-a-real-token/"), 404),
    "phone link revoked": (_revoked_link, 410),
    "admin login": (lambda w: w.anonymous.get("/admin/login/"), 200),
    "api docs": (lambda w: w.anonymous.get("/api/docs/"), 200),
}

OTHER_KINDS: Kinds = {
    "phone link open (redirect)": (lambda w: w.anonymous.get(f"/m/link/{w.link_token}/"), 302),
    "login success (redirect)": (
        lambda w: w.anonymous.post(
            "/accounts/login/", {"username": w.therapist.email, "password": DEFAULT_PASSWORD}
        ),
        302,
    ),
    "phone log saved (redirect)": (
        lambda w: w.phone.post(
            "/m/log/",
            {
                "athlete": w.athlete.pk,  # the athlete the phone form was shown for
                "date": timezone.localdate().isoformat(),
                "activity": "walk",
                "terrain": "uphill",
                "surface": "road",
                "duration_min": "20",
                "pain_during": "1",
            },
        ),
        302,
    ),
    "api docs init script (holds the CSRF token)": (
        lambda w: w.pt.get("/api/docs/?script="),
        200,
    ),
    "api list": (lambda w: w.api.get("/api/v1/athletes/"), 200),
    "api detail": (lambda w: w.api.get(f"/api/v1/athletes/{w.athlete.pk}/"), 200),
    "api sessions": (lambda w: w.api.get(f"/api/v1/athletes/{w.athlete.pk}/sessions/"), 200),
    "api lefs": (lambda w: w.api.get(f"/api/v1/athletes/{w.athlete.pk}/lefs/"), 200),
    "api progression": (
        lambda w: w.api.get(f"/api/v1/athletes/{w.athlete.pk}/progression/"),
        200,
    ),
    "api 400": (lambda w: w.api.post("/api/v1/athletes/", {}, format="json"), 400),
    "api 401": (lambda w: APIClient().get("/api/v1/athletes/"), 401),
    "api 404": (lambda w: w.api.get("/api/v1/athletes/999999/"), 404),
    "api unknown address": (lambda w: w.api.get("/api/nothing-here/"), 404),
    "api 405": (lambda w: w.api.delete(f"/api/v1/athletes/{w.athlete.pk}/"), 405),
    "api token issued": (
        lambda w: APIClient().post(
            "/api/v1/auth/token/",
            {"email": w.therapist.email, "password": DEFAULT_PASSWORD},
            format="json",
        ),
        200,
    ),
    "api token refused": (
        lambda w: APIClient().post(
            "/api/v1/auth/token/",
            {"email": w.therapist.email, "password": "wrong-password"},
            format="json",
        ),
        401,
    ),
    "api phone link issued": (
        lambda w: w.api.post(f"/api/v1/athletes/{w.athlete.pk}/device-links/", format="json"),
        201,
    ),
}


def fetch(kinds: Kinds, name: str, w: World) -> HttpResponseBase:
    """Return the response of kind ``name``, after checking it answered as that kind does."""
    get, status = kinds[name]
    response = get(w)
    assert response.status_code == status, (name, response.status_code)
    return response
