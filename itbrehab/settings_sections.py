"""Settings sections too long to read inline in ``settings.py``: logging and the API schema.

Each is a function of the values ``settings.py`` read from the environment, and imports
nothing of the app, so loading the settings loads no application code.
"""

from __future__ import annotations

from typing import Any


def logging_config(level: str) -> dict[str, Any]:
    """Return ``LOGGING``: the console at ``level``, every secret redacted.

    Console only; nothing here logs request bodies, so pain scores stay out. Phone-link,
    password-reset and API tokens are redacted (SPEC §7: secrets stay out of logs): at the
    source on django.request ("Not Found: /m/link/<token>/" for an unknown link, "Gone: …" for
    a revoked one) and django.server (runserver's request lines), so every handler and
    caplog see the clean record; and again on each handler, for any other logger.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_secrets": {"()": "itbrehab.logs.RedactSecrets"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact_secrets"],
            },
            # As Django's defaults, with the redaction: runserver's lines (development only)
            # and error reports to ADMINS (none unless set; built by the reporter below).
            "django.server": {
                "class": "logging.StreamHandler",
                "formatter": "django.server",
                "filters": ["redact_secrets"],
            },
            "mail_admins": {
                "level": "ERROR",
                "class": "django.utils.log.AdminEmailHandler",
                "filters": ["redact_secrets", "require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's unfiltered default handlers; the root's console prints it all.
            "django": {"handlers": ["mail_admins"], "level": level},
            "django.request": {"filters": ["redact_secrets"]},
            "django.server": {
                "handlers": ["django.server"],
                "filters": ["redact_secrets"],
                "level": "INFO",
                "propagate": False,
            },
            "django.db.backends": {"level": "WARNING"},
            # django-axes logs every login at INFO; keep failures (WARNING) only.
            "axes": {"level": "WARNING"},
            # pgtrigger logs each of the audit's triggers at every migrate (even on SQLite,
            # where it installs none); its failures are still WARNING or worse.
            "pgtrigger": {"level": "WARNING"},
        },
    }


def api_schema_settings() -> dict[str, Any]:
    """Return ``SPECTACULAR_SETTINGS``: the OpenAPI schema's title, enums and bundled docs UI."""
    return {
        "TITLE": "ITB Rehab API",
        "DESCRIPTION": (
            "Gated return to running after IT band pain. Get a token from "
            "`POST /api/v1/auth/token/`, then send `Authorization: Token <token>`. A therapist "
            "sees only their own clinic's data: another clinic's object answers 404."
        ),
        "VERSION": "1.0.0",
        "SERVE_INCLUDE_SCHEMA": False,
        "SCHEMA_PATH_PREFIX": r"/api/v1",
        "COMPONENT_SPLIT_REQUEST": True,
        # One named enum per vocabulary, however many fields use it. Dotted paths, so that
        # settings import nothing of the app (drf-spectacular calls each ``choices``).
        "ENUM_NAME_OVERRIDES": {
            f"{name}Enum": f"progressions.rules.protocol.{name}.choices"
            for name in (
                "StageCode",
                "Recommendation",
                "Activity",
                "Terrain",
                "Surface",
                "Intensity",
                "SessionVariable",
                "RedFlagCode",
                "CriterionCode",
                "WarningCode",
            )
        },
        # Swagger UI served from the bundled sidecar: /api/docs/ makes no outside request.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
