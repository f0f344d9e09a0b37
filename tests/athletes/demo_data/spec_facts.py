"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from statistics import mean

from athletes.models import Athlete, AthleteStatus, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User
from progressions.rules import protocol as p

TODAY = dt.date(2026, 3, 2)
RUNNING = {a.value for a in p.RUNNING_TYPE_ACTIVITIES}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TWO_VARIABLE_SESSIONS = {"Chris Thornton": [{"surface", "duration"}]}


# --- SPEC §1, computed from the rows ---------------------------------------------------


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _in_order(sessions: Iterable[SessionLog]) -> list[SessionLog]:
    """Oldest first: by date, then by the order the sessions were recorded."""
    return sorted(sessions, key=lambda s: (s.date, s.pk))


def _counts_for_stage(athlete: Athlete, session: SessionLog | PainScore) -> bool:
    """SPEC §1: after the stage change, or on its date and recorded after it."""
    if session.date != athlete.stage_started_on:
        return session.date > athlete.stage_started_on
    return athlete.stage_changed_at is None or session.created_at > athlete.stage_changed_at


def _tolerated(session: SessionLog, pain_max: int) -> bool:
    pains = (session.pain_during, session.pain_after, session.pain_next_morning)
    return not session.stopped_early and all(v is not None and v <= pain_max for v in pains)


def _gate_met(athlete: Athlete, sessions: list[SessionLog], today: dt.date) -> bool:
    gate = p.stage_definition(athlete.stage).gate
    if gate is None:
        return False
    minutes = athlete.walk_gate_minutes if gate.uses_walk_gate_minutes else gate.min_minutes
    matching = [
        s
        for s in sessions
        if today - _days(p.GATE_WINDOW_DAYS - 1) <= s.date <= today
        and _counts_for_stage(athlete, s)
        and s.activity in gate.activities
        and (gate.terrain is None or s.terrain == gate.terrain)
        and (gate.intensity is None or s.intensity == gate.intensity)
        and s.duration_min >= minutes
    ]
    latest_per_day = {s.date: s for s in _in_order(matching)}  # one next morning a day
    last_two = list(latest_per_day.values())[-p.GATE_SESSIONS_REQUIRED :]
    if len(last_two) < p.GATE_SESSIONS_REQUIRED:
        return False
    since = last_two[0].date
    blocked = any(
        s.is_running_type
        and since <= s.date <= today
        and _counts_for_stage(athlete, s)
        and (
            s.stopped_early
            or any(
                v is not None and v > athlete.gate_pain_max
                for v in (s.pain_before, s.pain_during, s.pain_after, s.pain_next_morning)
            )
        )
        for s in sessions
    )
    return not blocked and all(_tolerated(s, athlete.gate_pain_max) for s in last_two)


def _rest_scores(
    sessions: list[SessionLog], scores: list[PainScore], first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """The knee at rest: check-ins and next-morning pains (on the session's date)."""
    return [
        (s.date, s.pain_next_morning)
        for s in sessions
        if first <= s.date <= last and s.pain_next_morning is not None
    ] + [(c.date, c.score) for c in scores if first <= c.date <= last]


def _red_flags(
    athlete: Athlete, sessions: list[SessionLog], scores: list[PainScore], today: dt.date
) -> set[str]:
    window_start = today - _days(p.RED_FLAG_WINDOW_DAYS - 1)
    recent = [
        s for s in sessions if window_start <= s.date <= today and _counts_for_stage(athlete, s)
    ]
    mornings = {c.date: c.score for c in scores if c.context == "morning"}
    flags = set()
    if any(
        v is not None and v > p.PAIN_CEILING for s in recent for v in (s.pain_during, s.pain_after)
    ):
        flags.add("pain_above_ceiling")
    if any(
        s.pain_next_morning is not None
        and s.pain_next_morning
        > max(
            s.pain_before if s.pain_before is not None else mornings.get(s.date, 0),
            2,
            athlete.gate_pain_max,
        )
        for s in recent
    ):
        flags.add("pain_not_settled")
    if any(s.pain_before is not None and s.pain_before > 5 for s in recent) or any(
        window_start <= c.date <= today and _counts_for_stage(athlete, c) and c.score > 5
        for c in scores
    ):
        flags.add("rest_pain_high")
    if any(s.stopped_early for s in recent):
        flags.add("stopped_early")
    this_week = _rest_scores(sessions, scores, today - _days(6), today)
    week_before = _rest_scores(sessions, scores, today - _days(13), today - _days(7))
    if (
        len({d for d, _ in this_week}) >= 2
        and len({d for d, _ in week_before}) >= 2
        and mean(v for _, v in this_week) - mean(v for _, v in week_before) >= p.PAIN_TREND_RISE
        and mean(v for _, v in this_week) > athlete.gate_pain_max
    ):
        flags.add("pain_rising_week_to_week")
    return flags


def _recommendation(
    athlete: Athlete, sessions: list[SessionLog], scores: list[PainScore], today: dt.date
) -> tuple[str, set[str]]:
    flags = _red_flags(athlete, sessions, scores, today)
    if flags:
        return p.Recommendation.BACK_OFF.value, flags
    if _gate_met(athlete, sessions, today):
        return p.Recommendation.ADVANCE.value, flags
    return p.Recommendation.HOLD.value, flags


def _changed_variables(previous: SessionLog, session: SessionLog) -> set[str]:
    changed = {
        name
        for name in ("activity", "terrain", "surface", "intensity")
        if getattr(previous, name) != getattr(session, name)
    }
    inclines = (previous.incline_percent, session.incline_percent)
    if None not in inclines and abs(inclines[1] - inclines[0]) > 1:
        changed.add("incline")
    if abs(session.duration_min - previous.duration_min) > 0.10 * previous.duration_min:
        changed.add("duration")
    if previous.activity == session.activity == p.Activity.WALK_RUN:
        intervals = ("run_interval_sec", "walk_interval_sec", "repeats")
        if any(getattr(previous, f) != getattr(session, f) for f in intervals):
            changed.add("intervals")
    cadences = (previous.cadence_spm, session.cadence_spm)
    if None not in cadences and abs(cadences[1] - cadences[0]) > 0.03 * cadences[0]:
        changed.add("cadence")
    return changed


def _running_pairs(sessions: list[SessionLog]) -> list[tuple[SessionLog, SessionLog]]:
    running = _in_order(s for s in sessions if s.activity in RUNNING)
    return list(itertools.pairwise(running))


def _by_athlete(clinic: Clinic) -> dict[Athlete, tuple[list[SessionLog], list[PainScore]]]:
    sessions: dict[int, list[SessionLog]] = defaultdict(list)
    scores: dict[int, list[PainScore]] = defaultdict(list)
    for session in SessionLog.objects.filter(athlete__clinic=clinic):
        sessions[session.athlete_id].append(session)
    for score in PainScore.objects.filter(athlete__clinic=clinic):
        scores[score.athlete_id].append(score)
    return {a: (sessions[a.pk], scores[a.pk]) for a in Athlete.objects.filter(clinic=clinic)}


def _situations(clinic: Clinic, today: dt.date) -> dict[str, tuple[str, set[str]]]:
    """Return each active athlete's recommendation and red flags, by full name."""
    return {
        athlete.full_name: _recommendation(athlete, sessions, scores, today)
        for athlete, (sessions, scores) in _by_athlete(clinic).items()
        if athlete.status == AthleteStatus.ACTIVE
    }


def _counts() -> dict[str, int]:
    models = (Clinic, User, Athlete, SessionLog, PainScore)
    return {model.__name__: model.objects.count() for model in models}
