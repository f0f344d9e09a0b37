"""What the athletes' models share: text without NUL characters, no dates in the future."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator

NO_NUL = ProhibitNullCharactersValidator()

DATE_IN_FUTURE = "The date cannot be in the future (clinic time)."
