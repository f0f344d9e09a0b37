"""The demo's follow-up records (SPEC §11): LEFS questionnaires and the PT's remote-
monitoring minutes, so the athlete page's LEFS chart and the monthly RTM report show what
a clinic a few weeks in would see.

Every active athlete answered a LEFS at their first session; those four weeks in or
more answered again, better by a margin that grows with how far they have come (so some
cross the 9-point MCID and some do not). The demo PT logged review minutes this month
for a few athletes, some with a live call.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Min

from athletes.lefs.scale import ANSWER_MAX, DUE_EVERY_DAYS, ITEM_COUNT
from athletes.models import (
    Athlete,
    AthleteStatus,
    LefsResponse,
    LefsSource,
    RtmTime,
    SessionLog,
)
from itbrehab.accounts.models import User

# (minutes, live call) logged this month for the first athletes, by the demo PT.
MINUTES = ((25, True), (12, False), (45, True), (20, False))


def _answers(rng: random.Random, total: int) -> list[int]:
    """Twenty answers 0–4 adding up to ``total``."""
    answers = [0] * ITEM_COUNT
    for _ in range(total):
        item = rng.choice([i for i, a in enumerate(answers) if a < ANSWER_MAX])
        answers[item] += 1
    return answers


def _at(athlete: Athlete, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=athlete.clinic.zone)


def load_follow_up(athletes: list[Athlete], *, today: dt.date, therapist: User) -> None:
    """Store the LEFS answers and this month's RTM minutes of the demo's active athletes."""
    active = [a for a in athletes if a.status == AthleteStatus.ACTIVE]
    first_days = dict(
        SessionLog.objects.filter(athlete__in=active)
        .values("athlete")
        .annotate(first=Min("date"))
        .values_list("athlete", "first")
    )
    responses = []
    for index, athlete in enumerate(active):
        rng = random.Random(f"lefs {athlete.full_name}")
        first = first_days.get(athlete.pk, today)
        totals = [rng.randint(30, 44)]
        days = [first]
        if (today - first).days >= DUE_EVERY_DAYS:
            totals.append(min(80, totals[0] + (6, 11, 15, 19)[index % 4]))
            days.append(first + dt.timedelta(days=DUE_EVERY_DAYS))
        for day, total in zip(days, totals, strict=True):
            responses.append(
                LefsResponse(
                    athlete=athlete,
                    started_at=_at(athlete, day),
                    completed_at=_at(athlete, day) + dt.timedelta(minutes=3),
                    answers=_answers(rng, total),
                    total=total,
                    source=LefsSource.PHONE,
                )
            )
    LefsResponse.objects.bulk_create(responses)
    month_start = today.replace(day=1)
    RtmTime.objects.bulk_create(
        RtmTime(
            athlete=athlete,
            logged_by=therapist,
            date=max(month_start, today - dt.timedelta(days=2)),
            minutes=minutes,
            live_call=live_call,
            note="Reviewed the week's sessions." + (" Video call." if live_call else ""),
        )
        for athlete, (minutes, live_call) in zip(active, MINUTES, strict=False)
        if athlete.therapist_id == therapist.pk
    )
