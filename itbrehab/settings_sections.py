"""Settings sections too long to read inline in ``settings.py``: logging, the API schema and
the relying party of security keys and passkeys (WebAuthn).

Each is a function of the values ``settings.py`` read from the environment, and imports
nothing of the app, so loading the settings loads no application code.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit


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
            # The OAuth 2.0 token endpoint (SPEC §10): at DEBUG oauthlib prints requests,
            # client secrets and tokens included; keep its warnings only.
            "oauthlib": {"level": "WARNING"},
            "oauth2_provider": {"level": "WARNING"},
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


# ``make run`` serves here; a browser must open it as localhost (not 127.0.0.1) for keys.
DEVELOPMENT_ORIGIN = "http://localhost:8000"


def _is_domain(host: str) -> bool:
    """Return whether ``host`` can be a WebAuthn relying party id: a name, never an address."""
    if not host or "*" in host or host.startswith("["):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or "." in host
    return False


def _within(host: str, rp_id: str) -> bool:
    return host == rp_id or host.endswith(f".{rp_id}")


def webauthn_settings(
    *, rp_id: str, origins: list[str], site_url: str, allowed_hosts: list[str]
) -> tuple[str, list[str]]:
    """Return the relying party id and the origins allowed to use security keys (WebAuthn).

    A key is bound to its relying party id (a domain, never an IP address: browsers refuse
    those) and works on that domain and its subdomains only, so changing the id later
    orphans every key. ``rp_id`` and ``origins`` are ``OTP_WEBAUTHN_RP_ID`` and
    ``OTP_WEBAUTHN_ALLOWED_ORIGINS`` from the environment and win when set. Otherwise the id
    is the first domain of ``SITE_URL``'s host, then ``ALLOWED_HOSTS`` (a leading dot, which
    Django reads as "and subdomains", dropped), so development gets ``localhost``. The
    origins are then ``https://<id>`` (``http://localhost:8000`` for ``localhost``, which
    browsers treat as secure) plus ``SITE_URL``'s own origin when it is on that domain and
    secure. With no domain anywhere (an address-only host) the id is empty and the app
    offers no security keys; the authenticator app still works.
    """
    site = urlsplit(site_url)
    site_host = site.hostname or ""
    if not rp_id:
        hosts = [site_host, *(host.lstrip(".") for host in allowed_hosts)]
        rp_id = next((host for host in hosts if _is_domain(host)), "")
    if origins or not rp_id:
        return rp_id, origins
    derived = [DEVELOPMENT_ORIGIN if rp_id == "localhost" else f"https://{rp_id}"]
    site_origin = f"{site.scheme}://{site.netloc}"
    if (
        _within(site_host, rp_id)
        and (site.scheme == "https" or site_host == "localhost")
        and site_origin not in derived
    ):
        derived.append(site_origin)
    return rp_id, derived
