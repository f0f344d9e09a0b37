"""Step rate: the default target and how the last running session compares (not a gate)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from progressions.rules.protocol import CADENCE_ACTIVITIES, default_target_cadence
from progressions.rules.records import AthleteSettings, SessionRecord
from progressions.rules.results import CadenceStatus

# ``default_target_cadence`` (1.05 × preferred, rounded half up with Decimal) lives in
# ``protocol`` because the Athlete model uses it too; it is re-exported from here.
__all__ = ["cadence_status", "default_target_cadence", "target_cadence"]


def target_cadence(settings: AthleteSettings) -> int | None:
    """Return the PT's target, else the default from the preferred rate, else None."""
    if settings.target_cadence_spm is not None:
        return settings.target_cadence_spm
    if settings.preferred_cadence_spm is not None:
        return default_target_cadence(settings.preferred_cadence_spm)
    return None


def cadence_status(
    *, sessions: Sequence[SessionRecord], settings: AthleteSettings, today: datetime.date
) -> CadenceStatus:
    """Return the target and the last running (walk–run or run) session with a cadence.

    Any date up to today counts, whatever the stage: cadence is shown, not gated.
    ``difference_spm`` is actual − target, None when either is unknown.
    """
    target = target_cadence(settings)
    measured = [
        s
        for s in sessions
        if s.activity in CADENCE_ACTIVITIES and s.cadence_spm is not None and s.date <= today
    ]
    last = max(measured, key=lambda session: session.order_key, default=None)
    if last is None:
        return CadenceStatus(target_spm=target)
    assert last.cadence_spm is not None  # filtered above; narrows the type
    return CadenceStatus(
        target_spm=target,
        session_id=last.id,
        actual_spm=last.cadence_spm,
        difference_spm=None if target is None else last.cadence_spm - target,
    )
