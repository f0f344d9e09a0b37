"""Helpers that state a field's rule once and enforce it twice.

A rule becomes a field validator (a clear message beside the field from ``full_clean``)
and a database CHECK constraint (nothing invalid is stored even by a bug or a bulk
``QuerySet.update()``), built from the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CheckConstraint, Q

Number = int | Decimal


def range_validators(low: Number, high: Number) -> list[MinValueValidator | MaxValueValidator]:
    """Return validators that reject values outside ``[low, high]`` with the bounds named."""
    return [
        MinValueValidator(low, message=f"Must be between {low} and {high}."),
        MaxValueValidator(high, message=f"Must be between {low} and {high}."),
    ]


def range_check(
    model: str, field: str, low: Number, high: Number, *, nullable: bool = False
) -> CheckConstraint:
    """Return a CHECK that ``field`` lies in ``[low, high]`` (or is NULL when ``nullable``)."""
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_range",
        violation_error_message=f"{field} must be between {low} and {high}.",
    )


def choices_check(
    model: str, field: str, choices: Iterable[tuple[str, str]], *, nullable: bool = False
) -> CheckConstraint:
    """Return a CHECK that ``field`` holds one of the ``choices`` values (or NULL)."""
    values = [value for value, _label in choices]
    condition = Q(**{f"{field}__in": values})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_valid",
        violation_error_message=f"{field} must be one of: {', '.join(values)}.",
    )
