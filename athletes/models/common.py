"""What the athletes' models share: text without NUL characters, no dates in the future."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator

NO_NUL = ProhibitNullCharactersValidator()
SHA256_HEX = RegexValidator(
    r"\A[0-9a-f]{64}\Z", "Expected the file's SHA-256: 64 lowercase hexadecimal characters."
)

DATE_IN_FUTURE = "The date cannot be in the future (clinic time)."
