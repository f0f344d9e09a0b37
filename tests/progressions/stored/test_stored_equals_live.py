"""The stored progression is the live one on every day it is kept for (issue 14).

Random histories in the database, stored on one day with the hourly task's probing; on
any later day up to ``valid_until`` the stored answer equals a live evaluation of the
history on that day. Each example writes its rows inside a transaction it rolls back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import User
from progressions.selectors import progressions_for_athletes
from progressions.stored import PROBE_DAYS, store, stored_progressions
from tests.factories import AthleteFactory
from tests.support.clock import TODAY

_STAGES = ["uphill_walk", "uphill_jog", "flat_run"]


@st.composite
def session_rows(draw: st.DrawFn) -> dict[str, Any]:
    """One valid session of the first three stages' kinds, up to 40 days before TODAY."""
    kind = draw(st.sampled_from(["walk", "walk_run", "run", "strength"]))
    row: dict[str, Any] = {
        "date": TODAY - dt.timedelta(days=draw(st.integers(0, 40))),
        "activity": kind,
        "duration_min": draw(st.integers(10, 60)),
        "pain_next_morning": draw(st.none() | st.integers(0, 10)),
    }
    if kind == "strength":
        return row
    row |= {
        "terrain": draw(st.sampled_from(["uphill", "flat"])),
        "surface": draw(st.sampled_from(["treadmill", "road"])),
        "intensity": "easy",
        "pain_during": draw(st.integers(0, 10)),
        "pain_after": draw(st.none() | st.integers(0, 10)),
    }
    if row["surface"] == "treadmill" and row["terrain"] == "uphill":
        row["incline_percent"] = draw(st.sampled_from([4, 6, 8]))
    if kind == "walk_run":
        row |= {"run_interval_sec": 60, "walk_interval_sec": 60, "repeats": 5}
        row["duration_min"] = max(row["duration_min"], 10)
    return row


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "stage": draw(st.sampled_from(_STAGES)),
        "stage_days": draw(st.integers(0, 30)),
        "sessions": draw(st.lists(session_rows(), max_size=14)),
        "pains": draw(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10)), max_size=6)),
        "later": draw(st.integers(0, PROBE_DAYS + 2)),
    }


def _write(therapist: User, history: dict[str, Any]) -> Athlete:
    athlete = AthleteFactory(
        therapist=therapist,
        stage=history["stage"],
        stage_started_on=TODAY - dt.timedelta(days=history["stage_days"]),
    )
    SessionLog.objects.bulk_create(SessionLog(athlete=athlete, **r) for r in history["sessions"])
    PainScore.objects.bulk_create(
        PainScore(athlete=athlete, date=TODAY - dt.timedelta(days=ago), score=score)
        for ago, score in history["pains"]
    )
    return Athlete.objects.select_related("clinic").get(pk=athlete.pk)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=histories())
def test_a_stored_answer_is_the_live_one_on_every_day_it_is_kept(
    therapist: User, history: dict[str, Any]
) -> None:
    with transaction.atomic():
        athlete = _write(therapist, history)
        store([athlete], today=TODAY, probe_days=PROBE_DAYS)
        row = athlete.stored_progression
        row.refresh_from_db()
        day = TODAY + dt.timedelta(days=history["later"])

        read = stored_progressions([athlete], today=day)[athlete.pk]
        live = progressions_for_athletes([athlete], today=day)[athlete.pk]

        assert read == live
        assert TODAY <= row.valid_until <= TODAY + dt.timedelta(days=PROBE_DAYS)
        event(f"kept {(row.valid_until - TODAY).days} days")
        # Within its days the stored row answered; past them it was evaluated again.
        kept = row.valid_until
        row.refresh_from_db()
        assert row.computed_on == (TODAY if day <= kept else day)
        transaction.set_rollback(True)


def test_a_quiet_athlete_is_kept_for_the_whole_probe(therapist: User) -> None:
    quiet = {"stage": "uphill_walk", "stage_days": 3, "sessions": [], "pains": []}
    athlete = _write(therapist, quiet)

    store([athlete], today=TODAY, probe_days=PROBE_DAYS)

    athlete.stored_progression.refresh_from_db()
    assert athlete.stored_progression.valid_until == TODAY + dt.timedelta(days=PROBE_DAYS)


def test_a_red_flag_leaving_its_window_ends_the_answer_that_day(therapist: User) -> None:
    sore = {"date": TODAY - dt.timedelta(days=2), "activity": "walk", "terrain": "uphill",
            "surface": "treadmill", "incline_percent": 6, "duration_min": 30,
            "intensity": "easy", "pain_during": 6}  # fmt: skip
    athlete = _write(therapist, {"stage": "uphill_walk", "stage_days": 30, "sessions": [sore],
                                 "pains": []})  # fmt: skip

    [answer] = store([athlete], today=TODAY, probe_days=PROBE_DAYS).values()

    athlete.stored_progression.refresh_from_db()
    kept = athlete.stored_progression.valid_until
    assert answer.red_flags
    assert TODAY <= kept < TODAY + dt.timedelta(days=PROBE_DAYS)
    after = progressions_for_athletes([athlete], today=kept + dt.timedelta(days=1))[athlete.pk]
    assert after != dataclasses.replace(answer, as_of=after.as_of)
