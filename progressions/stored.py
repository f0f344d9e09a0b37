"""Each athlete's stored progression: evaluated when data arrives, read when a page needs it.

The engine's answer changes only when an input changes (the athlete, whose stage a
stage change or a review's decision moves, a session, a pain check-in) or when the
calendar moves a row out of a window (a red flag, a gate session). So:

- **Writes** empty the athlete's stored answer and add one to its ``generation`` in the
  same statement (a PostgreSQL trigger on each input table, registered in
  ``generations.py``; on SQLite, Django's save and delete signals), and the services then
  store the new answer, evaluated for the clinic's today, in the same transaction
  (``progression_refresh``).
  Nothing can leave a stale answer behind: not a service, a ``QuerySet.update()``, the
  admin or a shell.
- **Readers** (the dashboard, the athlete list, the weekly email) take the stored answer
  of every athlete whose row holds today (``computed_on <= today <= valid_until``) and
  evaluate the rest from their history, storing what they evaluated: the same queries
  whatever the history (``stored_progressions``).
- **Compare and set.** Every store (a write's, a reader's, the hourly task's) reads the
  generation in the same statement as the inputs (``engine_rows``) and stores only where
  it is unchanged, in one UPDATE: an answer evaluated while another transaction wrote to
  the same athlete is dropped (the next reader evaluates again), never kept. Two writes
  to one athlete queue on its row (the trigger's update locks it until commit).
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
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Now

from athletes.models import Athlete
from itbrehab.accounts.models import Clinic
from itbrehab.webhooks import services as webhooks
from progressions.models import StoredProgression
from progressions.rules import PainScoreRecord, Progression, SessionRecord
from progressions.selectors import engine_rows, evaluate_on, progressions_for_athletes


def _rules_version() -> str:
    """A fingerprint of the code that computes an answer: the engine, and the reads and
    mappings that feed it. A release that changes any of it changes the fingerprint, and
    every answer stored before it stops holding (readers and the hourly task evaluate
    again), so no answer of the old rules outlives a deploy."""
    root = Path(__file__).resolve().parent
    files = [
        *sorted((root / "rules").glob("*.py")),
        root / "selectors.py",
        root.parent / "athletes" / "session_checks.py",
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RULES_VERSION = _rules_version()

# How many days ahead the hourly refresh checks that an answer stays the same.
PROBE_DAYS = 14
# What storing a write's new answer costs it on PostgreSQL: the athlete with its row's
# generation and the engine's inputs, then the UPDATE (``progression_refresh``).
REFRESH_QUERIES = 2


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


def _rows(athletes: Sequence[Athlete]) -> dict[int, StoredProgression | None]:
    """Return each athlete's row as loaded with it, or read now (one query) if it was not."""
    if athletes and not Athlete.stored_progression.is_cached(athletes[0]):
        found = StoredProgression.objects.in_bulk([a.pk for a in athletes])
        for athlete in athletes:
            athlete.stored_progression = found.get(athlete.pk)  # type: ignore[assignment]
    rows: dict[int, StoredProgression | None] = {}
    for athlete in athletes:
        try:
            rows[athlete.pk] = athlete.stored_progression
        except ObjectDoesNotExist:
            rows[athlete.pk] = None
    return rows


def _case(values: dict[int, Any], seen: dict[int, int], name: str) -> Case:
    """``name``'s new value for each athlete whose generation is still the one seen."""
    field = StoredProgression._meta.get_field(name)
    return Case(
        *(
            When(Q(athlete_id=pk, generation=seen[pk]), then=Value(value, output_field=field))
            for pk, value in values.items()
        ),
        default=F(name),
        output_field=field,
    )


def answer_key(data: dict[str, Any]) -> str:
    """What ``progression.changed`` compares (SPEC §10), from ``Progression.as_dict()``:
    the recommendation and the red flags (each one's code, sessions and dates), as a
    short fingerprint. A frozen copy is in migration 0008."""
    flags = [[f["code"], f["session_ids"], f["dates"]] for f in data["red_flags"]]
    text = json.dumps([data["recommendation"], flags], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _save(
    answers: dict[int, Progression],
    until: dict[int, dt.date],
    seen: dict[int, int | None],
    *,
    last_announced: str | None = None,
) -> bool:
    """Store the answers where the generation is unchanged: one UPDATE (+ one INSERT for
    athletes without a row, which a concurrent write's row wins over).

    ``last_announced`` (one athlete, a write's: its row's ``announced_key``): the answer
    counts as announced too, and the answer is whether the row was updated with a
    recommendation or red flags other than those last announced. A first answer (an
    INSERT, or a row with nothing announced yet) is no change: nothing to change from.
    """
    announce = last_announced is not None
    datas = {pk: answers[pk].as_dict() for pk in seen}
    keys = {pk: answer_key(data) for pk, data in datas.items()}
    have = {pk: g for pk, g in seen.items() if g is not None}
    stored = False
    if have:
        columns = {
            "computed_on": {pk: answers[pk].as_of for pk in have},
            "valid_until": {pk: until[pk] for pk in have},
            "recommendation": {pk: str(answers[pk].recommendation) for pk in have},
            "red_flag_count": {pk: len(answers[pk].red_flags) for pk in have},
            "data": {pk: datas[pk] for pk in have},
            "rules": dict.fromkeys(have, RULES_VERSION),
            "answer_key": {pk: keys[pk] for pk in have},
        }
        if announce:
            columns["announced_key"] = columns["answer_key"]
        if len(have) == 1:  # a write's own athlete: the same UPDATE without the CASEs
            ((pk, generation),) = have.items()
            stored = bool(
                StoredProgression.objects.filter(athlete_id=pk, generation=generation).update(
                    computed_at=Now(), **{name: values[pk] for name, values in columns.items()}
                )
            )
        else:
            assert not announce, "only one athlete's write announces at once"
            StoredProgression.objects.filter(athlete_id__in=list(have)).update(
                computed_at=Now(),
                **{name: _case(values, have, name) for name, values in columns.items()},
            )
    changed = announce and stored and last_announced not in ("", *keys.values())
    missing = [pk for pk, g in seen.items() if g is None]
    if missing:
        StoredProgression.objects.bulk_create(
            [
                StoredProgression(
                    athlete_id=pk,
                    computed_on=answers[pk].as_of,
                    valid_until=until[pk],
                    recommendation=str(answers[pk].recommendation),
                    red_flag_count=len(answers[pk].red_flags),
                    data=datas[pk],
                    rules=RULES_VERSION,
                    answer_key=keys[pk],
                    announced_key=keys[pk],
                )
                for pk in missing
            ],
            ignore_conflicts=True,
        )
    return changed


def store(
    athletes: Sequence[Athlete], *, today: dt.date, probe_days: int = 0
) -> dict[int, Progression]:
    """Evaluate the athletes on ``today`` and store the answers that are still current.

    Two queries on PostgreSQL (``engine_rows``: each athlete as stored now, its row's
    generation and the engine's inputs, read at one moment; then one UPDATE): an answer
    is stored only where the generation is still the one read. The athletes given only
    name whom to evaluate (a caller's copy may be older than the stored athlete).
    ``probe_days``: also find until when each answer holds (the hourly task); a write
    stores its answer for ``today`` only (one evaluation).
    """
    if not athletes:
        return {}
    return _store(athletes, today=today, probe_days=probe_days)[0]


def _store(
    athletes: Sequence[Athlete], *, today: dt.date, probe_days: int = 0, announce: bool = False
) -> tuple[dict[int, Progression], bool]:
    """``store``; with ``announce`` (one athlete), also whether its recommendation or red
    flags differ from the answer last announced (and the new one was stored)."""
    rows = engine_rows([a.pk for a in athletes], today)
    answers: dict[int, Progression] = {}
    until: dict[int, dt.date] = {}
    for pk, row in rows.items():
        answers[pk] = answer = evaluate_on(row.athlete, today, row.sessions, row.scores)
        until[pk] = _holds_until(row.athlete, answer, row.sessions, row.scores, probe_days)
    seen = {pk: row.generation for pk, row in rows.items()}
    last = next(iter(rows.values())).announced if announce and rows else None
    return answers, _save(answers, until, seen, last_announced=last)


def stored_progressions(athletes: Iterable[Athlete], *, today: dt.date) -> dict[int, Progression]:
    """Return ``{athlete.pk: Progression}`` on ``today``, stored where it holds, else evaluated.

    Athletes loaded with ``select_related("stored_progression")`` cost nothing more when
    every row holds; otherwise one query reads the rows, and the athletes whose answer is
    missing or past its day are evaluated and stored (``store``: three queries).
    """
    athletes = list(athletes)
    answers: dict[int, Progression] = {}
    due: list[Athlete] = []
    for athlete, row in zip(athletes, _rows(athletes).values(), strict=True):
        if row is not None and row.holds_on(today, RULES_VERSION):
            answers[athlete.pk] = Progression.from_dict({**row.data, "as_of": today.isoformat()})
        else:
            due.append(athlete)
    return answers | store(due, today=today)


def stored_progression(athlete: Athlete, *, today: dt.date) -> Progression:
    """Return one athlete's answer on ``today``: the stored row (one query) where it holds,
    else evaluated and stored (``stored_progressions``)."""
    return stored_progressions([athlete], today=today)[athlete.pk]


def progression_refresh(
    athlete: Athlete,
    event: str | None = None,
    *,
    also: Sequence[tuple[str, dict[str, Any]]] = (),
    **ids: Any,
) -> Progression:
    """Store the athlete's answer after a write to one of its inputs (inside the write's
    transaction, after its last statement: the trigger removed the old row), and announce
    to the clinic's webhooks the write's ``event`` (with ``ids`` besides the athlete's)
    and ``progression.changed`` if the recommendation or the red flags changed, and the
    events ``also`` (type, data: a review decided with its stage change): one INSERT for
    all, none when the clinic wants none of them.

    ``store`` evaluates the athlete as stored now: the caller's copy may predate a stage
    change made through another copy (a review's decision).
    """
    answers, changed = _store([athlete], today=athlete.clinic.today(), announce=True)
    announcements: list[webhooks.Announcement] = []
    if event is not None:
        announcements.append((athlete.clinic, event, {"athlete": athlete.pk, **ids}))
    announcements += [(athlete.clinic, type, data) for type, data in also]
    if changed:
        announcements.append((athlete.clinic, "progression.changed", {"athlete": athlete.pk}))
    webhooks.emit_all(announcements)
    return answers[athlete.pk]


# Stored answers whose recommendation or red flags were not announced yet.
_UNANNOUNCED = Q(data__isnull=False) & ~Q(answer_key=F("announced_key"))


def announce_changes(*, batch: int = 500) -> int:
    """Announce ``progression.changed`` for each answer stored by a reader or the hourly
    refresh (a red flag that expired with time, a gate session out of its window) whose
    recommendation or red flags differ from the last announced; return how many rows.

    Rows a write holds are skipped (``SKIP LOCKED``): that write announces its own
    change. An athlete's first answer (nothing announced yet) is not a change.
    """
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                StoredProgression.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(_UNANNOUNCED)
                .select_related("athlete__clinic")
                .only("announced_key", "athlete__clinic__webhook_events")
                .order_by()[:batch]
            )
            webhooks.emit_all(
                (row.athlete.clinic, "progression.changed", {"athlete": row.athlete_id})
                for row in rows
                if row.announced_key
            )
            StoredProgression.objects.filter(athlete_id__in=[r.athlete_id for r in rows]).update(
                announced_key=F("answer_key")
            )
        done += len(rows)
        if len(rows) < batch:
            return done


def _clinic_days() -> Iterator[tuple[dt.date, Q]]:
    """Yield each clinic time zone's today with the filter of the athletes it is today for."""
    for zone in Clinic.objects.values_list("time_zone", flat=True).distinct().order_by():
        yield Clinic(time_zone=zone).today(), Q(clinic__time_zone=zone)


def _in_batches(athletes: QuerySet[Athlete], batch: int) -> Iterator[list[Athlete]]:
    """Yield the athletes a batch at a time, by id (a batch stored leaves the query's set)."""
    last = 0
    while chunk := list(athletes.filter(pk__gt=last).order_by("pk")[:batch]):
        last = chunk[-1].pk
        yield chunk


def refresh_due(*, batch: int = 500) -> int:
    """Re-evaluate the active athletes whose stored answer is missing or past its day.

    Each in its clinic's today, probing ``PROBE_DAYS`` ahead; returns how many. The query
    per batch finds only due athletes, so an hour with nothing due costs one query per
    clinic time zone (and one for the time zones).
    """
    done = 0
    for today, of_zone in _clinic_days():
        due = Athlete.objects.filter(of_zone, status="active").filter(
            Q(stored_progression__isnull=True)
            | Q(stored_progression__data__isnull=True)
            | Q(stored_progression__valid_until__lt=today)
            | Q(stored_progression__computed_on__gt=today)
            | ~Q(stored_progression__rules=RULES_VERSION)
        )
        # ``store`` reads each athlete as stored now: only the ids are needed here.
        for chunk in _in_batches(due.only("pk"), batch):
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
    found = Verification()
    for today, of_zone in _clinic_days():
        holding = Athlete.objects.filter(
            of_zone,
            stored_progression__data__isnull=False,
            stored_progression__rules=RULES_VERSION,
            stored_progression__computed_on__lte=today,
            stored_progression__valid_until__gte=today,
        ).select_related("stored_progression")
        for chunk in _in_batches(holding, batch):
            live = progressions_for_athletes(chunk, today=today)
            stored = stored_progressions(chunk, today=today)
            drifted = [a for a in chunk if stored[a.pk] != live[a.pk]]
            found.checked += len(chunk)
            found.drifted += [a.pk for a in drifted]
            if repair and drifted:
                store(drifted, today=today)
                found.repaired += len(drifted)
    return found
