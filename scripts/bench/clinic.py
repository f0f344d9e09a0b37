"""A generated clinic for the benchmark: athletes with weeks of realistic history, fast.

Each athlete climbs the demo's ladder (``athletes.demo.scripts.LEVELS``, one variable at a
time) through the stages up to the one they are in today, training 3-5 times a week
(walks, walk–runs, runs, with some bike and strength between), with everyday pain and
the odd flare-up, a weekly review of every week (a hold, or the decision that moved them)
and morning check-ins on some rest days. Athletes of the early stages had a flare-up:
they climbed to flat running, then the PT moved them back.

The rows are written with ``bulk_create``, not through the services, so a year of a
200-athlete clinic takes seconds. What the services would have derived is derived here
from the same code: each session's one-variable check (``changed_variables`` and
``session_warnings`` of the rules) and each stage change's recommendation and snapshot
(the engine's ``evaluate`` on the history of that day). Every row passes the database's
CHECK constraints. Randomness is a ``random.Random(seed)``: the same seed and ``today``
give the same clinic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from athletes.demo.scripts import LEVELS, Level
from athletes.models import Athlete, PainScore, SessionLog
from athletes.session_checks import session_record
from itbrehab.accounts.models import Clinic, User
from progressions.models import StageChange, StageReview
from progressions.rules import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    SuggestedSession,
    changed_variables,
    evaluate,
    session_warnings,
)
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    Recommendation,
    StageCode,
    default_target_cadence,
)

TIME_ZONE = "Europe/London"
BATCH = 5000
STAGES = [stage.code for stage in DEFAULT_LADDER]
# The ladder's rungs per stage, in order, without the demo's back-off and mistake rungs.
RUNGS = {
    code: [level for name, level in LEVELS.items() if level.stage == code and name != "FR40R"]
    for code in STAGES
}
FIRST_NAMES = ("Ava", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack")
LAST_NAMES = ("Adams", "Brown", "Clark", "Davies", "Evans", "Fox", "Green", "Hall", "Irwin")
ADVANCE_REASON = "Gate reached at the weekly review."
BACK_REASON = "Flare-up after a long run: back to a stage the knee tolerates."


@dataclass
class GeneratedClinic:
    clinic_id: int
    therapist_emails: list[str]
    athlete_ids: list[int]
    sessions: int = 0
    stage_changes: int = 0
    reviews: int = 0
    pain_scores: int = 0


@dataclass
class _History:
    """One athlete's generated rows, before they are stored."""

    athlete: Athlete
    sessions: list[SessionLog] = field(default_factory=list)
    changes: list[StageChange] = field(default_factory=list)
    scores: list[PainScore] = field(default_factory=list)


@contextlib.contextmanager
def recorded_times(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` given to each row.

    History is stored as it was recorded, on its own dates: the engine counts a session
    dated on a stage change's day only when recorded after the change.
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def generate(
    *,
    name: str,
    therapists: int,
    athletes_per_therapist: int,
    weeks: int,
    today: dt.date,
    seed: int,
    password: str,
    now: dt.datetime,
) -> GeneratedClinic:
    """Create a clinic, its therapists (one shared ``password``) and their athletes."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    clinic = Clinic.objects.create(name=name, time_zone=TIME_ZONE)
    hashed = make_password(password)
    slug = name.lower().replace(" ", "-")
    staff = User.objects.bulk_create(
        User(
            email=f"pt{i}@{slug}.example",
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"Therapist{i}",
            clinic=clinic,
            password=hashed,
            is_clinic_admin=i == 0,
        )
        for i in range(therapists)
    )
    histories: list[_History] = []
    with transaction.atomic(), recorded_times(Athlete, SessionLog, StageChange, PainScore):
        for i in range(therapists * athletes_per_therapist):
            therapist = staff[i % therapists]
            histories.append(_athlete_history(i, clinic, therapist, rng, weeks, today, zone, now))
        Athlete.objects.bulk_create([h.athlete for h in histories], batch_size=BATCH)
        for h in histories:
            for row in (*h.sessions, *h.changes, *h.scores):
                row.athlete = h.athlete
        sessions = SessionLog.objects.bulk_create(
            [s for h in histories for s in h.sessions], batch_size=BATCH
        )
        changes = StageChange.objects.bulk_create(
            [c for h in histories for c in h.changes], batch_size=BATCH
        )
        scores = PainScore.objects.bulk_create(
            [s for h in histories for s in h.scores], batch_size=BATCH
        )
        reviews = StageReview.objects.bulk_create(
            [r for h in histories for r in _reviews(h, today, zone, rng)], batch_size=BATCH
        )
    return GeneratedClinic(
        clinic_id=clinic.pk,
        therapist_emails=[t.email for t in staff],
        athlete_ids=[h.athlete.pk for h in histories],
        sessions=len(sessions),
        stage_changes=len(changes),
        reviews=len(reviews),
        pain_scores=len(scores),
    )


def _path(rng: random.Random, weeks: int) -> list[tuple[StageCode, int]]:
    """Return (stage, weeks in it) from the first week to today, oldest first."""
    target = rng.randrange(len(STAGES))
    stages = list(range(target + 1)) if target >= 2 else [0, 1, 2, target]
    current = min(rng.randint(3, 8), weeks)
    earlier = weeks - current
    # Each earlier stage at least two weeks; a short history starts at a later stage.
    while stages[:-1] and earlier < 2 * len(stages[:-1]):
        stages.pop(0)
    spans = [current]
    if stages[:-1]:
        share = earlier / len(stages[:-1])
        cuts = [
            round(share * (i + 1) + rng.uniform(-0.3, 0.3) * share) for i in range(len(stages) - 2)
        ]
        bounds = [0, *cuts, earlier]
        spans = [max(1, b - a) for a, b in itertools.pairwise(bounds)] + spans
    return [(STAGES[s], span) for s, span in zip(stages, spans, strict=True)]


def _athlete_history(
    index: int,
    clinic: Clinic,
    therapist: User,
    rng: random.Random,
    weeks: int,
    today: dt.date,
    zone: zoneinfo.ZoneInfo,
    now: dt.datetime,
) -> _History:
    path = _path(rng, weeks)
    preferred = rng.randint(160, 178)
    first_day = today - dt.timedelta(days=7 * sum(span for _, span in path) - 1)
    created = dt.datetime.combine(first_day, dt.time(8), tzinfo=zone)
    athlete = Athlete(
        clinic=clinic,
        therapist=therapist,
        first_name=f"{rng.choice(FIRST_NAMES)}{index}",
        last_name=rng.choice(LAST_NAMES),
        affected_side=rng.choice(("left", "right", "both")),
        preferred_cadence_spm=preferred,
        target_cadence_spm=default_target_cadence(preferred),
        walk_gate_minutes=rng.choice((30, 30, 30, 35, 40)),
        gate_pain_max=rng.choice((2, 2, 2, 1)),
        stage=path[0][0].value,
        stage_started_on=first_day,
        created_at=created,
        updated_at=created,
    )
    history = _History(athlete)
    settings = AthleteSettings(
        walk_gate_minutes=athlete.walk_gate_minutes,
        gate_pain_max=athlete.gate_pain_max,
        preferred_cadence_spm=preferred,
        target_cadence_spm=athlete.target_cadence_spm,
        first_name=athlete.first_name,
    )
    records: list[SessionRecord] = []
    score_records: list[PainScoreRecord] = []
    previous: SessionRecord | None = None
    day = first_day
    for number, (stage, span) in enumerate(path):
        if number:
            change = _stage_change(
                athlete, stage, day, therapist, zone, settings, records, score_records
            )
            history.changes.append(change)
        rungs, rung, at_rung = RUNGS[stage], 0, 0
        for _week in range(span):
            days = sorted(rng.sample(range(7), rng.randint(3, 5)))
            for offset in range(7):
                date = day + dt.timedelta(days=offset)
                if date > today:
                    break
                when = _recorded(date, rng, zone, now)
                if offset in days:
                    level = rungs[rung]
                    session = _running_session(level, date, today, athlete, rng, when)
                    at_rung += 1
                    if at_rung >= rng.randint(2, 3) and rung < len(rungs) - 1:
                        rung, at_rung = rung + 1, 0
                elif rng.random() < 0.25:
                    session = _cross_training(date, today, rng, when)
                else:
                    if rng.random() < 0.4:
                        score = PainScore(
                            date=date, score=rng.choice((0, 0, 0, 1, 1, 2)), context="morning",
                            created_at=when - dt.timedelta(hours=10),
                        )  # fmt: skip
                        history.scores.append(score)
                        score_records.append(
                            PainScoreRecord(date, score.score, "morning", score.created_at)
                        )
                    continue
                record = dataclasses.replace(
                    session_record(session), id=len(records) + 1, recorded_seq=len(records) + 1
                )
                if session.is_running_type:
                    session.changed_variables = [
                        str(v) for v in changed_variables(previous, record)
                    ]
                    session.warnings = [w.as_dict() for w in session_warnings(previous, record)]
                    previous = record
                records.append(record)
                history.sessions.append(session)
            day += dt.timedelta(days=7)
    return history


def _stage_change(
    athlete: Athlete,
    stage: StageCode,
    day: dt.date,
    therapist: User,
    zone: zoneinfo.ZoneInfo,
    settings: AthleteSettings,
    records: list[SessionRecord],
    score_records: list[PainScoreRecord],
) -> StageChange:
    """Return the PT's change to ``stage`` on ``day``, judged as ``stage_change_create`` does."""
    entry = athlete.stage_entry_session
    progression = evaluate(
        stage=StageCode(athlete.stage),
        stage_since=athlete.stage_started_on,
        stage_changed_at=athlete.stage_changed_at,
        stage_entry=SuggestedSession.from_dict(entry) if entry else None,
        settings=settings,
        sessions=records,
        pain_scores=score_records,
        today=day,
    )
    advancing = STAGES.index(stage) > STAGES.index(StageCode(athlete.stage))
    offered = progression.next_stage_first_session if advancing else None
    if progression.recommendation != Recommendation.ADVANCE:
        offered = None
    at = dt.datetime.combine(day, dt.time(7, 30), tzinfo=zone)
    change = StageChange(
        from_stage=athlete.stage,
        to_stage=stage.value,
        effective_date=day,
        reason=ADVANCE_REASON if advancing else BACK_REASON,
        changed_by=therapist,
        recommendation=progression.recommendation.value,
        recommendation_snapshot=progression.as_dict(),
        next_stage_first_session=None if offered is None else offered.as_dict(),
        created_at=at,
    )
    athlete.stage = stage.value
    athlete.stage_started_on = day
    athlete.stage_changed_at = at
    athlete.stage_entry_session = change.next_stage_first_session
    athlete.updated_at = at
    return change


def _recorded(
    date: dt.date, rng: random.Random, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime:
    """Return when a session of ``date`` was logged: that evening, never after ``now``."""
    at = dt.datetime.combine(date, dt.time(rng.randint(9, 20), rng.randrange(60)), tzinfo=zone)
    return min(at, now - dt.timedelta(minutes=5))


def _pain(rng: random.Random, date: dt.date, today: dt.date) -> dict[str, int | bool | None]:
    """Return everyday pain (mostly 0-1), a flare-up one session in forty."""
    if rng.random() < 0.025:
        during = rng.randint(3, 6)
        return {
            "pain_before": rng.choice((0, 1)),
            "pain_during": during,
            "pain_after": min(10, during + rng.choice((0, 1))),
            "pain_next_morning": None if date == today else rng.randint(2, 4),
            "stopped_early": rng.random() < 0.3,
        }
    during = rng.choice((0, 0, 1, 1, 1, 2))
    return {
        "pain_before": None if rng.random() < 0.3 else rng.choice((0, 0, 0, 1)),
        "pain_during": during,
        "pain_after": min(2, during + rng.choice((0, 0, 1))),
        "pain_next_morning": None if date == today else rng.choice((0, 0, 0, 1)),
        "stopped_early": False,
    }


def _running_session(
    level: Level,
    date: dt.date,
    today: dt.date,
    athlete: Athlete,
    rng: random.Random,
    when: dt.datetime,
) -> SessionLog:
    run_sec, walk_sec, repeats = level.intervals or (None, None, None)
    cadence = None
    if level.activity != Activity.WALK and rng.random() < 0.75:
        cadence = athlete.target_cadence_spm + rng.randint(-2, 2)
    minutes = level.duration_min
    kmh = {Activity.WALK: 5.3, Activity.WALK_RUN: 7.5}.get(level.activity, 10.0)
    return SessionLog(
        date=date,
        activity=level.activity.value,
        terrain=level.terrain.value,
        surface=level.surface.value,
        incline_percent=level.incline_percent,
        duration_min=minutes,
        distance_km=Decimal(str(round(minutes / 60 * kmh * rng.uniform(0.95, 1.05), 2))),
        run_interval_sec=run_sec,
        walk_interval_sec=walk_sec,
        repeats=repeats,
        intensity=level.intensity.value,
        cadence_spm=cadence,
        notes=rng.choice(("", "", "", "Knee quiet throughout.", "Felt tight near the end.")),
        source=rng.choice(("phone", "phone", "phone", "web")),
        created_at=when,
        updated_at=when,
        **_pain(rng, date, today),
    )


def _cross_training(
    date: dt.date, today: dt.date, rng: random.Random, when: dt.datetime
) -> SessionLog:
    strength = rng.random() < 0.4
    return SessionLog(
        date=date,
        activity=Activity.STRENGTH.value if strength else Activity.CROSS_TRAINING.value,
        duration_min=30 if strength else rng.choice((30, 40)),
        intensity="moderate",
        pain_during=rng.choice((0, 0, 1)),
        pain_next_morning=None if date == today else rng.choice((0, 1)),
        notes="Hip strength: clams, side planks." if strength else "Bike, easy spin.",
        source="phone",
        created_at=when,
        updated_at=when,
    )


def _reviews(
    history: _History, today: dt.date, zone: zoneinfo.ZoneInfo, rng: random.Random
) -> list[StageReview]:
    """Return a review for every week since the first: the week's change, else a hold.

    This week's is still open for about half of the athletes, as a PT part-way through.
    """
    athlete = history.athlete
    changes = {
        c.effective_date - dt.timedelta(days=c.effective_date.weekday()): c for c in history.changes
    }
    first = history.sessions[0].date if history.sessions else today
    week, this_week = _monday(first), _monday(today)
    reviews = []
    while week <= this_week:
        review = StageReview(athlete=athlete, week_start=week, due_date=week)
        change = changes.get(week)
        if week < this_week or rng.random() < 0.5:
            review.reviewed_by = athlete.therapist
            review.reviewed_at = dt.datetime.combine(week, dt.time(9), tzinfo=zone)
            review.decision = Recommendation.HOLD.value
            review.note = "Steady: repeat this level."
            if change is not None:
                forward = STAGES.index(StageCode(change.to_stage)) > STAGES.index(
                    StageCode(change.from_stage)
                )
                review.decision = "advance" if forward else "back_off"
                review.note = change.reason
                review.stage_change = change
                review.reviewed_at = change.created_at
        reviews.append(review)
        week += dt.timedelta(days=7)
    return reviews


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
