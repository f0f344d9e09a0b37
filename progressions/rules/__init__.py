"""The clinical rules engine: pure Python, no Django (STYLE: "The rules are pure Python").

Frozen dataclasses in (settings, sessions, pain scores, stage, today), a ``Progression``
out. Services turn rows into ``SessionRecord``/``PainScoreRecord``/``AthleteSettings``,
call ``evaluate`` (or, per session on save, ``changed_variables(previous_running_session(
sessions, current), current)`` and ``session_warnings``), and store
``Progression.as_dict()`` where a snapshot is needed.

Decisions where SPEC §1 is silent:
- A missing ``pain_during`` or ``pain_after`` is "not known", so the session is not
  tolerated (like a missing next-morning pain); a missing score never raises a red flag.
- Sessions and pain scores dated after ``today`` are ignored everywhere.
- Gate evidence is the (up to) two deciding sessions; every id and date list is newest
  first. The checklist has a second criterion, ``no_red_flags``.
- Ceiling, not-settled and stopped-early flags apply to every activity, not only
  running-type sessions; one ``RedFlag`` per code lists all the sessions behind it.
- Terrain, surface and intensity compare as values: a blank differs from a given value.
- Cadence status uses walk–run and run sessions only (a walking step rate is not a
  running one), from any date up to today.
- The suggestion follows SPEC §1's rules 1–7 over what counts for the stage; the
  clinical judgements beyond the SPEC's words are listed in ``suggestion``.
"""

from progressions.rules.cadence import cadence_status, default_target_cadence, target_cadence
from progressions.rules.engine import evaluate, recommend
from progressions.rules.gates import (
    describe_gate,
    evaluate_gate,
    gate_met,
    gate_min_minutes,
    is_tolerated,
    qualifying_sessions,
)
from progressions.rules.moves import entry_session, fits_shape, session_level
from progressions.rules.protocol import next_stage_in, stage_in
from progressions.rules.records import (
    AthleteSettings,
    PainScoreRecord,
    SessionRecord,
    previous_running_session,
    sort_sessions,
)
from progressions.rules.red_flags import detect_red_flags, weekly_pain
from progressions.rules.results import (
    CadenceStatus,
    Criterion,
    Progression,
    RedFlag,
    SessionWarning,
    StageInfo,
    SuggestedSession,
)
from progressions.rules.suggestion import suggest_next_session
from progressions.rules.variables import changed_variables, session_warnings, warnings_of

__all__ = [
    "AthleteSettings",
    "CadenceStatus",
    "Criterion",
    "PainScoreRecord",
    "Progression",
    "RedFlag",
    "SessionRecord",
    "SessionWarning",
    "StageInfo",
    "SuggestedSession",
    "cadence_status",
    "changed_variables",
    "default_target_cadence",
    "describe_gate",
    "detect_red_flags",
    "entry_session",
    "evaluate",
    "evaluate_gate",
    "fits_shape",
    "gate_met",
    "gate_min_minutes",
    "is_tolerated",
    "next_stage_in",
    "previous_running_session",
    "qualifying_sessions",
    "recommend",
    "session_level",
    "session_warnings",
    "sort_sessions",
    "stage_in",
    "suggest_next_session",
    "target_cadence",
    "warnings_of",
    "weekly_pain",
]
