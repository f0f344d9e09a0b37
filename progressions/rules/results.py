"""What the engine returns: frozen dataclasses, each with a JSON-friendly ``as_dict()``.

JSON conventions: enums become their string value, dates ISO strings, Decimals strings
(as Django REST framework renders decimals), tuples lists. Lists of sessions, dates and
warnings run newest first, like the API's session list.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from progressions.rules.protocol import (
    Activity,
    CriterionCode,
    Intensity,
    Recommendation,
    RedFlagCode,
    SessionVariable,
    StageCode,
    StageDefinition,
    Surface,
    Terrain,
    WarningCode,
)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _enum(value: str | None) -> str | None:
    # StrEnum members are str already; str() drops the enum type for JSON encoders.
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class StageInfo:
    code: StageCode
    name: str
    order: int

    @classmethod
    def of(cls, definition: StageDefinition) -> StageInfo:
        """Return the public summary of a ladder entry."""
        return cls(code=definition.code, name=definition.name, order=definition.order)

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code", "name", "order"}``."""
        return {"code": str(self.code), "name": self.name, "order": self.order}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StageInfo:
        return cls(code=StageCode(data["code"]), name=data["name"], order=data["order"])


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the gate checklist; ``evidence`` holds the ids of the sessions behind it."""

    code: CriterionCode
    description: str
    met: bool
    evidence: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code", "description", "met", "evidence"}``."""
        return {
            "code": str(self.code),
            "description": self.description,
            "met": self.met,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        return cls(
            code=CriterionCode(data["code"]),
            description=data["description"],
            met=data["met"],
            evidence=tuple(data["evidence"]),
        )


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A reason to back off, with the sessions and dates that raised it."""

    code: RedFlagCode
    description: str
    session_ids: tuple[int, ...]
    dates: tuple[datetime.date, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code", "description", "session_ids", "dates"}``."""
        return {
            "code": str(self.code),
            "description": self.description,
            "session_ids": list(self.session_ids),
            "dates": [day.isoformat() for day in self.dates],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RedFlag:
        return cls(
            code=RedFlagCode(data["code"]),
            description=data["description"],
            session_ids=tuple(data["session_ids"]),
            dates=tuple(datetime.date.fromisoformat(day) for day in data["dates"]),
        )


@dataclass(frozen=True, slots=True)
class SessionWarning:
    """A session that changed two or more variables compared with the one before it."""

    code: WarningCode
    session_id: int
    date: datetime.date
    variables: tuple[SessionVariable, ...]
    description: str

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code", "session_id", "date", "variables", "description"}``."""
        return {
            "code": str(self.code),
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "variables": [str(variable) for variable in self.variables],
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionWarning:
        return cls(
            code=WarningCode(data["code"]),
            session_id=data["session_id"],
            date=datetime.date.fromisoformat(data["date"]),
            variables=tuple(SessionVariable(v) for v in data["variables"]),
            description=data["description"],
        )


@dataclass(frozen=True, slots=True)
class CadenceStatus:
    """The target step rate and how the last running session with a cadence compares."""

    target_spm: int | None
    session_id: int | None = None
    actual_spm: int | None = None
    difference_spm: int | None = None  # actual − target; None unless both are known

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"target_spm", "session_id", "actual_spm", "difference_spm"}``."""
        return {
            "target_spm": self.target_spm,
            "session_id": self.session_id,
            "actual_spm": self.actual_spm,
            "difference_spm": self.difference_spm,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CadenceStatus:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class SuggestedSession:
    """A session to do next: always of ``stage``, the current stage (SPEC §1).

    ``based_on_session_id`` is the logged session it was derived from (None for an entry
    session). On a rest day (``rest_day``) every session field is None.
    """

    stage: StageCode
    activity: Activity | None
    terrain: Terrain | None
    surface: Surface | None
    incline_percent: Decimal | None
    duration_min: int | None
    intensity: Intensity | None
    run_interval_sec: int | None
    walk_interval_sec: int | None
    repeats: int | None
    changed_variable: SessionVariable | None
    reason: str
    based_on_session_id: int | None
    rest_day: bool = False

    @property
    def cadence_spm(self) -> None:
        """Return None: a suggestion sets no step rate (the athlete runs to the target)."""
        return None

    def as_dict(self) -> dict[str, Any]:
        """Return the session field names plus stage, rest_day, changed_variable, reason…"""
        return {
            "stage": str(self.stage),
            "rest_day": self.rest_day,
            "activity": _enum(self.activity),
            "terrain": _enum(self.terrain),
            "surface": _enum(self.surface),
            "incline_percent": _decimal(self.incline_percent),
            "duration_min": self.duration_min,
            "intensity": _enum(self.intensity),
            "run_interval_sec": self.run_interval_sec,
            "walk_interval_sec": self.walk_interval_sec,
            "repeats": self.repeats,
            "changed_variable": _enum(self.changed_variable),
            "reason": self.reason,
            "based_on_session_id": self.based_on_session_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SuggestedSession:
        """Return the session ``as_dict`` wrote (e.g. a stored ``next_stage_first_session``)."""

        def choice(kind: type[Any], key: str) -> Any:
            value = data.get(key)
            return None if value in (None, "") else kind(value)

        incline = data.get("incline_percent")
        return cls(
            stage=StageCode(data["stage"]),
            rest_day=bool(data.get("rest_day", False)),
            activity=choice(Activity, "activity"),
            terrain=choice(Terrain, "terrain"),
            surface=choice(Surface, "surface"),
            incline_percent=None if incline is None else Decimal(str(incline)),
            duration_min=data.get("duration_min"),
            intensity=choice(Intensity, "intensity"),
            run_interval_sec=data.get("run_interval_sec"),
            walk_interval_sec=data.get("walk_interval_sec"),
            repeats=data.get("repeats"),
            changed_variable=choice(SessionVariable, "changed_variable"),
            reason=str(data.get("reason", "")),
            based_on_session_id=data.get("based_on_session_id"),
        )


@dataclass(frozen=True, slots=True)
class Progression:
    """The engine's whole answer for one athlete on one day."""

    as_of: datetime.date
    stage: StageInfo
    next_stage: StageInfo | None  # None at the last stage
    recommendation: Recommendation
    criteria: tuple[Criterion, ...]
    red_flags: tuple[RedFlag, ...]
    warnings: tuple[SessionWarning, ...]
    cadence: CadenceStatus
    suggested_next_session: SuggestedSession
    # What advancing would start (SPEC §1): None unless the recommendation is advance.
    next_stage_first_session: SuggestedSession | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the API shape: stage, next_stage, recommendation, criteria, red_flags, …"""
        return {
            "as_of": self.as_of.isoformat(),
            "stage": self.stage.as_dict(),
            "next_stage": None if self.next_stage is None else self.next_stage.as_dict(),
            "recommendation": str(self.recommendation),
            "criteria": [criterion.as_dict() for criterion in self.criteria],
            "red_flags": [flag.as_dict() for flag in self.red_flags],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "cadence": self.cadence.as_dict(),
            "suggested_next_session": self.suggested_next_session.as_dict(),
            "next_stage_first_session": (
                None
                if self.next_stage_first_session is None
                else self.next_stage_first_session.as_dict()
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Progression:
        """Return the progression ``as_dict`` wrote: equal to the one it was written from."""
        next_stage, first = data["next_stage"], data["next_stage_first_session"]
        return cls(
            as_of=datetime.date.fromisoformat(data["as_of"]),
            stage=StageInfo.from_dict(data["stage"]),
            next_stage=None if next_stage is None else StageInfo.from_dict(next_stage),
            recommendation=Recommendation(data["recommendation"]),
            criteria=tuple(Criterion.from_dict(c) for c in data["criteria"]),
            red_flags=tuple(RedFlag.from_dict(f) for f in data["red_flags"]),
            warnings=tuple(SessionWarning.from_dict(w) for w in data["warnings"]),
            cadence=CadenceStatus.from_dict(data["cadence"]),
            suggested_next_session=SuggestedSession.from_dict(data["suggested_next_session"]),
            next_stage_first_session=None if first is None else SuggestedSession.from_dict(first),
        )
