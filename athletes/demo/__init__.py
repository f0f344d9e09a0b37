"""The demo clinic: a PT's caseload that makes the product look real (``manage.py load_demo``).

Each athlete is a short clinical story written as data (``SCRIPTS``): the levels of the
ladder they walked through (``LEVELS``, each one variable away from the one before), how
often they train, and the moments that give the dashboard something to show (a red flag,
a session that changed two variables). Small functions turn a script into sessions and
pain check-ins dated relative to ``today`` and store them through the services, so every
row passes the same validation as a PT's or a phone's input. Randomness is a
``random.Random`` seeded with the athlete's name: the same ``today`` gives the same clinic.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.demo.follow_up import load_follow_up
from athletes.demo.scripts import (
    CALM_NOTES,
    COLLEAGUE_EMAIL,
    COLLEAGUE_FIRST_NAME,
    COLLEAGUE_LAST_NAME,
    CROSS_TRAINING,
    DEMO_CLINIC_NAME,
    DEMO_EMAIL,
    DEMO_FIRST_NAME,
    DEMO_LAST_NAME,
    DEMO_PASSWORD,
    DEMO_TIME_ZONE,
    DEMO_TODAY_IN_FUTURE,
    DEMO_URL,
    EASY,
    FAST_NOTES,
    HARD,
    LEVELS,
    MODERATE,
    NIGGLE_NOTES,
    ROLLING,
    SCRIPTS,
    STRENGTH_NOTE,
    TRAIL,
    UP,
    WR,
    Level,
    Moment,
    Pain,
    Script,
    W,
)
from athletes.models import Athlete, AthleteStatus, PainContext, PainSource, SessionSource
from athletes.services import (
    athlete_create,
    athlete_update,
    pain_score_create,
    session_log_create,
)
from itbrehab.accounts.models import Clinic, User
from itbrehab.accounts.services import clinic_get_or_create, therapist_create_or_update
from progressions.rules.protocol import FIRST_STAGE, Activity, Recommendation
from progressions.selectors import progressions_for_athletes
from progressions.services import stage_change_create, stage_review_decide


@dataclass(frozen=True, slots=True)
class DemoResult:
    clinic: Clinic
    created: bool  # False: the demo clinic was already there and nothing changed
    athlete_count: int


def demo_clinic_today() -> dt.date:
    """Return today's date in the demo clinic's time zone."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(DEMO_TIME_ZONE))


def load_demo(*, today: dt.date | None = None) -> DemoResult:
    """Load the demo clinic, its two PTs and their athletes, dated relative to ``today``.

    ``today`` defaults to the clinic's today and may not be after it. Idempotent: when a
    clinic of that name exists, nothing is written and ``created`` is False. The whole
    load is one transaction; a concurrent loader that loses the race reports the same.
    """
    today = today or demo_clinic_today()
    if today > demo_clinic_today():
        raise ValueError(DEMO_TODAY_IN_FUTURE)
    try:
        with transaction.atomic():
            existing = Clinic.objects.filter(name__iexact=DEMO_CLINIC_NAME).first()
            if existing is not None:
                return DemoResult(existing, False, existing.athletes.count())
            clinic = _load(today)
    except IntegrityError:
        existing = Clinic.objects.filter(name__iexact=DEMO_CLINIC_NAME).first()
        if existing is None:
            raise
        return DemoResult(existing, False, existing.athletes.count())
    return DemoResult(clinic, True, clinic.athletes.count())


def _load(today: dt.date) -> Clinic:
    clinic, _ = clinic_get_or_create(name=DEMO_CLINIC_NAME, time_zone=DEMO_TIME_ZONE)
    # The demo login is the clinic's admin (the Team page); the colleague is a plain PT.
    lead, colleague = (
        therapist_create_or_update(
            clinic=clinic,
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            make_admin=admin,
        )[0]
        for email, first, last, admin in (
            (DEMO_EMAIL, DEMO_FIRST_NAME, DEMO_LAST_NAME, True),
            (COLLEAGUE_EMAIL, COLLEAGUE_FIRST_NAME, COLLEAGUE_LAST_NAME, False),
        )
    )
    athletes = [
        _load_athlete(script, therapist=colleague if script.colleague else lead, today=today)
        for script in SCRIPTS
    ]
    if today == clinic.today():
        _review_this_week(athletes, lead)
    load_follow_up(athletes, today=today, therapist=lead)
    return clinic


HOLD_NOTE = "Steady: repeat this level twice more before changing anything."


def _review_this_week(athletes: list[Athlete], therapist: User) -> None:
    """Record this week's "hold" for the athletes on hold, as a PT part-way through reviews.

    The ones to back off or advance stay open, so the dashboard shows them as due.
    """
    athletes = [a for a in athletes if a.status == AthleteStatus.ACTIVE]
    progressions = progressions_for_athletes(athletes, today=therapist.clinic.today())
    for athlete in athletes:
        if progressions[athlete.pk].recommendation == Recommendation.HOLD:
            stage_review_decide(
                athlete=athlete, decision="hold", reviewed_by=therapist, note=HOLD_NOTE
            )


def _load_athlete(script: Script, *, therapist: User, today: dt.date) -> Athlete:
    rng = random.Random(script.name)
    levels = [LEVELS[code] for code, count in script.plan for _ in range(count)]
    run_days = _running_days_ago(script, len(levels))
    first_day = run_days[0] + script.lead_in_days
    intake = today - dt.timedelta(days=first_day)
    athlete = athlete_create(
        therapist=therapist,
        first_name=script.first_name,
        last_name=script.last_name,
        affected_side=script.side,
        stage_started_on=intake,
        email=f"{script.first_name}.{script.last_name}@example.com".lower(),
        phone=f"+44 7700 900{rng.randrange(1000):03d}",  # Ofcom's range for drama
        preferred_cadence_spm=script.preferred_cadence,
        walk_gate_minutes=script.walk_gate_minutes,
        gate_pain_max=script.gate_pain_max,
        distance_unit=script.distance_unit,
        planned_sessions_per_week=script.planned_sessions_per_week,
        stage=FIRST_STAGE.value,
    )
    moments = {len(levels) + m.session: m for m in script.moments}
    restart = None if script.restart_at is None else len(levels) + script.restart_at
    easy_kmh = rng.uniform(9.3, 11.2)
    sessions: list[tuple[int, Level | None, dict[str, Any]]] = []
    for index, (level, days_ago) in enumerate(zip(levels, run_days, strict=True)):
        fields = _running_session(level, rng, script, athlete.target_cadence_spm, days_ago)
        fields = _apply(moments.get(index), fields, days_ago)
        fields["distance_km"] = _distance_km(fields, easy_kmh, rng)
        sessions.append((days_ago, level, fields))
    for days_ago in _cross_training_days(script, run_days, rng):
        sessions.append((days_ago, None, _cross_training(rng, script, days_ago)))
    # Recorded in date order, as a real log would be, and each stage change just before
    # the first session it starts with: only what is recorded after a change counts for
    # the stage (SPEC §1), as when a PT moves an athlete on in the morning.
    stage, running = FIRST_STAGE, 0
    for days_ago, level, fields in sorted(sessions, key=lambda s: -s[0]):
        day = today - dt.timedelta(days=days_ago)
        if level is not None:
            if level.stage != stage or running == restart:
                _record_stage_change(athlete, level, running == restart, script, therapist, day)
                stage = level.stage
            running += 1
        session_log_create(athlete=athlete, date=day, **fields)
    # A morning after a session already has its answer: the next-morning pain.
    mornings = {d - 1: f["pain_next_morning"] for d, _level, f in sessions if d > 0}
    rest_days = set(range(first_day + 1)) - {d for d, _level, _fields in sessions}
    for days_ago, score, context in _check_ins(script, rest_days, mornings, rng):
        date = today - dt.timedelta(days=days_ago)
        # Check-ins come from the athlete's phone (SPEC §11: RTM data days).
        pain_score_create(
            athlete=athlete, date=date, score=score, context=context, source=PainSource.PHONE
        )
    athlete.refresh_from_db()
    if athlete.stage != script.stage:
        raise ValueError(f"{script.name}'s levels end in {athlete.stage}, not {script.stage}.")
    if script.discharged:
        athlete_update(athlete=athlete, status=AthleteStatus.DISCHARGED)
    return athlete


def _record_stage_change(
    athlete: Athlete,
    level: Level,
    restart: bool,
    script: Script,
    therapist: User,
    day: dt.date,
) -> None:
    """Record the PT's past advance (or restart) on ``day``, through the service.

    It is judged as of that day, so the history shows the recommendation the PT had in
    front of them then, and an advance keeps the first session the app offered.
    """
    stage_change_create(
        athlete=athlete,
        to_stage=level.stage.value,
        changed_by=therapist,
        reason=script.restart_reason if restart else ADVANCE_REASON,
        effective_date=day,
        as_of=day,
    )


ADVANCE_REASON = "Gate reached at the clinic review; progressing one variable at a time."


def _check_ins(
    script: Script, rest_days: set[int], mornings: dict[int, int | None], rng: random.Random
) -> list[tuple[int, int, str]]:
    """Return (days ago, score, context) of check-ins on some rest days, mostly mornings.

    A morning check-in the day after a session repeats that session's next-morning pain,
    so the two never disagree.
    """
    check_ins = []
    for days_ago in sorted(rest_days, reverse=True):
        if rng.random() < 0.4:
            context = PainContext.MORNING if rng.random() < 0.85 else PainContext.REST
            score = _ached(rng.choice((0, 0, 0, 1, 1)), script, days_ago)
            if context == PainContext.MORNING and mornings.get(days_ago) is not None:
                score = mornings[days_ago]
            check_ins.append((days_ago, score, context))
    return check_ins


def _running_days_ago(script: Script, count: int) -> list[int]:
    """Return how many days ago each running-type session was, oldest first."""
    days = [script.last_session_days_ago]
    for i in range(count - 1):
        days.append(days[-1] + script.rhythm[i % len(script.rhythm)])
    return days[::-1]


def _cross_training_days(script: Script, run_days: list[int], rng: random.Random) -> list[int]:
    """Return the days of bike, swim and strength: the lead-in, then some rest days."""
    lead_in = list(range(run_days[0] + script.lead_in_days, run_days[0], -2))
    between = [
        d
        for d in range(run_days[0] - 1, run_days[-1], -1)
        if d not in run_days and rng.random() < 0.3
    ]
    return lead_in + between


def _running_session(
    level: Level, rng: random.Random, script: Script, target_cadence: int, days_ago: int
) -> dict[str, Any]:
    """Return one running-type session at ``level`` with everyday pain, cadence and notes."""
    run_sec, walk_sec, repeats = level.intervals or (None, None, None)
    before, during, after, morning = _pains(rng, script, days_ago)
    cadence = None
    if level.activity != W and rng.random() < 0.75:
        # The metronome keeps them near target: ±2 spm stays inside SPEC's 3% tolerance.
        cadence = target_cadence + rng.randint(-2, 2)
    notes = ""
    if rng.random() < 0.3:
        calm = CALM_NOTES[level.activity] if level.intensity == EASY else FAST_NOTES
        notes = rng.choice(NIGGLE_NOTES if during >= 2 else calm)
    return {
        "activity": level.activity.value,
        "terrain": level.terrain.value,
        "surface": level.surface.value,
        "incline_percent": level.incline_percent,
        "duration_min": level.duration_min,
        "intensity": level.intensity.value,
        "run_interval_sec": run_sec,
        "walk_interval_sec": walk_sec,
        "repeats": repeats,
        "cadence_spm": cadence,
        "pain_before": before,
        "pain_during": during,
        "pain_after": after,
        "pain_next_morning": None if days_ago == 0 else morning,
        "notes": notes,
        "source": _source(rng),
    }


def _apply(moment: Moment | None, fields: dict[str, Any], days_ago: int) -> dict[str, Any]:
    """Return ``fields`` with the scripted moment's facts in place of the generated ones."""
    if moment is None:
        return fields
    fields = dict(fields)
    if moment.pain is not None:
        before, during, after, morning = moment.pain
        fields.update(pain_before=before, pain_during=during, pain_after=after)
        fields["pain_next_morning"] = None if days_ago == 0 else morning
    if moment.duration_min is not None:
        fields["duration_min"] = moment.duration_min
    fields["stopped_early"] = moment.stopped_early
    fields["notes"] = moment.note or fields["notes"]
    return fields


def _pains(rng: random.Random, script: Script, days_ago: int) -> Pain:
    """Return everyday pain: mostly 0–1, never above the athlete's tolerated maximum.

    In an aching week (``ache_last_week``) every score rises: a dull ache felt before each
    session and still there the next morning (the trend is the knee at rest), yet the next
    morning stays at or below ``max(pain before, gate maximum)`` and the pain before at or
    below 5, so the only red flag is the trend.
    """
    cap = script.gate_pain_max
    before = None if rng.random() < 0.3 else min(rng.choice((0, 0, 0, 1)), cap)
    during = min(rng.choice((0, 0, 1, 1, 1, 2)), cap)
    after = min(during + rng.choice((0, 0, 1)), cap)
    morning = min(rng.choice((0, 0, 0, 1)), cap)
    if days_ago < 7 and script.ache_last_week:
        before = _ached(0 if before is None else before, script, days_ago)
        during, after = _ached(during, script, days_ago), _ached(after, script, days_ago)
        morning = min(_ached(morning, script, days_ago), max(before, cap))
    return before, during, after, morning


def _ached(score: int, script: Script, days_ago: int) -> int:
    """Return ``score`` raised by the athlete's ache in the last 7 days, kept under the
    ceiling of 5 so that an aching week shows as a trend, not as one bad session."""
    return min(score + script.ache_last_week, 4) if days_ago < 7 else score


def _cross_training(rng: random.Random, script: Script, days_ago: int) -> dict[str, Any]:
    during = _ached(min(rng.choice((0, 0, 1)), script.gate_pain_max), script, days_ago)
    morning = min(rng.choice((0, 1)), script.gate_pain_max)
    fields: dict[str, Any] = {
        "intensity": MODERATE.value,
        "pain_during": during,
        "pain_next_morning": None if days_ago == 0 else morning,
        "source": _source(rng),
    }
    if rng.random() < 0.4:
        return {**fields, "activity": Activity.STRENGTH.value, "duration_min": 30,
                "notes": STRENGTH_NOTE}  # fmt: skip
    note, minutes = rng.choice(CROSS_TRAINING)
    return {**fields, "activity": Activity.CROSS_TRAINING.value, "duration_min": minutes,
            "notes": note}  # fmt: skip


def _distance_km(fields: dict[str, Any], easy_kmh: float, rng: random.Random) -> Decimal:
    """Return a plausible distance for the session's pace (uphill walking ~5.3 km/h), ±3%."""
    hours = fields["duration_min"] / 60
    walk_kmh = 5.3
    if fields["activity"] == W:
        km = hours * walk_kmh
    elif fields["activity"] == WR:
        run_hours = fields["run_interval_sec"] * fields["repeats"] / 3600
        jog_kmh = easy_kmh * (0.8 if fields["terrain"] == UP else 0.95)
        km = run_hours * jog_kmh + (hours - run_hours) * walk_kmh
    else:
        terrain = {ROLLING.value: 0.93}.get(fields["terrain"], 1.0)
        surface = {TRAIL.value: 0.92}.get(fields["surface"], 1.0)
        effort = {MODERATE.value: 1.08, HARD.value: 1.12}.get(fields["intensity"], 1.0)
        km = hours * easy_kmh * terrain * surface * effort
    return Decimal(str(round(km * rng.uniform(0.97, 1.03), 2)))


def _source(rng: random.Random) -> str:
    return SessionSource.PHONE if rng.random() < 0.8 else SessionSource.WEB


__all__ = [
    "COLLEAGUE_EMAIL",
    "DEMO_CLINIC_NAME",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_TIME_ZONE",
    "DEMO_URL",
    "LEVELS",
    "SCRIPTS",
    "DemoResult",
    "demo_clinic_today",
    "load_demo",
]
