"""The PT dashboard's read model: one row per athlete, ordered by urgency.

A fixed number of queries whatever the number of athletes and sessions: the athletes
with their last session's date and pain (subqueries), the progressions of all of them
(three queries, see ``progressions.selectors``) and this week's decided reviews.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from django.db.models import Q

from athletes.models import Athlete, AthleteStatus
from athletes.selectors import athletes_for_user, with_last_session
from itbrehab.accounts.models import User
from progressions.models import StageReview
from progressions.rules import Progression
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Recommendation,
    StageDefinition,
    stage_definition,
)
from progressions.services import review_week
from progressions.stored import stored_progressions


class ReviewState(IntEnum):
    """Where this week's review stands (ordered: lower is more urgent)."""

    OVERDUE = 0
    DUE_TODAY = 1
    UPCOMING = 2
    REVIEWED = 3


class Urgency(IntEnum):
    """SPEC §4: back off first, then ready to advance, then overdue reviews, then the rest."""

    BACK_OFF = 0
    ADVANCE = 1
    REVIEW_OVERDUE = 2
    REST = 3


@dataclass(frozen=True)
class DashboardRow:
    athlete: Athlete
    stage: StageDefinition
    days_in_stage: int
    last_session_date: dt.date | None
    last_pain: int | None  # the highest pain of the last session (during, after, next morning)
    progression: Progression
    review_due: dt.date
    review_state: ReviewState

    @property
    def urgency(self) -> Urgency:
        if self.progression.recommendation == Recommendation.BACK_OFF:
            return Urgency.BACK_OFF
        if self.progression.recommendation == Recommendation.ADVANCE:
            return Urgency.ADVANCE
        if self.review_state == ReviewState.OVERDUE:
            return Urgency.REVIEW_OVERDUE
        return Urgency.REST

    @property
    def stage_count(self) -> int:
        return len(DEFAULT_LADDER)


SORTS = {
    "urgency": lambda row: (row.urgency, row.athlete.last_name, row.athlete.first_name),
    "name": lambda row: (row.athlete.last_name.lower(), row.athlete.first_name.lower()),
    "stage": lambda row: (row.stage.order, row.athlete.last_name),
    "days": lambda row: (-row.days_in_stage, row.athlete.last_name),
    "last_session": lambda row: (
        row.last_session_date or dt.date.min,
        row.athlete.last_name,
    ),
}


def _review_state(today: dt.date, due: dt.date, reviewed: bool) -> ReviewState:
    if reviewed:
        return ReviewState.REVIEWED
    if today > due:
        return ReviewState.OVERDUE
    if today == due:
        return ReviewState.DUE_TODAY
    return ReviewState.UPCOMING


def dashboard_rows(
    user: User,
    *,
    status: str = AthleteStatus.ACTIVE,
    stage: str = "",
    recommendation: str = "",
    text: str = "",
    sort: str = "urgency",
) -> list[DashboardRow]:
    """Return the clinic's athletes as dashboard rows, filtered and sorted (default: urgency)."""
    clinic = user.clinic
    today = clinic.today()
    athletes = athletes_for_user(user).filter(status=status).select_related("stored_progression")
    if stage:
        athletes = athletes.filter(stage=stage)
    for word in text.split():
        athletes = athletes.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    athletes = list(with_last_session(athletes))
    progressions = stored_progressions(athletes, today=today)
    week_start, due = review_week(today, clinic.review_weekday)
    reviewed = set(
        StageReview.objects.filter(athlete__clinic=clinic, week_start=week_start)
        .exclude(decision="")
        .values_list("athlete_id", flat=True)
    )
    rows = []
    for athlete in athletes:
        progression = progressions[athlete.pk]
        if recommendation and progression.recommendation != recommendation:
            continue
        pains = [
            p
            for p in (
                athlete.last_pain_during,
                athlete.last_pain_after,
                athlete.last_pain_next_morning,
            )
            if p is not None
        ]
        rows.append(
            DashboardRow(
                athlete=athlete,
                stage=stage_definition(athlete.stage),
                days_in_stage=(today - athlete.stage_started_on).days,
                last_session_date=athlete.last_session_date,
                last_pain=max(pains) if pains else None,
                progression=progression,
                review_due=due,
                review_state=_review_state(today, due, athlete.pk in reviewed),
            )
        )
    return sorted(rows, key=SORTS.get(sort, SORTS["urgency"]))
