"""A session's version, as the services keep it (SPEC §7, no lost update).

Every stored change counts one version; a change based on an older version stores
nothing and says what is stored now, also when the other change lands between loading
the session and the write (the compare-and-swap, not the Python check, decides).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from athletes import services
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory
from tests.support.clock import TODAY

pytestmark = pytest.mark.usefixtures("wednesday_morning")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return AthleteFactory(therapist=therapist, stage_started_on=TODAY - dt.timedelta(days=20))


def walk(athlete: Athlete, days: int, **fields: Any) -> SessionLog:
    values: dict[str, Any] = {
        "activity": "walk",
        "terrain": "uphill",
        "duration_min": 30,
        "pain_during": 1,
        "pain_next_morning": None,
    }
    return services.session_log_create(
        athlete=athlete, date=TODAY - dt.timedelta(days=days), **{**values, **fields}
    )


def stored(session: SessionLog) -> dict[str, Any]:
    return SessionLog.objects.filter(pk=session.pk).values().get()


def test_a_new_session_is_version_1_and_each_stored_change_counts_one(athlete: Athlete) -> None:
    session = walk(athlete, 1)
    assert session.version == 1

    services.session_log_update(session=session, expected_version=1, duration_min=35)
    services.session_log_update(session=session, pain_next_morning=2)

    assert session.version == 3
    assert stored(session)["version"] == 3


def test_a_change_to_nothing_stores_nothing_and_keeps_the_version(athlete: Athlete) -> None:
    session = walk(athlete, 1)
    updated_at = stored(session)["updated_at"]

    services.session_log_update(session=session, expected_version=1, duration_min=30)

    assert (stored(session)["version"], stored(session)["updated_at"]) == (1, updated_at)


def test_a_change_based_on_an_older_version_stores_nothing(athlete: Athlete) -> None:
    session = walk(athlete, 1)
    services.session_log_update(session=session, expected_version=1, pain_next_morning=3)
    before = stored(session)

    with pytest.raises(services.SessionChangedError) as changed:
        services.session_log_update(
            session=SessionLog.objects.get(pk=session.pk), expected_version=1, duration_min=35
        )

    assert str(changed.value) == services.SESSION_CHANGED.format(version=2)
    assert (changed.value.current.version, changed.value.current.pain_next_morning) == (2, 3)
    assert stored(session) == before


def test_a_change_landing_after_the_check_is_caught_by_the_write(athlete: Athlete) -> None:
    # The PT's copy is loaded at version 1 and the check against it passes; the morning
    # answer is stored before the PT's UPDATE runs: the UPDATE must not match.
    pts_copy = walk(athlete, 1)
    services.session_log_update(session=SessionLog.objects.get(pk=pts_copy.pk), pain_next_morning=3)
    before = stored(pts_copy)

    with pytest.raises(services.SessionChangedError) as changed:
        services.session_log_update(
            session=pts_copy, expected_version=1, duration_min=35, pain_next_morning=None
        )

    assert changed.value.current.version == 2
    assert stored(pts_copy) == before


def test_a_change_without_a_version_applies_to_the_session_as_stored_now(
    athlete: Athlete,
) -> None:
    # The phone loaded the session before the PT's correction was stored.
    phones_copy = walk(athlete, 1, notes="")
    services.session_log_update(
        session=SessionLog.objects.get(pk=phones_copy.pk),
        expected_version=1,
        activity="run",
        terrain="flat",
        notes="Was a run, not a walk.",
    )

    services.session_log_update(session=phones_copy, pain_next_morning=3)

    row = stored(phones_copy)
    assert (row["activity"], row["notes"], row["pain_next_morning"]) == (
        "run",
        "Was a run, not a walk.",
        3,
    )
    assert row["version"] == 3


def test_a_recomputed_check_of_a_neighbour_does_not_change_its_version(
    athlete: Athlete,
) -> None:
    # The one-variable check is derived: recomputing it must not make a PT's open form
    # on the next session stale.
    first = walk(athlete, 3)
    second = walk(athlete, 1)

    services.session_log_update(session=first, expected_version=1, duration_min=20)

    assert stored(second)["changed_variables"] == ["duration"]
    assert stored(second)["version"] == 1


def test_deleting_on_an_older_version_deletes_nothing(athlete: Athlete) -> None:
    session = walk(athlete, 1)
    services.session_log_update(session=SessionLog.objects.get(pk=session.pk), pain_next_morning=3)

    with pytest.raises(services.SessionChangedError):
        services.session_log_delete(session=session, expected_version=1)

    assert SessionLog.objects.filter(pk=session.pk).exists()
    services.session_log_delete(session=session, expected_version=2)
    assert not SessionLog.objects.filter(pk=session.pk).exists()
