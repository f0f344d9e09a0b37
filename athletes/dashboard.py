"""The PT dashboard's read model: one row per athlete, ordered by urgency.

A fixed number of queries whatever the number of athletes and sessions, and most of the
work done once per athlete and day rather than once per view:

1. One query lists the clinic's athletes as filtered, with what orders them, their stored
   progression's ``generation`` and whether this week's review is decided.
2. Each row's HTML is cached under a key made of everything the row shows that can change:
   the athlete's ``generation`` (bumped in the database by every write to the athlete, their
   sessions and their pain scores, ``progressions.stored``), the clinic's today, this week's
   review (due date, decided or not), the therapist's name, and a fingerprint of the code
   that renders it.
3. The whole table is cached under its rows' keys in the order listed and the filters:
   while no row would change, a view is the listing query and one cache read.
4. Otherwise one ``get_many`` fetches the rows; only those not in the cache are built:
   their last session (subqueries) and stored progression (one query; the answers missing
   or past their day are evaluated and stored, ``stored_progressions``), rendered, cached.

An old key is never read again (a later view's key differs), so nothing needs deleting;
the entries expire after two days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from athletes import fragments
from athletes.adherence import Adherence, adherence_of, with_adherence
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

ROW_TEMPLATE = "athletes/_dashboard_row.html"
ROW_CODE_VERSION = fragments.code_version(__file__, ROW_TEMPLATE)
TABLE_TEMPLATE = "athletes/_dashboard_table.html"
TABLE_CODE_VERSION = fragments.code_version(__file__, TABLE_TEMPLATE)

# A row as cached: its HTML, its last session's day (``toordinal()``, 0 for none), its
# recommendation and its adherence share (None before the athlete's first week is out); a
# plain tuple, the cheapest to unpickle 200 times a view.
Cached = tuple[str, int, str, float | None]


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
class RowContent:
    """What one row shows; rendered once per athlete and day (``ROW_TEMPLATE``)."""

    athlete: Athlete
    stage: StageDefinition
    days_in_stage: int
    last_session_date: dt.date | None
    last_pain: int | None  # the highest pain of the last session (during, after, next morning)
    adherence: Adherence | None  # SPEC §11: the last 4 weeks' planned sessions logged
    progression: Progression
    review_due: dt.date
    review_state: ReviewState

    @property
    def urgency(self) -> Urgency:
        return _urgency(self.progression.recommendation, self.review_state)

    @property
    def stage_count(self) -> int:
        return len(DEFAULT_LADDER)


@dataclass(frozen=True, slots=True)
class ListedAthlete:
    """What keys, filters and orders an athlete's row (read as values, not model objects)."""

    pk: int
    first_name: str
    last_name: str
    stage: str
    stage_started_on: dt.date
    created_at: dt.datetime
    therapist_id: int
    therapist: tuple[str, str, str]  # first name, last name, email: what names them
    generation: int | None  # None until the athlete's answer is first stored
    reviewed: bool  # this week's review is decided


@dataclass(frozen=True)
class DashboardRow:
    """One athlete's row: its HTML, and what the filters and the sorts read."""

    athlete: ListedAthlete
    days_in_stage: int
    last_session_date: dt.date | None
    recommendation: str
    adherence: float | None
    review_state: ReviewState
    html: SafeString

    @property
    def urgency(self) -> Urgency:
        return _urgency(self.recommendation, self.review_state)

    @property
    def stage_order(self) -> int:
        return stage_definition(self.athlete.stage).order


def _urgency(recommendation: str, review_state: ReviewState) -> Urgency:
    if recommendation == Recommendation.BACK_OFF:
        return Urgency.BACK_OFF
    if recommendation == Recommendation.ADVANCE:
        return Urgency.ADVANCE
    if review_state == ReviewState.OVERDUE:
        return Urgency.REVIEW_OVERDUE
    return Urgency.REST


SORTS = {
    "urgency": lambda row: (row.urgency, row.athlete.last_name, row.athlete.first_name),
    "name": lambda row: (row.athlete.last_name.lower(), row.athlete.first_name.lower()),
    "stage": lambda row: (row.stage_order, row.athlete.last_name),
    "days": lambda row: (-row.days_in_stage, row.athlete.last_name),
    "last_session": lambda row: (
        row.last_session_date or dt.date.min,
        row.athlete.last_name,
    ),
    # Lowest first (who is slipping), athletes with no share yet last.
    "adherence": lambda row: (
        row.adherence is None,
        row.adherence or 0.0,
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


def _row_key(athlete: ListedAthlete, *, today: dt.date, due: dt.date) -> str | None:
    """The cache key of the athlete's row today, or None before their answer is first stored.

    ``created_at`` tells apart two athletes that ever had the same id (a restored backup).
    """
    if athlete.generation is None:
        return None
    parts = (
        ROW_CODE_VERSION,
        athlete.pk,
        athlete.created_at.isoformat(),
        athlete.generation,
        today.isoformat(),
        due.isoformat(),
        athlete.reviewed,
        athlete.therapist_id,
        athlete.therapist,
    )
    return fragments.key("dashboard-row", *parts)


def _build(
    user: User, ids: Sequence[int], *, today: dt.date, due: dt.date, reviewed: set[int]
) -> dict[int, Cached]:
    """Build, render and return the rows of these athletes: ``{id: cached value}``."""
    athletes = list(
        with_adherence(
            with_last_session(athletes_for_user(user).filter(pk__in=ids)), today
        ).select_related("stored_progression")
    )
    progressions = stored_progressions(athletes, today=today)
    template = get_template(ROW_TEMPLATE)
    built = {}
    for athlete in athletes:
        progression = progressions[athlete.pk]
        pains = [
            p
            for p in (
                athlete.last_pain_during,
                athlete.last_pain_after,
                athlete.last_pain_next_morning,
            )
            if p is not None
        ]
        content = RowContent(
            athlete=athlete,
            stage=stage_definition(athlete.stage),
            days_in_stage=(today - athlete.stage_started_on).days,
            last_session_date=athlete.last_session_date,
            last_pain=max(pains) if pains else None,
            adherence=(adherence := adherence_of(athlete, today)),
            progression=progression,
            review_due=due,
            review_state=_review_state(today, due, athlete.pk in reviewed),
        )
        built[athlete.pk] = (
            str.__str__(template.render({"row": content})),  # a plain str pickles smaller
            athlete.last_session_date.toordinal() if athlete.last_session_date else 0,
            str(progression.recommendation),
            None if adherence is None else adherence.share,
        )
    return built


def _listed(
    user: User, *, status: str, stage: str, text: str, week_start: dt.date
) -> list[ListedAthlete]:
    """The athletes as filtered, in one query."""
    decided = StageReview.objects.filter(athlete=OuterRef("pk"), week_start=week_start).exclude(
        decision=""
    )
    athletes = athletes_for_user(user).filter(status=status)
    if stage:
        athletes = athletes.filter(stage=stage)
    for word in text.split():
        athletes = athletes.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    rows = athletes.annotate(
        generation=F("stored_progression__generation"), reviewed=Exists(decided)
    ).values_list(
        "pk",
        "first_name",
        "last_name",
        "stage",
        "stage_started_on",
        "created_at",
        "therapist_id",
        "therapist__first_name",
        "therapist__last_name",
        "therapist__email",
        "generation",
        "reviewed",
    )
    return [
        ListedAthlete(
            *row[:7], therapist=(row[7], row[8], row[9]), generation=row[10], reviewed=row[11]
        )
        for row in rows
    ]


def dashboard_table(
    user: User,
    *,
    status: str = AthleteStatus.ACTIVE,
    stage: str = "",
    recommendation: str = "",
    text: str = "",
    sort: str = "urgency",
) -> SafeString:
    """Return the dashboard's table of the clinic's athletes, filtered and sorted, as HTML.

    The whole table is cached under the keys of its rows (in the order listed) and the
    filters: it is drawn again only when one of its rows would be.
    """
    filters = {"stage": stage, "recommendation": recommendation, "text": text, "sort": sort}
    today = user.clinic.today()
    week_start, due = review_week(today, user.clinic.review_weekday)
    athletes = _listed(user, status=status, stage=stage, text=text, week_start=week_start)
    keys = {a.pk: _row_key(a, today=today, due=due) for a in athletes}
    table_key = (
        fragments.key("dashboard-table", TABLE_CODE_VERSION, status, filters, list(keys.values()))
        if None not in keys.values()
        else None
    )
    html = cache.get(table_key) if table_key else None
    if html is None:
        rows = _rows(user, athletes, keys, today=today, due=due)
        if recommendation:
            rows = [row for row in rows if row.recommendation == recommendation]
        rows.sort(key=SORTS.get(sort, SORTS["urgency"]))
        table = render_to_string(TABLE_TEMPLATE, {"rows": rows, "filters": filters, "tab": status})
        html = str.__str__(table)
        if table_key:
            cache.set(table_key, html, fragments.SECONDS)
    return mark_safe(html)  # rendered from TABLE_TEMPLATE, escaped there


def _rows(
    user: User,
    athletes: list[ListedAthlete],
    keys: dict[int, str | None],
    *,
    today: dt.date,
    due: dt.date,
) -> list[DashboardRow]:
    """Return the athletes' rows, in their order: from the cache, the missing ones built."""
    cached = cache.get_many([key for key in keys.values() if key])
    values = {pk: cached[key] for pk, key in keys.items() if key in cached}
    if missing := [a.pk for a in athletes if a.pk not in values]:
        reviewed = {a.pk for a in athletes if a.reviewed}
        built = _build(user, missing, today=today, due=due, reviewed=reviewed)
        cache.set_many(
            {keys[pk]: value for pk, value in built.items() if keys[pk]}, fragments.SECONDS
        )
        values |= built
    rows = []
    for athlete in athletes:
        html, last_session_day, recommended, adherence = values[athlete.pk]
        rows.append(
            DashboardRow(
                athlete=athlete,
                days_in_stage=(today - athlete.stage_started_on).days,
                last_session_date=dt.date.fromordinal(last_session_day)
                if last_session_day
                else None,
                recommendation=recommended,
                adherence=adherence,
                review_state=_review_state(today, due, athlete.reviewed),
                html=mark_safe(html),  # rendered from ROW_TEMPLATE, escaped there
            )
        )
    return rows
