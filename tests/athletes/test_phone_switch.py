"""One phone, one athlete (SPEC §7), server side.

Ana's phone opens Ben's link: it is asked before switching. Whatever Ana's phone still
holds (its offline outbox, a page left open) is answered 409 once the phone is Ben's,
and stored on nobody's record. Refusals tell the browser to drop its cached pages.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from athletes import services
from athletes.forms import ATHLETE_MISSING
from athletes.models import Athlete, DeviceLink, PainScore, SessionLog
from athletes.phone.access import OTHER_ATHLETE, PENDING_KEY, SESSION_KEY
from itbrehab.accounts.models import User
from tests.factories import SessionLogFactory
from tests.support.clock import MORNING, TODAY

JSON = {"HTTP_ACCEPT": "application/json"}


pytestmark = pytest.mark.usefixtures("wednesday_morning")


@pytest.fixture
def ana_link(ana: Athlete, therapist: User) -> tuple[DeviceLink, str]:
    return services.device_link_create(athlete=ana, created_by=therapist)


@pytest.fixture
def ben_link(ben: Athlete, therapist: User) -> tuple[DeviceLink, str]:
    return services.device_link_create(athlete=ben, created_by=therapist)


def signed_in(client: Client, link: tuple[DeviceLink, str]) -> Client:
    assert client.get(f"/m/link/{link[1]}/")["Location"] == "/m/"
    return client


@pytest.fixture
def anas_phone(ana_link: tuple[DeviceLink, str]) -> Client:
    """Ana's phone, signed in with her link (CSRF checked, as in a browser)."""
    return signed_in(Client(enforce_csrf_checks=True), ana_link)


def csrf_token(client: Client, path: str = "/m/log/") -> str:
    """Return the token a phone page of ``path`` carries (as a browser would read it)."""
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def switch_to(client: Client, link: tuple[DeviceLink, str]) -> None:
    """Open ``link`` on the phone and confirm the switch."""
    assert client.get(f"/m/link/{link[1]}/")["Location"] == "/m/switch/"
    token = csrf_token(client, "/m/switch/")
    response = client.post("/m/switch/", {"choice": "switch", "csrfmiddlewaretoken": token})
    assert response["Location"] == "/m/"


def greeting(client: Client) -> str:
    page = client.get("/m/").content.decode()
    return re.search(r'<h1 class="hello">([^<]+)</h1>', page).group(1)


def anas_session(ana: Athlete, **fields: Any) -> dict[str, Any]:
    """The outbox post of a run Ana logged on her phone; ``fields`` override or drop (None)."""
    data = {
        "athlete": str(ana.pk),
        "date": TODAY.isoformat(),
        "activity": "run",
        "terrain": "flat",
        "surface": "road",
        "duration_min": "25",
        "pain_during": "1",
        "client_id": str(uuid.uuid4()),
        **fields,
    }
    return {k: v for k, v in data.items() if v is not None}


# --- Asked before switching -------------------------------------------------------------


def test_another_athletes_link_asks_before_switching(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    response = anas_phone.get(f"/m/link/{ben_link[1]}/")

    # The token leaves the address bar at once, as for any link; the question is asked
    # on a page whose address holds no token (so its form may post under "same-origin").
    assert response.status_code == 302
    assert response["Location"] == "/m/switch/"
    assert response["Referrer-Policy"] == "no-referrer"
    question = anas_phone.get("/m/switch/")
    assert question.status_code == 200
    page = question.content.decode()
    assert "This phone is signed in for Ana. Switch to Ben?" in page
    assert 'name="choice" value="switch"' in page
    assert 'name="choice" value="keep"' in page
    assert "no-store" in question["Cache-Control"]
    assert ben_link[1] not in page
    # Nothing changed yet: still Ana's phone, and Ben's link not used.
    assert greeting(anas_phone) == "Hi Ana"
    ben_link[0].refresh_from_db()
    assert ben_link[0].last_opened_at is None


def test_the_question_shows_nothing_of_ana_but_her_first_name(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    SessionLogFactory(athlete=ana, date=TODAY, notes="left knee sore on the hill")
    anas_phone.get(f"/m/link/{ben_link[1]}/")

    page = anas_phone.get("/m/switch/").content.decode()

    assert "Ana" in page
    for private in ("Quintero", "left knee sore", "Uphill", "Where you are", 'href="/m/log/"'):
        assert private not in page, private
    assert f'data-athlete="{ana.pk}"' not in page


def test_confirming_switches_the_phone_to_ben(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    old_session = anas_phone.cookies[settings.SESSION_COOKIE_NAME].value
    old_csrf = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value

    switch_to(anas_phone, ben_link)

    assert greeting(anas_phone) == "Hi Ben"
    ben_link[0].refresh_from_db()
    assert ben_link[0].last_opened_at == MORNING
    # A new person on the phone: a new session key and a new CSRF secret.
    assert anas_phone.cookies[settings.SESSION_COOKIE_NAME].value != old_session
    assert anas_phone.cookies[settings.CSRF_COOKIE_NAME].value != old_csrf
    assert anas_phone.session[SESSION_KEY] == ben_link[0].pk
    assert PENDING_KEY not in anas_phone.session


def test_cancelling_keeps_ana_and_forgets_bens_link(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    anas_phone.get(f"/m/link/{ben_link[1]}/")
    token = csrf_token(anas_phone, "/m/switch/")

    response = anas_phone.post("/m/switch/", {"choice": "keep", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == "/m/"
    assert greeting(anas_phone) == "Hi Ana"
    # Ben's link no longer waits: a late "switch" (another tab, a replay) changes nothing.
    late = anas_phone.post("/m/switch/", {"choice": "switch", "csrfmiddlewaretoken": token})
    assert late["Location"] == "/m/"
    assert greeting(anas_phone) == "Hi Ana"
    assert anas_phone.get("/m/switch/")["Location"] == "/m/"


def test_switching_needs_the_csrf_token(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    anas_phone.get(f"/m/link/{ben_link[1]}/")

    forged = anas_phone.post("/m/switch/", {"choice": "switch"})

    assert forged.status_code == 403
    assert greeting(anas_phone) == "Hi Ana"


def test_an_unknown_choice_is_400_and_changes_nothing(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    anas_phone.get(f"/m/link/{ben_link[1]}/")
    token = csrf_token(anas_phone, "/m/switch/")

    response = anas_phone.post("/m/switch/", {"choice": "both", "csrfmiddlewaretoken": token})

    assert response.status_code == 400
    assert b"choice" in response.content
    assert greeting(anas_phone) == "Hi Ana"


def test_the_question_answers_only_get_and_post(anas_phone: Client) -> None:
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value

    assert anas_phone.put("/m/switch/", HTTP_X_CSRFTOKEN=token).status_code == 405


def test_ben_revoked_while_the_question_is_open_keeps_ana(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    anas_phone.get(f"/m/link/{ben_link[1]}/")
    token = csrf_token(anas_phone, "/m/switch/")
    services.device_link_revoke(link=ben_link[0])

    response = anas_phone.post("/m/switch/", {"choice": "switch", "csrfmiddlewaretoken": token})

    assert response.status_code == 410
    assert "Clear-Site-Data" not in response  # Ana's pages are still hers to keep
    assert greeting(anas_phone) == "Hi Ana"


def test_the_same_athletes_new_link_signs_in_without_asking(
    anas_phone: Client, ana: Athlete, therapist: User
) -> None:
    new_link = services.device_link_create(athlete=ana, created_by=therapist)

    response = anas_phone.get(f"/m/link/{new_link[1]}/")

    assert response["Location"] == "/m/"
    assert anas_phone.session[SESSION_KEY] == new_link[0].pk


def test_a_fresh_phone_signs_in_without_asking(ben_link: tuple[DeviceLink, str]) -> None:
    assert greeting(signed_in(Client(), ben_link)) == "Hi Ben"


def test_a_phone_whose_link_was_revoked_switches_without_asking(
    anas_phone: Client, ana_link: tuple[DeviceLink, str], ben_link: tuple[DeviceLink, str]
) -> None:
    # Nobody is signed in any more: there is nothing to switch away from.
    services.device_link_revoke(link=ana_link[0])

    signed_in(anas_phone, ben_link)

    assert greeting(anas_phone) == "Hi Ben"


def test_a_dead_link_opened_on_a_signed_in_phone_keeps_its_athlete(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    services.device_link_revoke(link=ben_link[0])

    revoked = anas_phone.get(f"/m/link/{ben_link[1]}/")
    unknown = anas_phone.get("/m/link/not-a-real-token/")

    assert (revoked.status_code, unknown.status_code) == (410, 404)
    assert revoked["Referrer-Policy"] == unknown["Referrer-Policy"] == "no-referrer"
    assert "Clear-Site-Data" not in revoked
    assert "Clear-Site-Data" not in unknown
    assert greeting(anas_phone) == "Hi Ana"


def test_opening_links_is_still_rate_limited_on_a_signed_in_phone(
    anas_phone: Client, ben_link: tuple[DeviceLink, str]
) -> None:
    from athletes.phone.access import OPEN_RATE_LIMIT

    for _ in range(OPEN_RATE_LIMIT):
        anas_phone.get("/m/link/guessing/")

    assert anas_phone.get(f"/m/link/{ben_link[1]}/").status_code == 429
    assert greeting(anas_phone) == "Hi Ana"


# --- A post for another athlete is 409 and stored nowhere -------------------------------


def test_anas_queued_session_sent_from_bens_phone_is_409_and_stored_nowhere(
    anas_phone: Client, ana: Athlete, ben: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    SessionLogFactory(athlete=ana, date=TODAY - dt.timedelta(days=1), notes="before")
    before = list(SessionLog.objects.values())
    switch_to(anas_phone, ben_link)

    response = anas_phone.post(
        "/m/log/",
        anas_session(ana),
        HTTP_X_CSRFTOKEN=anas_phone.cookies[settings.CSRF_COOKIE_NAME].value,
        **JSON,
    )

    assert response.status_code == 409
    assert response.json() == {"error": OTHER_ATHLETE, "code": "other_athlete"}
    assert "Ana" not in response.content.decode()  # the phone knows whose it was
    assert list(SessionLog.objects.values()) == before
    assert not SessionLog.objects.filter(athlete=ben).exists()


def test_409_comes_before_any_check_of_the_fields(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    switch_to(anas_phone, ben_link)
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value

    # Ana forgot her pain score: Ben's page must not list her entry's errors either.
    response = anas_phone.post(
        "/m/log/", anas_session(ana, pain_during=None), HTTP_X_CSRFTOKEN=token, **JSON
    )

    assert response.status_code == 409
    assert not SessionLog.objects.exists()


def test_a_page_left_open_for_ana_posts_409_without_javascript(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    switch_to(anas_phone, ben_link)
    data = {**anas_session(ana), "csrfmiddlewaretoken": csrf_token(anas_phone)}

    response = anas_phone.post("/m/log/", data)

    assert response.status_code == 409
    page = response.content.decode()
    assert OTHER_ATHLETE in page
    assert "This phone is signed in for Ben." in page
    assert "Ana" not in page
    assert not SessionLog.objects.exists()


def test_a_stale_check_in_for_ana_is_409_and_not_recorded_for_ben(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    switch_to(anas_phone, ben_link)
    token = csrf_token(anas_phone, "/m/")

    response = anas_phone.post(
        "/m/check-in/", {"athlete": ana.pk, "score": "6", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 409
    assert OTHER_ATHLETE in response.content.decode()
    assert not PainScore.objects.exists()


def test_a_stale_morning_answer_for_ana_is_409_and_her_session_unchanged(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    yesterday = SessionLogFactory(
        athlete=ana, date=TODAY - dt.timedelta(days=1), pain_next_morning=None
    )
    switch_to(anas_phone, ben_link)
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value

    response = anas_phone.post(
        "/m/morning/",
        {"athlete": ana.pk, "session": yesterday.pk, "score": "4"},
        HTTP_X_CSRFTOKEN=token,
        **JSON,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "other_athlete"
    yesterday.refresh_from_db()
    assert yesterday.pain_next_morning is None


def test_anas_session_is_stored_once_she_is_back_on_her_phone(
    anas_phone: Client,
    ana: Athlete,
    ana_link: tuple[DeviceLink, str],
    ben_link: tuple[DeviceLink, str],
) -> None:
    data = anas_session(ana)
    switch_to(anas_phone, ben_link)
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value
    assert anas_phone.post("/m/log/", data, HTTP_X_CSRFTOKEN=token, **JSON).status_code == 409

    switch_to(anas_phone, ana_link)
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value
    response = anas_phone.post("/m/log/", data, HTTP_X_CSRFTOKEN=token, **JSON)

    assert response.status_code == 201
    assert SessionLog.objects.get().athlete == ana


def test_the_token_of_the_page_before_a_switch_no_longer_posts(
    anas_phone: Client, ana: Athlete, ben_link: tuple[DeviceLink, str]
) -> None:
    # The outbox must read the current token at each send (phone.js): the one captured
    # with the item is refused once the phone has changed hands.
    captured = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value
    switch_to(anas_phone, ben_link)
    data = {**anas_session(ana), "csrfmiddlewaretoken": captured}

    stale = anas_phone.post("/m/log/", data, **JSON)

    assert stale.status_code == 403
    assert not SessionLog.objects.exists()


def test_a_post_that_names_no_athlete_is_refused_and_stores_nothing(
    anas_phone: Client, ana: Athlete
) -> None:
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value
    data = anas_session(ana)
    del data["athlete"]

    logged = anas_phone.post("/m/log/", data, HTTP_X_CSRFTOKEN=token, **JSON)
    checked_in = anas_phone.post("/m/check-in/", {"score": "2"}, HTTP_X_CSRFTOKEN=token)

    assert logged.status_code == 400
    assert logged.json()["errors"]["athlete"][0]["message"] == ATHLETE_MISSING
    assert checked_in["Location"] == "/m/?error=stale"
    assert "That page was out of date" in anas_phone.get("/m/?error=stale").content.decode()
    assert not SessionLog.objects.exists()
    assert not PainScore.objects.exists()


def test_every_phone_form_names_its_athlete(anas_phone: Client, ana: Athlete) -> None:
    SessionLogFactory(athlete=ana, date=TODAY - dt.timedelta(days=1), pain_next_morning=None)
    home = anas_phone.get("/m/").content.decode()
    log = anas_phone.get("/m/log/").content.decode()

    field = f'<input type="hidden" name="athlete" value="{ana.pk}">'
    assert home.count(field) == 1  # the morning question (no rest-day check-in then)
    assert log.count(field) == 2  # the log form and the watch-file import
    assert f'data-athlete="{ana.pk}" data-athlete-name="Ana" data-outbox="send"' in log


# --- Refusals clear the phone's cached pages --------------------------------------------


@pytest.mark.parametrize(("token", "status"), [("not-a-real-token", 404), (None, 410)])
def test_refusing_a_link_tells_the_browser_to_drop_its_cache(
    ana_link: tuple[DeviceLink, str], token: str | None, status: int
) -> None:
    services.device_link_revoke(link=ana_link[0])

    response = Client().get(f"/m/link/{token or ana_link[1]}/")

    assert response.status_code == status
    # "cache", never "storage": the outbox in localStorage keeps what was not sent.
    assert response["Clear-Site-Data"] == '"cache"'
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert f'data-signed-out="{status}"' in page
    assert "data-outbox" not in page  # sends nothing: it answers under "no-referrer"


def test_a_signed_in_phone_told_its_link_was_revoked_drops_its_cache(
    anas_phone: Client, ana: Athlete, ana_link: tuple[DeviceLink, str]
) -> None:
    token = anas_phone.cookies[settings.CSRF_COOKIE_NAME].value
    services.device_link_revoke(link=ana_link[0])

    page = anas_phone.get("/m/")
    queued = anas_phone.post("/m/log/", anas_session(ana), HTTP_X_CSRFTOKEN=token, **JSON)

    assert page.status_code == 410
    assert page["Clear-Site-Data"] == '"cache"'
    assert 'data-signed-out="410"' in page.content.decode()
    # The outbox gets an answer it can read: signed out (the session ended with the 410).
    assert queued.status_code == 404
    assert queued["Clear-Site-Data"] == '"cache"'
    assert queued.json() == {"error": "Not signed in."}
    assert not SessionLog.objects.exists()


def test_the_service_worker_knows_which_addresses_are_pages(db: None) -> None:
    body = Client().get("/m/sw.js").content.decode()

    assert 'const PAGES = ["/m/", "/m/log/", "/m/metronome/"];' in body
    assert 'const STATIC_URL = "/static/";' in body
    assert "response.status === 410" in body  # a refusal makes it forget the pages
