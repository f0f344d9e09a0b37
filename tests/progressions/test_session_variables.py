"""Each stored session knows which variables it changed; edits and deletes keep that true."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command

from athletes.models import Athlete, SessionLog
from athletes.services import session_log_create, session_log_delete, session_log_update

WALK: dict[str, Any] = {
    "activity": "walk",
    "terrain": "uphill",
    "surface": "treadmill",
    "incline_percent": Decimal("8"),
    "duration_min": 30,
    "intensity": "easy",
    "pain_during": 1,
    "pain_after": 1,
}


def _log(athlete: Athlete, day: dt.date, **changes: Any) -> SessionLog:
    return session_log_create(athlete=athlete, date=day, **{**WALK, **changes})


def _stored(session: SessionLog) -> list[str]:
    return SessionLog.objects.get(pk=session.pk).changed_variables


def test_a_session_records_the_variables_it_changed(athlete: Athlete, today: dt.date) -> None:
    _log(athlete, today - dt.timedelta(days=3))
    one = _log(athlete, today - dt.timedelta(days=2), duration_min=35)
    two = _log(athlete, today - dt.timedelta(days=1), duration_min=45, surface="road")
    assert _stored(one) == ["duration"]
    assert SessionLog.objects.get(pk=one.pk).warnings == []
    assert _stored(two) == ["surface", "duration"]
    [warning] = SessionLog.objects.get(pk=two.pk).warnings
    assert (warning["code"], warning["variables"]) == (
        "multiple_variables_changed",
        ["surface", "duration"],
    )


def test_cross_training_is_not_compared_and_does_not_break_the_chain(
    athlete: Athlete, today: dt.date
) -> None:
    _log(athlete, today - dt.timedelta(days=3))
    bike = session_log_create(
        athlete=athlete, date=today - dt.timedelta(days=2), activity="cross_training",
        duration_min=60,
    )  # fmt: skip
    walk = _log(athlete, today - dt.timedelta(days=1), duration_min=35)
    assert _stored(bike) == []
    assert _stored(walk) == ["duration"]


def test_a_backdated_session_updates_the_one_after_it(athlete: Athlete, today: dt.date) -> None:
    _log(athlete, today - dt.timedelta(days=5))
    later = _log(athlete, today - dt.timedelta(days=1), duration_min=40)
    assert _stored(later) == ["duration"]
    _log(athlete, today - dt.timedelta(days=3), duration_min=40)  # logged late
    assert _stored(later) == []


def test_editing_a_session_recomputes_it_and_the_next_one(athlete: Athlete, today: dt.date) -> None:
    _log(athlete, today - dt.timedelta(days=3))
    middle = _log(athlete, today - dt.timedelta(days=2))
    last = _log(athlete, today - dt.timedelta(days=1))
    session_log_update(session=middle, duration_min=40)
    assert _stored(middle) == ["duration"]
    assert _stored(last) == ["duration"]


def test_moving_a_session_to_another_date_fixes_its_old_neighbour(
    athlete: Athlete, today: dt.date
) -> None:
    _log(athlete, today - dt.timedelta(days=4))  # 30 min
    moved = _log(athlete, today - dt.timedelta(days=3), duration_min=40)
    old_next = _log(athlete, today - dt.timedelta(days=2), duration_min=40)
    assert (_stored(moved), _stored(old_next)) == (["duration"], [])
    session_log_update(session=moved, date=today - dt.timedelta(days=1))
    # old_next now follows the 30-min walk; the moved session follows old_next.
    assert (_stored(old_next), _stored(moved)) == (["duration"], [])


def test_deleting_a_session_compares_the_next_with_the_one_before(
    athlete: Athlete, today: dt.date
) -> None:
    _log(athlete, today - dt.timedelta(days=3))
    extra = _log(athlete, today - dt.timedelta(days=2), duration_min=40)
    last = _log(athlete, today - dt.timedelta(days=1), duration_min=40)
    assert _stored(last) == []
    session_log_delete(session=extra)
    assert _stored(last) == ["duration"]


def test_a_pain_next_morning_arriving_later_is_stored(athlete: Athlete, today: dt.date) -> None:
    session = _log(athlete, today - dt.timedelta(days=1))
    session_log_update(session=session, pain_next_morning=2)
    assert SessionLog.objects.get(pk=session.pk).pain_next_morning == 2


def test_the_refresh_command_rewrites_checks_stored_under_older_rules(
    athlete: Athlete, today: dt.date
) -> None:
    # Uphill 5% walk, then a flat walk at 0%: under the revised rule one change (terrain).
    first = _log(athlete, today - dt.timedelta(days=3), incline_percent=Decimal("5"))
    strength = _log(athlete, today - dt.timedelta(days=2), activity="strength", terrain=None)
    flat = _log(athlete, today - dt.timedelta(days=1), terrain="flat", incline_percent=0)
    # As an older release stored it: incline counted too, so a two-variable warning.
    SessionLog.objects.filter(pk=flat.pk).update(
        changed_variables=["terrain", "incline"],
        warnings=[{"code": "multiple_variables_changed", "variables": ["terrain", "incline"]}],
    )
    out = StringIO()

    call_command("refresh_session_variables", stdout=out)
    call_command("refresh_session_variables", stdout=out)

    assert out.getvalue().splitlines() == [
        "Updated the one-variable check of 1 sessions.",
        "Updated the one-variable check of 0 sessions.",
    ]
    assert _stored(flat) == ["terrain"]
    assert SessionLog.objects.get(pk=flat.pk).warnings == []
    assert _stored(first) == []
    assert _stored(strength) == []
