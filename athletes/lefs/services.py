"""Writes for the LEFS (SPEC §11): start (or continue), answer one item, complete.

Keyword-only and atomic; each write validates with ``full_clean()`` and writes nothing
when it fails. Resumable: an athlete has at most one unfinished response (a partial
unique constraint), and ``lefs_start`` returns it instead of starting another.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.lefs.scale import ANSWER_MAX, ANSWER_MIN, ITEM_COUNT, answers_total
from athletes.models import Athlete, LefsResponse, LefsSource
from athletes.models.lefs import LEFS_ANSWER_RANGE, LEFS_INCOMPLETE

LEFS_ITEM_RANGE = f"Choose an item from 1 to {ITEM_COUNT}."
LEFS_ALREADY_COMPLETED = "This LEFS is already completed: its answers no longer change."


def lefs_start(*, athlete: Athlete, source: str = LefsSource.PHONE) -> LefsResponse:
    """Return the athlete's unfinished LEFS, or a new one if they have none.

    Two phones (or two tabs) starting at once get the same response: the second insert
    fails on the one-open-per-athlete constraint and reads the first one's row.
    """
    open_response = _open(athlete)
    if open_response is not None:
        return open_response
    response = LefsResponse(athlete=athlete, source=source)
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        found = _open(athlete)
        if found is None:  # not the open-response constraint: a real error
            raise
        return found
    return response


@transaction.atomic
def lefs_answer(*, response: LefsResponse, item: int, answer: int) -> LefsResponse:
    """Store ``answer`` (0–4) to ``item`` (1–20) of an unfinished ``response``.

    A later answer to the same item replaces the earlier one (the athlete went back).
    Raises ``ValidationError`` naming ``item`` or ``answer`` and writes nothing when either
    is out of range or the response is already completed. The row is locked while it is
    changed, so two answers sent at once both land.
    """
    if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= ITEM_COUNT:
        raise ValidationError({"item": LEFS_ITEM_RANGE})
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise ValidationError({"answer": LEFS_ANSWER_RANGE})
    if not ANSWER_MIN <= answer <= ANSWER_MAX:
        raise ValidationError({"answer": LEFS_ANSWER_RANGE})
    locked = LefsResponse.objects.select_for_update().get(pk=response.pk)
    if locked.completed_at is not None:
        raise ValidationError(LEFS_ALREADY_COMPLETED)
    locked.answers[item - 1] = answer
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["answers"])
    response.answers = locked.answers
    return response


@transaction.atomic
def lefs_complete(*, response: LefsResponse) -> LefsResponse:
    """Complete ``response``: set its total and ``completed_at`` (now).

    Raises ``ValidationError`` (``LEFS_INCOMPLETE``) and writes nothing unless all
    ``ITEM_COUNT`` items are answered; a response already completed is returned as it is.
    """
    locked = LefsResponse.objects.select_for_update().get(pk=response.pk)
    if locked.completed_at is None:
        total = answers_total(locked.answers)
        if total is None:
            raise ValidationError({"completed_at": LEFS_INCOMPLETE})
        locked.completed_at = timezone.now()
        locked.total = total
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["completed_at", "total"])
    response.answers = locked.answers
    response.completed_at = locked.completed_at
    response.total = locked.total
    return response


def _open(athlete: Athlete) -> LefsResponse | None:
    return LefsResponse.objects.filter(athlete=athlete, completed_at__isnull=True).first()
