"""A session read from a watch file is stored once per athlete (SPEC §9).

The services store the file's SHA-256 with the session; the same file stored again for
the athlete answers with that session, also when two saves race (the partial unique
constraint decides); another athlete, or the same file after its session was deleted,
makes a new session.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from athletes import services, session_checks
from athletes.models import Athlete, SessionLog, SessionSource
from itbrehab.accounts.models import User
from tests.support.athletes import sam
from tests.support.clock import days_ago

pytestmark = pytest.mark.usefixtures("wednesday")

DIGEST = hashlib.sha256(b"a watch file").hexdigest()


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def from_file(athlete: Athlete, digest: str = DIGEST, **fields: Any) -> tuple[SessionLog, bool]:
    values: dict[str, Any] = {
        "date": days_ago(1),
        "activity": "walk",
        "terrain": "uphill",
        "surface": "treadmill",
        "duration_min": 31,
        "pain_during": 1,
        "source": SessionSource.FILE,
        "file_sha256": digest,
    }
    return services.session_log_create_once(athlete=athlete, client_id=None, **{**values, **fields})


def test_the_file_is_remembered_with_the_session(athlete: Athlete) -> None:
    session, created = from_file(athlete)

    assert created
    session.refresh_from_db()
    assert (session.file_sha256, session.source) == (DIGEST, "file")


def test_the_same_file_again_answers_with_the_stored_session(athlete: Athlete) -> None:
    first, _ = from_file(athlete)

    again, created = from_file(athlete, pain_during=3, duration_min=40)

    assert not created
    assert again.pk == first.pk
    assert again.duration_min == 31  # what was stored first stays; nothing was changed
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


def test_two_saves_of_one_file_that_race_store_one_session(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = from_file(athlete)
    # As if the other save committed after this one looked: the constraint decides.
    monkeypatch.setattr(
        services, "sessions_around_new", lambda *a, **k: session_checks.SessionsAround()
    )

    again, created = from_file(athlete)

    assert (again.pk, created) == (first.pk, False)
    assert SessionLog.objects.filter(athlete=athlete).count() == 1


def test_another_athlete_may_store_the_same_file(athlete: Athlete, therapist: User) -> None:
    from_file(athlete)
    other = sam(therapist, first_name="Ola")

    _, created = from_file(other)

    assert created


def test_after_its_session_is_deleted_the_file_makes_a_new_one(athlete: Athlete) -> None:
    first, _ = from_file(athlete)
    services.session_log_delete(session=first)

    again, created = from_file(athlete)

    assert created
    assert again.pk != first.pk


def test_a_digest_that_is_not_sha256_is_refused_and_nothing_stored(athlete: Athlete) -> None:
    with pytest.raises(ValidationError) as refused:
        from_file(athlete, digest="not-a-digest")

    assert "file_sha256" in refused.value.message_dict
    assert not SessionLog.objects.filter(athlete=athlete).exists()
