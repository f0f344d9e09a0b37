"""Every read answers in a fixed number of queries, however long the history (STYLE.md).

Each endpoint is read with a small and a large dataset (and the largest page) under the
SAME budget: a count that grew with the data would be an N+1, fixed in the API code, not
here. Every request authenticates with a knox token: one query (the token by its key,
its user joined: ``itbrehab.api_auth``); every answer that showed athletes' data ends
with the audit's one INSERT of its read event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from athletes.models import Athlete, DeviceLink, PainScore
from itbrehab.accounts.models import User
from itbrehab.audit.access import READ_EVENT_QUERIES
from progressions.models import StageChange, StageReview
from progressions.selectors import athlete_progression
from tests.factories import AthleteFactory, TherapistFactory
from tests.support.api import token_client
from tests.support.sessions import varied_history

TODAY = dt.date(2026, 3, 4)
SIZES = {"small": 0, "large": 1}


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def client(therapist: User, now: dt.date) -> APIClient:
    return token_client(therapist)


def add_history(athlete: Athlete, sessions: int, pain_scores: int = 0) -> None:
    """Give the athlete ``sessions`` sessions over the last months, newest in the window."""
    varied_history(athlete, sessions, newest=TODAY)
    PainScore.objects.bulk_create(
        PainScore(athlete=athlete, date=days_ago(i % 30), score=i % 5, context="morning")
        for i in range(pain_scores)
    )


def add_decisions(athlete: Athlete, therapist: User, count: int) -> None:
    """Give the athlete ``count`` past stage changes and weekly reviews, device links."""
    stages = ["uphill_walk", "uphill_jog"]
    snapshot = athlete_progression(athlete).as_dict()  # what a real change records
    StageChange.objects.bulk_create(
        StageChange(
            athlete=athlete,
            from_stage=stages[i % 2],
            to_stage=stages[(i + 1) % 2],
            effective_date=days_ago(count - i),
            changed_by=therapist,
            reason="History.",
            recommendation="hold",
            recommendation_snapshot=snapshot,
        )
        for i in range(count)
    )
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    StageReview.objects.bulk_create(
        StageReview(
            athlete=athlete,
            week_start=monday - dt.timedelta(weeks=i + 1),
            due_date=monday - dt.timedelta(weeks=i + 1),
            decision="hold",
            reviewed_by=therapist,
            reviewed_at=timezone.now(),
        )
        for i in range(count)
    )
    DeviceLink.objects.bulk_create(
        DeviceLink(
            athlete=athlete,
            token_hash=f"{athlete.pk:08d}{i:056d}",
            created_by=therapist,
            expires_at=timezone.now() + dt.timedelta(days=30),
            revoked_at=timezone.now() if i % 2 else None,
        )
        for i in range(count)
    )


@pytest.fixture(params=list(SIZES))
def world(request: pytest.FixtureRequest, therapist: User, colleague: User, now: dt.date):
    """One athlete to read, with a small or a large history, among a few or many athletes."""
    large = SIZES[request.param]
    athlete = AthleteFactory(therapist=therapist, stage_started_on=days_ago(60))
    add_history(athlete, sessions=500 if large else 10, pain_scores=60 if large else 2)
    add_decisions(athlete, therapist, count=60 if large else 3)
    # The rest of the clinic: each athlete with a few sessions, spread over therapists.
    others = [TherapistFactory(clinic=therapist.clinic) for _ in range(3)] + [colleague]
    for i in range(59 if large else 4):
        other = AthleteFactory(therapist=others[i % len(others)], stage_started_on=days_ago(20))
        add_history(other, sessions=6, pain_scores=2)
    return {"athlete": athlete, "size": request.param}


# The audit's read event (SPEC §8): one INSERT after the response, whatever it showed.
READ = READ_EVENT_QUERIES

# Expected queries, in order, after the one of token authentication (+ READ, last):
BUDGETS: list[tuple[str, str, int]] = [
    # count, page of athletes (+ therapist, clinic and stored progression joined), the
    # requester's clinic (today).
    ("athletes list", "/api/v1/athletes/?page_size=200", 1 + 3 + READ),
    # … and for ?recommendation=: the clinic's athletes with their stored progressions
    # first (to keep the matching ones), then as above.
    ("athletes list by recommendation", "/api/v1/athletes/?recommendation=hold", 1 + 4 + READ),
    # the athlete (+ therapist, clinic joined), the requester's clinic, its stored progression,
    # its adherence's counts (the athletes list has them as subqueries of its page).
    ("athlete detail", "/api/v1/athletes/{athlete}/", 1 + 4 + READ),
    # the athlete, count, page.
    ("sessions list", "/api/v1/athletes/{athlete}/sessions/?page_size=200", 1 + 3 + READ),
    ("sessions list filtered", "/api/v1/athletes/{athlete}/sessions/?activity=walk", 1 + 3 + READ),
    # the session (scoped to the clinic through a join).
    ("session detail", "/api/v1/sessions/{session}/", 1 + 1 + READ),
    # the athlete, count, page.
    ("pain-scores list", "/api/v1/athletes/{athlete}/pain-scores/?page_size=200", 1 + 3 + READ),
    # the athlete, the engine's two.
    ("progression", "/api/v1/athletes/{athlete}/progression/", 1 + 3 + READ),
    # the athlete, count, page.
    ("stage-changes list", "/api/v1/athletes/{athlete}/stage-changes/?page_size=200", 1 + 3 + READ),
    ("reviews list", "/api/v1/athletes/{athlete}/reviews/?page_size=200", 1 + 3 + READ),
    ("device-links list", "/api/v1/athletes/{athlete}/device-links/?page_size=200", 1 + 3 + READ),
    # the ladder is code, not data.
    ("stages", "/api/v1/stages/", 1 + 0),
]


@pytest.mark.parametrize(("name", "path", "budget"), BUDGETS, ids=[b[0] for b in BUDGETS])
def test_each_read_stays_within_a_fixed_query_budget(
    client: APIClient,
    world: dict[str, Any],
    django_assert_max_num_queries: Callable,
    name: str,
    path: str,
    budget: int,
) -> None:
    athlete = world["athlete"]
    session = athlete.sessions.order_by("-date", "-id").first()
    url = path.format(athlete=athlete.pk, session=session.pk)
    # The data was written outside the services: the first read evaluates and stores the
    # athletes' progressions (tests/athletes/dashboard counts that); budgets are the reads
    # after it.
    client.get(url)

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200, response.content
    if world["size"] == "large" and name in LARGE_PAGES:
        # The budget held while a full page of rows was serialised.
        assert len(response.json()["results"]) == LARGE_PAGES[name]


LARGE_PAGES = {
    "athletes list": 60,
    "sessions list": 200,
    "pain-scores list": 60,
    "stage-changes list": 60,
    "reviews list": 60,
    "device-links list": 60,
}
