"""One variable at a time: which variables changed between two running-type sessions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from progressions.rules.protocol import (
    CADENCE_CHANGE_FRACTION,
    DURATION_CHANGE_FRACTION,
    INCLINE_CHANGE_POINTS,
    MULTIPLE_VARIABLES_MIN,
    RUNNING_TYPE_ACTIVITIES,
    Activity,
    SessionVariable,
    WarningCode,
)
from progressions.rules.records import SessionRecord, SessionShape, running_predecessors
from progressions.rules.results import SessionWarning


def _as_decimal(value: Decimal | int | float) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the comparison.
    return Decimal(str(value))


def _differs_by_more_than_fraction(previous: int, current: int, fraction: Decimal) -> bool:
    return abs(Decimal(current) - Decimal(previous)) > fraction * Decimal(previous)


def changed_variables(
    previous: SessionShape | None, current: SessionShape
) -> tuple[SessionVariable, ...]:
    """Return the variables that changed from ``previous`` to ``current``, in SPEC order.

    Returns () when there is no previous session or either one is not running-type.
    Tolerances (SPEC §1): incline > 1 percentage point, compared only when both have one
    and both are on the same terrain; duration > 10% of the previous one; intervals
    (run/walk seconds or repeats) only when both are walk–run; cadence > 3% of the previous
    one, only when both have one and both are the same activity. Terrain, surface and
    intensity compare as values, so a blank differs from a given value.
    """
    if previous is None:
        return ()
    if not (
        previous.activity in RUNNING_TYPE_ACTIVITIES and current.activity in RUNNING_TYPE_ACTIVITIES
    ):
        return ()
    changed: list[SessionVariable] = []
    if current.activity != previous.activity:
        changed.append(SessionVariable.ACTIVITY)
    if current.terrain != previous.terrain:
        changed.append(SessionVariable.TERRAIN)
    if current.surface != previous.surface:
        changed.append(SessionVariable.SURFACE)
    if (
        current.incline_percent is not None
        and previous.incline_percent is not None
        and current.terrain == previous.terrain
        and abs(_as_decimal(current.incline_percent) - _as_decimal(previous.incline_percent))
        > INCLINE_CHANGE_POINTS
    ):
        changed.append(SessionVariable.INCLINE)
    if _differs_by_more_than_fraction(
        previous.duration_min, current.duration_min, DURATION_CHANGE_FRACTION
    ):
        changed.append(SessionVariable.DURATION)
    if current.intensity != previous.intensity:
        changed.append(SessionVariable.INTENSITY)
    if (
        current.activity == Activity.WALK_RUN
        and previous.activity == Activity.WALK_RUN
        and (current.run_interval_sec, current.walk_interval_sec, current.repeats)
        != (previous.run_interval_sec, previous.walk_interval_sec, previous.repeats)
    ):
        changed.append(SessionVariable.INTERVALS)
    if (
        current.cadence_spm is not None
        and previous.cadence_spm is not None
        and current.activity == previous.activity
        and _differs_by_more_than_fraction(
            previous.cadence_spm, current.cadence_spm, CADENCE_CHANGE_FRACTION
        )
    ):
        changed.append(SessionVariable.CADENCE)
    return tuple(changed)


def session_warnings(
    previous: SessionRecord | None, current: SessionRecord
) -> tuple[SessionWarning, ...]:
    """Return ``(multiple_variables_changed,)`` when two or more variables changed, else ()."""
    changed = changed_variables(previous, current)
    if len(changed) < MULTIPLE_VARIABLES_MIN:
        return ()
    names = ", ".join(variable.label.lower() for variable in changed)
    return (
        SessionWarning(
            code=WarningCode.MULTIPLE_VARIABLES_CHANGED,
            session_id=current.id,
            date=current.date,
            variables=changed,
            description=(
                f"The session on {current.date.isoformat()} changed {len(changed)} variables "
                f"at once ({names}); change one at a time."
            ),
        ),
    )


def warnings_of(
    sessions: Sequence[SessionRecord], *, counted: Sequence[SessionRecord]
) -> tuple[SessionWarning, ...]:
    """Return the warnings of the ``counted`` sessions, newest first.

    Each session is compared with the athlete's previous running-type session in the
    whole history (``sessions``), even one that does not count (before the window or the
    stage change): the comparison is about what the body last did.
    """
    newest_first = sorted(counted, key=lambda session: session.order_key, reverse=True)
    previous = running_predecessors(sessions)
    return tuple(
        warning
        for session in newest_first
        for warning in session_warnings(previous(session), session)
    )
