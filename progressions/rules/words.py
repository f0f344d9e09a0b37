"""How reasons name the athlete and their sessions, for the PT (SPEC §1 "Words").

Reasons speak to the PT in the third person and name the session they start from by
date: "Back off: Ana's last tolerated walk–run (12 Jun), 25% shorter".
"""

from __future__ import annotations

import datetime

from progressions.rules.records import AthleteSettings, SessionRecord, SessionShape

_ACTIVITY_NOUNS = {
    "walk": "walk",
    "walk_run": "walk–run",
    "run": "run",
    "cross_training": "cross-training session",
    "strength": "strength session",
}


def day_month(date: datetime.date) -> str:
    """Return "12 Jun" (English month abbreviations, whatever the server's locale)."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{date.day} {months[date.month - 1]}"


def whose(settings: AthleteSettings) -> str:
    """Return "Ana's", or "the athlete's" when the engine was given no name."""
    return f"{settings.first_name}'s" if settings.first_name else "the athlete's"


def who(settings: AthleteSettings) -> str:
    """Return "Ana", or "the athlete"."""
    return settings.first_name or "the athlete"


def noun(session: SessionShape) -> str:
    """Return the session's kind as a noun: "walk", "walk–run", "run"."""
    return _ACTIVITY_NOUNS[str(session.activity)]


def named(session: SessionRecord, settings: AthleteSettings, *, adjective: str = "") -> str:
    """Return e.g. "Ana's last tolerated walk–run (12 Jun)"."""
    words = f"{whose(settings)} {adjective + ' ' if adjective else ''}{noun(session)}"
    return f"{words} ({day_month(session.date)})"


def sentence(text: str) -> str:
    """Return ``text`` with its first letter capitalised."""
    return text[:1].upper() + text[1:]
