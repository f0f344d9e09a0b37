"""Who may do what through the API: every endpoint × method × persona (SPEC §3).

Anonymous → 401 everywhere but the token login; the colleague (same clinic) is treated
exactly as the therapist; the outsider (another clinic) gets 404 for every object of the
therapist's clinic, the same answer as for an id that does not exist, never a 2xx and
never a 403 that would confirm the object exists. Methods an endpoint does not offer
answer 405 to anyone signed in.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from athletes import services as athlete_services
from athletes.models import Athlete, DeviceLink, SessionLog
from itbrehab.accounts.models import User
from progressions.models import StageReview
from tests.factories import AthleteFactory, PainScoreFactory, SessionLogFactory
from tests.support.api import token_client
from tests.support.athletes import moved_to_jogging, sam

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
MISSING_ID = 987_654


@dataclass(frozen=True)
class Case:
    """One request of the matrix and what the therapist (and the colleague) get back."""

    method: str
    path: str  # with {athlete}, {session} and {link} placeholders
    expected: int
    body: dict[str, Any] | None = None
    # True when the path names an object of the therapist's clinic (outsider → 404).
    scoped: bool = True

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


NEW_ATHLETE = {"first_name": "Noor", "last_name": "Haddad", "affected_side": "right"}
NEW_SESSION = {
    "date": "yesterday",
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": "8.0",
    "duration_min": 30,
    "pain_during": 1,
}
ATHLETE = "/api/v1/athletes/{athlete}/"
SESSIONS = "/api/v1/athletes/{athlete}/sessions/"
SESSION = "/api/v1/sessions/{session}/"
PAIN_SCORES = "/api/v1/athletes/{athlete}/pain-scores/"
PROGRESSION = "/api/v1/athletes/{athlete}/progression/"
STAGE_CHANGES = "/api/v1/athletes/{athlete}/stage-changes/"
REVIEWS = "/api/v1/athletes/{athlete}/reviews/"
DEVICE_LINKS = "/api/v1/athletes/{athlete}/device-links/"
DEVICE_LINK = "/api/v1/device-links/{link}/"

MATRIX: list[Case] = [
    # Clinic-wide collections: everyone signed in gets their own clinic's.
    Case("GET", "/api/v1/athletes/", 200, scoped=False),
    Case("POST", "/api/v1/athletes/", 201, NEW_ATHLETE, scoped=False),
    Case("PUT", "/api/v1/athletes/", 405, NEW_ATHLETE, scoped=False),
    Case("PATCH", "/api/v1/athletes/", 405, {"first_name": "X"}, scoped=False),
    Case("DELETE", "/api/v1/athletes/", 405, scoped=False),
    Case("GET", "/api/v1/stages/", 200, scoped=False),
    Case("POST", "/api/v1/stages/", 405, {}, scoped=False),
    Case("DELETE", "/api/v1/stages/", 405, scoped=False),
    Case("GET", "/api/v1/auth/token/", 405, scoped=False),
    Case("PATCH", "/api/v1/auth/token/", 405, {}, scoped=False),
    Case("DELETE", "/api/v1/auth/token/", 204, scoped=False),
    # One athlete: no PUT (PATCH only) and no DELETE (discharge with status).
    Case("GET", ATHLETE, 200),
    Case("PATCH", ATHLETE, 200, {"phone": "+44 20 7946 0000"}),
    Case("PUT", ATHLETE, 405, NEW_ATHLETE),
    Case("DELETE", ATHLETE, 405),
    Case("POST", ATHLETE, 405, NEW_ATHLETE),
    # The athlete's sessions.
    Case("GET", SESSIONS, 200),
    Case("POST", SESSIONS, 201, NEW_SESSION),
    Case("PUT", SESSIONS, 405, NEW_SESSION),
    Case("PATCH", SESSIONS, 405, {"pain_during": 1}),
    Case("DELETE", SESSIONS, 405),
    # One session.
    Case("GET", SESSION, 200),
    Case("PATCH", SESSION, 200, {"pain_next_morning": 1, "version": 1}),
    Case("DELETE", SESSION, 204),
    Case("PUT", SESSION, 405, NEW_SESSION),
    Case("POST", SESSION, 405, NEW_SESSION),
    # Pain check-ins.
    Case("GET", PAIN_SCORES, 200),
    Case("POST", PAIN_SCORES, 201, {"date": "yesterday", "score": 2, "context": "morning"}),
    Case("PATCH", PAIN_SCORES, 405, {"score": 1}),
    Case("DELETE", PAIN_SCORES, 405),
    # The engine's answer is read-only.
    Case("GET", PROGRESSION, 200),
    Case("POST", PROGRESSION, 405, {}),
    Case("PUT", PROGRESSION, 405, {}),
    Case("PATCH", PROGRESSION, 405, {}),
    Case("DELETE", PROGRESSION, 405),
    # Stage changes: a history, appended to, never edited.
    Case("GET", STAGE_CHANGES, 200),
    Case("POST", STAGE_CHANGES, 201, {"to_stage": "uphill_walk", "reason": "Sore again."}),
    Case("PATCH", STAGE_CHANGES, 405, {"reason": "x"}),
    Case("DELETE", STAGE_CHANGES, 405),
    # Weekly reviews.
    Case("GET", REVIEWS, 200),
    Case("POST", REVIEWS, 201, {"decision": "hold", "note": "One more week."}),
    Case("PATCH", REVIEWS, 405, {"note": "x"}),
    Case("DELETE", REVIEWS, 405),
    # Phone links.
    Case("GET", DEVICE_LINKS, 200),
    Case("POST", DEVICE_LINKS, 201, {}),
    Case("PATCH", DEVICE_LINKS, 405, {}),
    Case("DELETE", DEVICE_LINKS, 405),
    Case("DELETE", DEVICE_LINK, 204),
    Case("GET", DEVICE_LINK, 405),
    Case("PATCH", DEVICE_LINK, 405, {}),
    Case("PUT", DEVICE_LINK, 405, {}),
    Case("POST", DEVICE_LINK, 405, {}),
]


@dataclass
class World:
    """The therapist's clinic's objects, one of each, and the outsider's own athlete."""

    athlete: Athlete
    session: SessionLog
    link: DeviceLink
    outsider_athlete: Athlete

    def url(self, path: str) -> str:
        return path.format(athlete=self.athlete.pk, session=self.session.pk, link=self.link.pk)


@pytest.fixture
def world(therapist: User, colleague: User, outsider: User) -> World:
    today = timezone.localdate()
    athlete = sam(therapist, stage_started_on=today - dt.timedelta(days=30))
    moved_to_jogging(athlete, on=today - dt.timedelta(days=10))
    session = SessionLogFactory(
        athlete=athlete,
        date=today - dt.timedelta(days=2),
        activity="walk_run",
        run_interval_sec=60,
        walk_interval_sec=120,
        repeats=5,
    )
    PainScoreFactory(athlete=athlete, date=today - dt.timedelta(days=1))
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    StageReview.objects.create(
        athlete=athlete,
        week_start=last_monday,
        due_date=last_monday,
        decision="hold",
        reviewed_by=therapist,
        reviewed_at=timezone.now(),
    )
    link, _token = athlete_services.device_link_create(athlete=athlete, created_by=therapist)
    outsider_athlete = AthleteFactory(therapist=outsider, first_name="Olga", last_name="Other")
    SessionLogFactory(athlete=outsider_athlete)
    return World(athlete=athlete, session=session, link=link, outsider_athlete=outsider_athlete)


def client_of(user: User | None) -> APIClient:
    """An API client with a real token for ``user`` (anonymous for None)."""
    return APIClient() if user is None else token_client(user)


def send(client: APIClient, case: Case, world: World) -> Any:
    body = case.body
    if body is not None:
        body = {k: (_yesterday() if v == "yesterday" else v) for k, v in body.items()}
    return client.generic(
        case.method,
        world.url(case.path),
        data=None if body is None else json.dumps(body),
        content_type="application/json",
    )


PERSONAS = ["anonymous", "therapist", "colleague", "outsider"]


def expected_status(case: Case, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona == "outsider" and case.scoped and case.expected != 405:
        return 404
    return case.expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=lambda case: case.id)
def test_the_permission_matrix(
    case: Case, persona: str, world: World, request: pytest.FixtureRequest
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = send(client_of(user), case, world)

    assert response.status_code == expected_status(case, persona), response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "code"}
    if response.status_code == 404:
        assert response.json() == NOT_FOUND


def test_anonymous_may_log_in_for_a_token(therapist: User) -> None:
    from tests.factories import DEFAULT_PASSWORD

    response = APIClient().post(
        "/api/v1/auth/token/", {"email": therapist.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("case", [c for c in MATRIX if c.scoped], ids=lambda c: c.id)
def test_the_outsider_gets_the_same_answer_as_for_an_object_that_does_not_exist(
    case: Case, world: World, outsider: User
) -> None:
    client = token_client(outsider)
    theirs = send(client, case, world)
    nothing = _Missing()
    missing = send(client, case, World(nothing, nothing, nothing, nothing))  # type: ignore[arg-type]

    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())


class _Missing:
    pk = MISSING_ID


def _snapshot(world: World) -> tuple:
    athlete = Athlete.objects.get(pk=world.athlete.pk)
    return (
        athlete.phone,
        athlete.stage,
        SessionLog.objects.filter(athlete=athlete).count(),
        athlete.pain_scores.count(),
        athlete.stage_changes.count(),
        athlete.stage_reviews.count(),
        list(athlete.device_links.values_list("id", "revoked_at")),
    )


def test_no_request_of_the_outsider_reaches_another_clinics_data(
    world: World, outsider: User
) -> None:
    client = token_client(outsider)
    before = _snapshot(world)

    answers = {case.id: send(client, case, world).status_code for case in MATRIX if case.scoped}

    cross_clinic_successes = {k: s for k, s in answers.items() if 200 <= s < 300}
    forbidden = {k: s for k, s in answers.items() if s == 403}
    assert cross_clinic_successes == {}
    assert forbidden == {}  # a 403 would confirm the object exists
    assert set(answers.values()) <= {404, 405}
    assert _snapshot(world) == before


# --- Users who are not (or no longer) a clinic's therapist ----------------------------


READS = [case for case in MATRIX if case.method == "GET" and case.expected == 200]


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("admin@itbrehab.example", "not-a-clinic-2026")


@pytest.mark.parametrize("case", READS, ids=lambda c: c.id)
def test_a_user_without_a_clinic_gets_403_and_no_data(
    case: Case, world: World, superuser: User
) -> None:
    browser = APIClient()
    browser.force_login(superuser)
    for client in (token_client(superuser), browser):
        response = send(client, case, world)

        assert response.status_code == 403
        assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize("case", READS, ids=lambda c: c.id)
def test_an_inactive_therapist_gets_401_and_no_data(
    case: Case, world: World, therapist: User
) -> None:
    client = token_client(therapist)
    therapist.is_active = False
    therapist.save()

    response = send(client, case, world)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


# --- Lists never hold another clinic's rows ----------------------------------------


def test_the_athlete_list_holds_only_the_clinics_athletes(
    world: World, therapist: User, colleague: User, outsider: User
) -> None:
    colleagues_athlete = AthleteFactory(therapist=colleague)

    for user in (therapist, colleague):
        ids = {row["id"] for row in token_client(user).get("/api/v1/athletes/").json()["results"]}
        assert ids == {world.athlete.pk, colleagues_athlete.pk}
    ids = {row["id"] for row in token_client(outsider).get("/api/v1/athletes/").json()["results"]}
    assert ids == {world.outsider_athlete.pk}


@pytest.mark.parametrize(
    "query",
    ["therapist={outsider}", "search=Olga", "search=Other", "status=active", "stage=uphill_walk"],
)
def test_athlete_filters_never_reach_into_another_clinic(
    world: World, therapist: User, outsider: User, query: str
) -> None:
    url = "/api/v1/athletes/?" + query.format(outsider=outsider.pk)

    results = token_client(therapist).get(url).json()["results"]

    assert world.outsider_athlete.pk not in {row["id"] for row in results}


@pytest.mark.parametrize("path", [SESSIONS, PAIN_SCORES, STAGE_CHANGES, REVIEWS, DEVICE_LINKS])
def test_an_athletes_lists_hold_only_that_athletes_rows(
    world: World, therapist: User, path: str
) -> None:
    other = AthleteFactory(therapist=therapist)
    SessionLogFactory(athlete=other)
    PainScoreFactory(athlete=other)
    athlete_services.device_link_create(athlete=other, created_by=therapist)

    results = token_client(therapist).get(world.url(path)).json()["results"]

    assert results
    assert {row["athlete"] for row in results} == {world.athlete.pk}


# --- Input that names another clinic's object ---------------------------------------


@pytest.mark.parametrize("who", ["outsider", "superuser", "missing"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_athlete_cannot_be_given_a_therapist_outside_the_clinic(
    world: World, therapist: User, outsider: User, superuser: User, who: str, method: str
) -> None:
    therapist_id = {"outsider": outsider.pk, "superuser": superuser.pk, "missing": MISSING_ID}
    client = token_client(therapist)
    body = {"therapist": therapist_id[who]}
    count = Athlete.objects.count()

    if method == "POST":
        response = client.post("/api/v1/athletes/", {**NEW_ATHLETE, **body})
    else:
        response = client.patch(world.url(ATHLETE), body)

    assert response.status_code == 400
    assert list(response.json()) == ["therapist"]
    assert Athlete.objects.count() == count
    assert Athlete.objects.get(pk=world.athlete.pk).therapist == therapist


def test_an_athlete_may_be_handed_to_a_colleague(
    world: World, therapist: User, colleague: User
) -> None:
    response = token_client(therapist).patch(world.url(ATHLETE), {"therapist": colleague.pk})

    assert response.status_code == 200
    assert Athlete.objects.get(pk=world.athlete.pk).therapist == colleague


def test_an_inactive_colleague_cannot_take_an_athlete(
    world: World, therapist: User, colleague: User
) -> None:
    colleague.is_active = False
    colleague.save()

    response = token_client(therapist).patch(world.url(ATHLETE), {"therapist": colleague.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["therapist"]


def test_a_new_athlete_always_joins_the_requesters_clinic(
    world: World, therapist: User, outsider: User
) -> None:
    response = token_client(therapist).post(
        "/api/v1/athletes/", {**NEW_ATHLETE, "clinic": outsider.clinic_id}
    )

    assert response.status_code == 201
    assert response.json()["clinic"] == therapist.clinic_id
    assert response.json()["therapist"] == therapist.pk


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (SESSION, {"athlete": "{outsider_athlete}", "notes": "moved?", "version": 1}),
        (SESSIONS, {**NEW_SESSION, "athlete": "{outsider_athlete}"}),
        (PAIN_SCORES, {"athlete": "{outsider_athlete}", "date": "yesterday", "score": 1}),
    ],
    ids=["session-patch", "session-create", "pain-score-create"],
)
def test_the_athlete_of_a_row_comes_from_the_path_never_from_the_body(
    world: World, therapist: User, path: str, body: dict
) -> None:
    body = {
        k: world.outsider_athlete.pk
        if v == "{outsider_athlete}"
        else (_yesterday() if v == "yesterday" else v)
        for k, v in body.items()
    }
    outsider_rows = (
        world.outsider_athlete.sessions.count(),
        world.outsider_athlete.pain_scores.count(),
    )
    client = token_client(therapist)

    response = (
        client.patch(world.url(path), body)
        if path == SESSION
        else client.post(world.url(path), body)
    )

    assert response.status_code in (200, 201), response.content
    assert response.json()["athlete"] == world.athlete.pk
    assert (
        world.outsider_athlete.sessions.count(),
        world.outsider_athlete.pain_scores.count(),
    ) == outsider_rows
