"""Tolerated sessions and stage gates (SPEC §1, "A session is tolerated", "A gate is met")."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from progressions.rules.protocol import (
    DURATION_MIN_MINUTES,
    GATE_SESSIONS_REQUIRED,
    GATE_WINDOW_DAYS,
    Activity,
    CriterionCode,
    Gate,
    Terrain,
)
from progressions.rules.records import (
    AthleteSettings,
    SessionRecord,
    StageStart,
    counting_sessions,
)
from progressions.rules.results import Criterion

# Plural nouns for the gate sentence; "runs" always means continuous runs (not walk–run).
_ACTIVITY_PLURALS: dict[Activity, str] = {
    Activity.WALK: "walks",
    Activity.WALK_RUN: "walk–runs",
    Activity.RUN: "runs",
    Activity.CROSS_TRAINING: "cross-training sessions",
    Activity.STRENGTH: "strength sessions",
}
_TERRAIN_ADJECTIVES: dict[Terrain, str] = {
    Terrain.FLAT: "flat",
    Terrain.UPHILL: "uphill",
    Terrain.ROLLING: "rolling-hill",
    Terrain.DOWNHILL: "downhill",
}


def is_tolerated(session: SessionRecord, gate_pain_max: int) -> bool:
    """Return whether pain during, after and next morning were each ≤ ``gate_pain_max``.

    A session stopped early is never tolerated. A missing pain score (next morning not
    answered yet, or during/after left blank) means "not known", so it is not tolerated.
    """
    if session.stopped_early:
        return False
    scores = (session.pain_during, session.pain_after, session.pain_next_morning)
    return all(score is not None and score <= gate_pain_max for score in scores)


def gate_min_minutes(gate: Gate, settings: AthleteSettings) -> int:
    """Return the gate's minimum duration: the athlete's walk-gate minutes where it says so.

    A gate that names no minimum accepts any logged duration.
    """
    if gate.uses_walk_gate_minutes:
        return settings.walk_gate_minutes
    if gate.min_minutes is None:
        return DURATION_MIN_MINUTES
    return gate.min_minutes


def matches_gate_kind(session: SessionRecord, gate: Gate) -> bool:
    """Return whether the session has the activity, terrain and intensity the gate names.

    Only the attributes the gate names are checked (None in the gate: any value).
    """
    return (
        session.activity in gate.activities
        and (gate.terrain is None or session.terrain == gate.terrain)
        and (gate.intensity is None or session.intensity == gate.intensity)
    )


def gate_window_start(today: datetime.date, stage_since: datetime.date) -> datetime.date:
    """Return the first day that counts: 13 days before today, or the stage change if later."""
    return max(today - datetime.timedelta(days=GATE_WINDOW_DAYS - 1), stage_since)


def counting_in_window(
    sessions: Sequence[SessionRecord], *, start: StageStart, today: datetime.date
) -> list[SessionRecord]:
    """Return the sessions that count for the stage in the last 14 days, oldest first."""
    return counting_sessions(
        sessions, start=start, first=gate_window_start(today, start.date), last=today
    )


def qualifying_sessions(
    gate: Gate,
    *,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
    stage_since: datetime.date | StageStart,
    today: datetime.date,
) -> list[SessionRecord]:
    """Return the sessions that count toward the gate, oldest first.

    They are dated in the last 14 days (today and the 13 days before), count for the stage
    (``StageStart.counts``), match the gate's kind and reach its minimum duration. Shorter
    ones are left out: they neither help nor hurt.
    """
    minimum = gate_min_minutes(gate, settings)
    window = counting_in_window(sessions, start=StageStart.of(stage_since), today=today)
    return [s for s in window if matches_gate_kind(s, gate) and s.duration_min >= minimum]


def _latest_per_day(sessions: Sequence[SessionRecord]) -> list[SessionRecord]:
    """Return the last-recorded session of each day, oldest day first (input: oldest first)."""
    latest: dict[datetime.date, SessionRecord] = {}
    for session in sessions:
        latest[session.date] = session  # oldest first: a later one of the day replaces it
    return list(latest.values())


def _blocking_sessions(
    sessions: Sequence[SessionRecord],
    *,
    since: datetime.date,
    start: StageStart,
    today: datetime.date,
    gate_pain_max: int,
) -> list[SessionRecord]:
    """Return the counting running-type sessions from ``since`` that hurt or were stopped.

    "Hurt": any known pain score (before, during, after, next morning) above the gate
    maximum. SPEC §1 says "a known pain score"; the pain before counts too, the safer
    reading: a knee sore before a run is no sign the level is tolerated.
    """
    window = counting_sessions(sessions, start=start, first=since, last=today)
    return [
        s
        for s in window
        if s.is_running_type
        and (
            s.stopped_early
            or any(
                score is not None and score > gate_pain_max
                for score in (s.pain_before, s.pain_during, s.pain_after, s.pain_next_morning)
            )
        )
    ]


def describe_gate(gate: Gate, settings: AthleteSettings) -> str:
    """Return the gate as a sentence with its numbers, e.g. for the PT's checklist."""
    kinds = " or ".join(
        _ACTIVITY_PLURALS[activity] for activity in Activity if activity in gate.activities
    )
    words = [str(GATE_SESSIONS_REQUIRED), "most recent"]
    if gate.intensity is not None:
        words.append(gate.intensity.label.lower())
    if gate.terrain is not None:
        words.append(_TERRAIN_ADJECTIVES[gate.terrain])
    words.append(kinds)
    return (
        f"{' '.join(words)} of ≥ {gate_min_minutes(gate, settings)} min in the last "
        f"{GATE_WINDOW_DAYS} days (since the last stage change) tolerated: pain ≤ "
        f"{settings.gate_pain_max} during, after and next morning, not stopped early, "
        f"on different days, and no painful or stopped session since"
    )


def evaluate_gate(
    gate: Gate,
    *,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
    stage_since: datetime.date | StageStart,
    today: datetime.date,
) -> Criterion:
    """Return the gate criterion (SPEC §1, "A gate is met").

    Met when the two most recent qualifying sessions, on different days, are both
    tolerated, and no counting running-type session dated on or after the older of them
    has a known pain above the gate maximum or was stopped early. Two sessions on one day
    share one next morning, so only the later of them is one of the two. A short painful
    session cannot help the gate, but it does block it.

    ``evidence`` lists the (up to two) deciding sessions, newest first; fewer than two
    days with a qualifying session means not met.
    """
    qualifying = qualifying_sessions(
        gate, sessions=sessions, settings=settings, stage_since=stage_since, today=today
    )
    deciding = _latest_per_day(qualifying)[-GATE_SESSIONS_REQUIRED:]
    met = (
        len(deciding) == GATE_SESSIONS_REQUIRED
        and all(is_tolerated(session, settings.gate_pain_max) for session in deciding)
        and not _blocking_sessions(
            sessions,
            since=deciding[0].date,
            start=StageStart.of(stage_since),
            today=today,
            gate_pain_max=settings.gate_pain_max,
        )
    )
    return Criterion(
        code=CriterionCode.GATE,
        description=describe_gate(gate, settings),
        met=met,
        evidence=tuple(session.id for session in reversed(deciding)),
    )


def gate_met(
    gate: Gate,
    *,
    sessions: Sequence[SessionRecord],
    settings: AthleteSettings,
    stage_since: datetime.date | StageStart,
    today: datetime.date,
) -> bool:
    """Return whether the gate is met today (see ``evaluate_gate``)."""
    return evaluate_gate(
        gate, sessions=sessions, settings=settings, stage_since=stage_since, today=today
    ).met
