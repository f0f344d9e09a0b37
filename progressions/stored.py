"""Each athlete's stored progression: evaluated when data arrives, read when a page needs it.

The engine's answer changes only when an input changes (the athlete, whose stage a
stage change or a review's decision moves, a session, a pain check-in) or when the
calendar moves a row out of a window (a red flag, a gate session). So:

- **Writes** remove the athlete's stored row in the same statement (a PostgreSQL trigger
  on each input table, registered here; on SQLite, Django's save and delete signals),
  and the services then store the new answer, evaluated for the clinic's today, in the
  same transaction (``progression_refresh``). Nothing can leave a stale row behind: not
  a service, a ``QuerySet.update()``, the admin or a shell.
- **Readers** (the dashboard, the athlete list, the weekly email) take the stored answer
  of every athlete whose row holds today (``computed_on <= today <= valid_until``) and
  evaluate the rest from their history, storing what they evaluated: the same queries
  whatever the history (``stored_progressions``).
- **Until when an answer holds**: a write stores it for its day only. The hourly task
  (``refresh_due``) re-evaluates the rows whose day has passed and probes the days ahead
  on the history already loaded, keeping the answer for as many days (up to
  ``PROBE_DAYS``) as the engine gives the same answer, so on a quiet week an athlete is
  evaluated once, not on every view. Checked by the property test in
  ``tests/progressions/stored/`` and by ``manage.py verify_progressions``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

import pgtrigger
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models.signals import post_delete, post_save

from athletes.models import Athlete, PainScore, SessionLog
from progressions.models import StoredProgression
from progressions.rules import PainScoreRecord, Progression, SessionRecord
from progressions.selectors import engine_inputs, evaluate_on

# How many days ahead the hourly refresh checks that an answer stays the same.
PROBE_DAYS = 14
_FIELDS = ["computed_on", "valid_until", "recommendation", "red_flag_count", "data"]


def _same_answer(a: Progression, b: Progression) -> bool:
    return dataclasses.replace(a, as_of=b.as_of) == b


def _holds_until(
    athlete: Athlete,
    answer: Progression,
    sessions: list[SessionRecord],
    scores: list[PainScoreRecord],
    probe_days: int,
) -> dt.date:
    """Return the last day (up to ``probe_days`` ahead) with the same answer on this data."""
    last = answer.as_of
    for ahead in range(1, probe_days + 1):
        day = answer.as_of + dt.timedelta(days=ahead)
        if not _same_answer(evaluate_on(athlete, day, sessions, scores), answer):
            break
        last = day
    return last


def store(
    athletes: Sequence[Athlete], *, today: dt.date, probe_days: int = 0
) -> dict[int, Progression]:
    """Evaluate the athletes on ``today`` and store the answers: four queries in all.

    ``probe_days``: also find until when each answer holds (the hourly task); a write
    stores its answer for ``today`` only, which keeps it to one evaluation.
    """
    if not athletes:
        return {}
    sessions, scores = engine_inputs([a.pk for a in athletes], today)
    answers: dict[int, Progression] = {}
    rows = []
    for athlete in athletes:
        mine, pains = sessions[athlete.pk], scores[athlete.pk]
        answer = evaluate_on(athlete, today, mine, pains)
        answers[athlete.pk] = answer
        rows.append(
            StoredProgression(
                athlete_id=athlete.pk,
                computed_on=today,
                valid_until=_holds_until(athlete, answer, mine, pains, probe_days),
                recommendation=str(answer.recommendation),
                red_flag_count=len(answer.red_flags),
                data=answer.as_dict(),
            )
        )
    StoredProgression.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["athlete"], update_fields=_FIELDS
    )
    return answers


def _stored_row(athlete: Athlete) -> StoredProgression | None:
    try:
        return athlete.stored_progression
    except ObjectDoesNotExist:
        return None


def stored_progressions(athletes: Iterable[Athlete], *, today: dt.date) -> dict[int, Progression]:
    """Return ``{athlete.pk: Progression}`` on ``today``, stored where it holds, else evaluated.

    Athletes loaded with ``select_related("stored_progression")`` cost nothing more when
    every row holds; otherwise one query reads the rows, and the athletes whose row is
    missing or past its day are evaluated and stored (``store``: four queries).
    """
    athletes = list(athletes)
    if athletes and not Athlete.stored_progression.is_cached(athletes[0]):
        rows = StoredProgression.objects.in_bulk([a.pk for a in athletes])
        for athlete in athletes:
            athlete.stored_progression = rows.get(athlete.pk)  # type: ignore[assignment]
    answers: dict[int, Progression] = {}
    due: list[Athlete] = []
    for athlete in athletes:
        row = _stored_row(athlete)
        if row is not None and row.computed_on <= today <= row.valid_until:
            answers[athlete.pk] = Progression.from_dict({**row.data, "as_of": today.isoformat()})
        else:
            due.append(athlete)
    return answers | store(due, today=today)


def progression_refresh(athlete: Athlete) -> Progression:
    """Store the athlete's answer after a write to one of its inputs (inside the write's
    transaction, after its last statement: the trigger removed the old row).

    The athlete is read again: the caller's copy may predate a stage change made through
    another copy (a review's decision), and the answer must be the stored athlete's.
    """
    athlete = Athlete.objects.select_related("clinic").get(pk=athlete.pk)
    return store([athlete], today=athlete.clinic.today())[athlete.pk]


def refresh_due(*, batch: int = 500) -> int:
    """Re-evaluate the active athletes whose stored answer is missing or past its day.

    Each in its clinic's today, probing ``PROBE_DAYS`` ahead; returns how many. The query
    per batch finds only due athletes, so an hour with nothing due costs one query per
    clinic time zone.
    """
    from itbrehab.accounts.models import Clinic

    done = 0
    for clinic in Clinic.objects.all():
        today = clinic.today()
        due = (
            Athlete.objects.filter(clinic=clinic, status="active")
            .filter(
                models.Q(stored_progression__isnull=True)
                | models.Q(stored_progression__valid_until__lt=today)
                | models.Q(stored_progression__computed_on__gt=today)
            )
            .select_related("clinic")
            .order_by("pk")
        )
        while chunk := list(due[:batch]):
            store(chunk, today=today, probe_days=PROBE_DAYS)
            done += len(chunk)
    return done


@dataclasses.dataclass
class Verification:
    """What ``verify`` found: rows that hold today, and those whose answer differs."""

    checked: int = 0
    drifted: list[int] = dataclasses.field(default_factory=list)  # athlete ids
    repaired: int = 0


def verify(*, repair: bool = False, batch: int = 500) -> Verification:
    """Compare every stored answer that holds today with a live evaluation.

    Rows past their day are not drift (every reader evaluates them again). ``repair``
    stores the live answer over each row that differs.
    """
    from itbrehab.accounts.models import Clinic
    from progressions.selectors import progressions_for_athletes

    found = Verification()
    for clinic in Clinic.objects.all():
        today = clinic.today()
        holding = (
            Athlete.objects.filter(
                clinic=clinic,
                stored_progression__computed_on__lte=today,
                stored_progression__valid_until__gte=today,
            )
            .select_related("stored_progression")
            .order_by("pk")
        )
        last = 0
        while chunk := list(holding.filter(pk__gt=last)[:batch]):
            last = chunk[-1].pk
            live = progressions_for_athletes(chunk, today=today)
            stored = stored_progressions(chunk, today=today)
            drifted = [a for a in chunk if stored[a.pk] != live[a.pk]]
            found.checked += len(chunk)
            found.drifted += [a.pk for a in drifted]
            if repair and drifted:
                store(drifted, today=today)
                found.repaired += len(drifted)
    return found


# --- Removing the stored answer when an input changes ---------------------------------

_TABLE = StoredProgression._meta.db_table


def _removal(column: str) -> pgtrigger.Trigger:
    """An AFTER row trigger removing the stored answer of the row's athlete (old and new)."""
    return pgtrigger.Trigger(
        name="stored_progression_stale",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=(
            "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
            f"DELETE FROM {_TABLE} WHERE athlete_id = OLD.{column}; END IF; "
            "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
            f"DELETE FROM {_TABLE} WHERE athlete_id = NEW.{column}; END IF; "
            "RETURN NULL;"
        ),
    )


# What the engine reads: the athlete (stage, settings, name), sessions, pain check-ins.
# Stage changes and reviews reach it through the athlete's stage fields.
INPUTS: dict[type[models.Model], str] = {
    Athlete: "id",
    SessionLog: "athlete_id",
    PainScore: "athlete_id",
}
for _model, _column in INPUTS.items():
    pgtrigger.register(_removal(_column))(_model)


def _athlete_id(instance: models.Model) -> int:
    return instance.pk if isinstance(instance, Athlete) else instance.athlete_id  # type: ignore[attr-defined]


def triggers_remove_it() -> bool:
    """Return whether the database's triggers remove stored answers (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _input_written(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    # PostgreSQL's trigger has done it already, in the write's own statement.
    if not triggers_remove_it():
        StoredProgression.objects.filter(athlete_id=_athlete_id(instance)).delete()


def connect_signals() -> None:
    """On SQLite (no triggers): remove the stored answer when Django writes an input."""
    for model in INPUTS:
        if model is Athlete:
            # Deleting an athlete deletes the row with it (CASCADE).
            post_save.connect(_input_written, sender=model, dispatch_uid=f"stale-{model.__name__}")
            continue
        for signal in (post_save, post_delete):
            signal.connect(_input_written, sender=model, dispatch_uid=f"stale-{model.__name__}")
