"""The Lower Extremity Functional Scale as data, and its pure rules (no Django).

Source: Binkley JM, Stratford PW, Lott SA, Riddle DL. "The Lower Extremity Functional
Scale (LEFS): scale development, measurement properties, and clinical application."
Phys Ther 1999;79(4):371-383. Twenty activities, each answered 0 (extreme difficulty or
unable to perform the activity) to 4 (no difficulty); the total is their sum, 0–80 (higher
is better). The minimal clinically important difference is 9 scale points (the paper's
MCID, equal to its minimal detectable change at 90% confidence).

When it is offered (SPEC §11): at the start (no completed LEFS yet) and every 4 weeks
after the last completed one, that is once 28 days have passed since the day (in the
clinic's time zone) it was completed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: this module imports nothing of Django
    from athletes.models import Athlete

# What the athlete is asked before the items (Binkley 1999, the form's instructions,
# shortened for a phone screen).
QUESTION = "Because of your knee, today do you or would you have any difficulty at all with:"

# The 20 items, in the form's order (Binkley 1999, appendix).
ITEMS: tuple[str, ...] = (
    "Any of your usual work, housework or school activities",
    "Your usual hobbies, recreational or sporting activities",
    "Getting into or out of the bath",
    "Walking between rooms",
    "Putting on your shoes or socks",
    "Squatting",
    "Lifting an object, like a bag of groceries, from the floor",
    "Performing light activities around your home",
    "Performing heavy activities around your home",
    "Getting into or out of a car",
    "Walking 2 blocks",
    "Walking a mile",
    "Going up or down 10 stairs (about 1 flight of stairs)",
    "Standing for 1 hour",
    "Sitting for 1 hour",
    "Running on even ground",
    "Running on uneven ground",
    "Making sharp turns while running fast",
    "Hopping",
    "Rolling over in bed",
)
ITEM_COUNT = len(ITEMS)  # 20

# Each answer's score and its words on the form (Binkley 1999).
ANSWER_LABELS: dict[int, str] = {
    0: "Extreme difficulty or unable to perform activity",
    1: "Quite a bit of difficulty",
    2: "Moderate difficulty",
    3: "A little bit of difficulty",
    4: "No difficulty",
}
ANSWER_MIN, ANSWER_MAX = 0, 4
TOTAL_MAX = ITEM_COUNT * ANSWER_MAX  # 80
MCID = 9  # points: a change of at least this much between two totals is clinically important
DUE_EVERY_DAYS = 28  # "every 4 weeks" (SPEC §11)


def lefs_due(athlete: Athlete, last_completed: dt.datetime | None, today: dt.date) -> bool:
    """Return whether a LEFS is due for ``athlete`` on ``today`` (their clinic's date).

    Reads only ``athlete.clinic.zone`` (no query once the clinic is loaded).

    Due at the start (``last_completed`` None: none completed yet) and once at least
    ``DUE_EVERY_DAYS`` days have passed since the clinic-time day of the last completed
    one: completed on 1 March, due again from 29 March. A questionnaire completed just
    before local midnight counts on that local day, whatever the UTC date.
    """
    if last_completed is None:
        return True
    completed_on = last_completed.astimezone(athlete.clinic.zone).date()
    return (today - completed_on).days >= DUE_EVERY_DAYS


@dataclass(frozen=True, slots=True)
class LefsChange:
    """One completed LEFS with its change from the one before (None for the first)."""

    completed_on: dt.date
    total: int
    change: int | None

    @property
    def mcid_reached(self) -> bool:
        """Whether the change from the previous total is at least the MCID, up or down."""
        return self.change is not None and abs(self.change) >= MCID

    @property
    def label(self) -> str:
        """The change as the PT reads it: "+12 (MCID)", "-3", "" for the first."""
        if self.change is None:
            return ""
        return f"{self.change:+d}{' (MCID)' if self.mcid_reached else ''}"


def changes(totals: Iterable[tuple[dt.date, int]]) -> list[LefsChange]:
    """Return each ``(completed_on, total)``, oldest first, with its change from the one before."""
    result: list[LefsChange] = []
    previous: int | None = None
    for completed_on, total in totals:
        change = None if previous is None else total - previous
        result.append(LefsChange(completed_on=completed_on, total=total, change=change))
        previous = total
    return result


def answers_total(answers: list[int | None]) -> int | None:
    """Return the sum of the answers when all ``ITEM_COUNT`` are given, else None."""
    if len(answers) != ITEM_COUNT or any(a is None for a in answers):
        return None
    return sum(a for a in answers if a is not None)


def empty_answers() -> list[int | None]:
    """Return the answers of a response just started: ``ITEM_COUNT`` nulls."""
    return [None] * ITEM_COUNT
