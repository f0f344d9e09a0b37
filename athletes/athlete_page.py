"""The PT athlete page's read model: everything the page shows about one athlete.

A fixed number of queries whatever the number of sessions, stage changes and links:
``QUERIES`` = 6, namely the stored progression (``progressions.stored``: one query where
the stored answer holds), the sessions of the last ``CHART_WEEKS`` weeks, the adherence's
counts (``athletes.adherence``), this week's review, the stage history (with who changed
it) and the phone links (with who created them). The athlete comes loaded with its clinic
and therapist (``athlete_for_user``); the page's query-budget test enforces the number.

The sessions table and the charts change only when the athlete's inputs change or the day
turns, and so does the adherence (the planned sessions are the athlete's: a change bumps
the generation): they are cached under the stored answer's generation and the day, and a
view that finds them skips the sessions and adherence queries (``QUERIES`` - 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from athletes import fragments
from athletes.adherence import Adherence, adherence_for
from athletes.models import Athlete, DeviceLink, SessionLog, SessionSource
from progressions.models import StageChange, StageReview
from progressions.rules import Progression
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    CriterionCode,
    StageDefinition,
    stage_definition,
)
from progressions.services import review_week
from progressions.stored import stored_progression

QUERIES = 6  # the queries of ``athlete_page``, listed in the module docstring
CHART_WEEKS = 12  # the athlete page charts and lists the last 12 weeks
SESSIONS_TEMPLATE = "athletes/_athlete_sessions.html"
SESSIONS_CODE_VERSION = fragments.code_version(__file__, SESSIONS_TEMPLATE)


@dataclass(frozen=True)
class AthletePage:
    """What the athlete page shows; each field is a template variable of the same name."""

    athlete: Athlete
    today: dt.date
    now: dt.datetime  # a link whose expiry is before this is shown as expired
    progression: Progression
    ladder: tuple[StageDefinition, ...]
    current_order: int
    days_in_stage: int
    sessions_html: SafeString  # the sessions table (``SESSIONS_TEMPLATE``)
    chart_data: dict[str, Any]
    adherence: Adherence | None  # SPEC §11: the last 4 weeks' planned sessions logged
    history: list[StageChange]  # newest first
    review: StageReview | None  # this week's, if opened
    review_due: dt.date
    list_weeks: int
    links: list[DeviceLink]

    def context(self) -> dict[str, Any]:
        """Return the fields as template variables (a shallow mapping, nothing copied)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def link(self, link_id: int) -> DeviceLink | None:
        """Return the athlete's phone link ``link_id``, or None if it is not theirs."""
        return next((link for link in self.links if link.pk == link_id), None)


def athlete_page(athlete: Athlete, *, cached: bool = True) -> AthletePage:
    """Return the athlete page of ``athlete`` on the clinic's today, in ``QUERIES`` queries
    (two fewer when the sessions table, charts and adherence come from the cache).

    ``cached=False`` builds them from the database without reading or writing the cache:
    for a form shown again with its errors, whose ``athlete`` may hold the values typed.
    """
    today = athlete.clinic.today()
    progression = stored_progression(athlete, today=today)
    key = _sessions_key(athlete, today) if cached else None
    found = cache.get(key) if key else None
    if found is None:
        found = _sessions_part(athlete, progression, today)
        if key:
            cache.set(key, found, fragments.SECONDS)
    sessions_html, charts, adherence = found
    week_start, due = review_week(today, athlete.clinic.review_weekday)
    return AthletePage(
        athlete=athlete,
        today=today,
        now=timezone.now(),
        progression=progression,
        ladder=DEFAULT_LADDER,
        current_order=stage_definition(athlete.stage).order,
        days_in_stage=(today - athlete.stage_started_on).days,
        sessions_html=mark_safe(sessions_html),  # rendered from SESSIONS_TEMPLATE, escaped there
        chart_data=charts,
        adherence=adherence,
        history=list(
            athlete.stage_changes.select_related("changed_by").order_by("-effective_date", "-id")
        ),
        review=StageReview.objects.filter(athlete=athlete, week_start=week_start).first(),
        review_due=due,
        list_weeks=CHART_WEEKS,
        links=list(athlete.device_links.select_related("created_by")),
    )


def _sessions_key(athlete: Athlete, today: dt.date) -> str | None:
    """The cache key of the athlete's sessions table and charts today, or None before
    their answer is first stored.

    They change only with the athlete's inputs (the stored generation, bumped by the
    database on every write to the athlete, their sessions and pain scores) and the day.
    """
    try:
        generation = athlete.stored_progression.generation
    except ObjectDoesNotExist:
        return None
    parts = (SESSIONS_CODE_VERSION, athlete.pk, athlete.created_at.isoformat(), generation, today)
    return fragments.key("athlete-sessions", *parts)


def _sessions_part(
    athlete: Athlete, progression: Progression, today: dt.date
) -> tuple[str, dict[str, Any], Adherence | None]:
    """Read the last ``CHART_WEEKS`` weeks of sessions; return their table, the charts and
    the adherence (one more query: it also needs the first session, however old)."""
    sessions = list(
        SessionLog.objects.filter(
            athlete=athlete, date__gte=today - dt.timedelta(weeks=CHART_WEEKS)
        ).order_by("-date", "-id")
    )
    html = render_to_string(
        SESSIONS_TEMPLATE,
        {
            "athlete": athlete,
            "sessions": sessions,  # newest first
            # Only the gate's deciding sessions are marked as counting toward the next stage.
            "evidence": {
                sid
                for c in progression.criteria
                if c.code == CriterionCode.GATE
                for sid in c.evidence
            },
            "flagged": {sid for flag in progression.red_flags for sid in flag.session_ids},
            "list_weeks": CHART_WEEKS,
        },
    )
    return str.__str__(html), chart_data(sessions, athlete, today), adherence_for(athlete, today)


def chart_data(sessions: list[SessionLog], athlete: Athlete, today: dt.date) -> dict[str, Any]:
    """Return the three charts' series: pain, weekly minutes by activity, cadence.

    Each cadence point says whether the watch measured it (``measured``: the session was
    read from a watch file) or someone typed it.

    The minutes chart starts at the week of the first session (at least 4 weeks, at most
    ``CHART_WEEKS``), so a new athlete's chart is not mostly empty weeks.
    """
    ordered = sorted(sessions, key=lambda s: (s.date, s.pk))
    pain = [
        {
            "date": s.date.isoformat(),
            "during": s.pain_during,
            "after": s.pain_after,
            "next_morning": s.pain_next_morning,
        }
        for s in ordered
        if any(p is not None for p in (s.pain_during, s.pain_after, s.pain_next_morning))
    ]
    monday = today - dt.timedelta(days=today.weekday())
    first = min((s.date for s in ordered), default=today)
    first_monday = first - dt.timedelta(days=first.weekday())
    span = min(CHART_WEEKS, max(4, (monday - first_monday).days // 7 + 1))
    weeks = [monday - dt.timedelta(weeks=n) for n in range(span - 1, -1, -1)]
    minutes: dict[str, list[int]] = {a.value: [0] * len(weeks) for a in Activity}
    for s in ordered:
        index = (s.date - weeks[0]).days // 7
        if 0 <= index < len(weeks):
            minutes[s.activity][index] += s.duration_min
    # "measured": read from a watch file (SPEC §9), not typed: the chart marks it apart.
    cadence = [
        {
            "date": s.date.isoformat(),
            "spm": s.cadence_spm,
            "measured": s.source == SessionSource.FILE,
        }
        for s in ordered
        if s.cadence_spm is not None and s.activity in ("walk_run", "run")
    ]
    return {
        "pain": pain,
        "weeks": [w.isoformat() for w in weeks],
        "minutes": {
            Activity(code).label: values for code, values in minutes.items() if any(values)
        },
        "cadence": cadence,
        "target_cadence": athlete.target_cadence_spm,
        "gate_pain_max": athlete.gate_pain_max,
    }
