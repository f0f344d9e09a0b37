"""Django settings, read only from the environment (SPEC §6).

Development (``make run``, ``make test``) sets ``DEBUG=true`` and needs nothing else: SQLite
in ``var/``, an embedded Celery broker on the file system, emails written to ``var/mail``.
Production sets ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
``REDIS_URL``; then every security setting defaults to its strict value and
``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from itbrehab.settings_sections import api_schema_settings, logging_config, webauthn_settings

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# A local checkout's defaults (``make install`` writes DEBUG=true there); real environment
# variables always win, and production images carry no .env.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Local state of the embedded defaults (SQLite file, broker folders, outgoing mail).
VAR_DIR = Path(env.str("ITBREHAB_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment "
            "(or DEBUG=true for local development only)."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin, for superusers only (itbrehab/admin_site.py).
    "itbrehab.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",  # its system checks catch settings in the pre-4.0 style
    "itbrehab.accounts",
    "athletes",
    "progressions",
    # The audit log: writes by PostgreSQL triggers (itbrehab/audit/models.py), reads and
    # logins by the app (itbrehab/audit/access.py).
    "pgtrigger",
    "pghistory",
    "itbrehab.audit",
    # MFA (SPEC §8): authenticator apps (TOTP) and one-time recovery codes (static tokens),
    # security keys and passkeys (WebAuthn credentials, ``itbrehab.accounts.passkeys``).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # API clients (SPEC §10): OAuth 2.0 client credentials, one per clinic integration.
    "oauth2_provider",
    "itbrehab.api_clients",
    # Webhooks (SPEC §10): signed POSTs of a clinic's events, from an outbox, by Celery.
    "itbrehab.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their own far-future headers; everything
    # else gets the Content-Security-Policy and, unless its view chose, no-store.
    "csp.middleware.CSPMiddleware",
    "itbrehab.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified(): whether this session entered a second factor.
    "django_otp.middleware.OTPMiddleware",
    # An athlete's phone session reaches only the phone pages under /m/.
    "athletes.phone.access.PhoneScopeMiddleware",
    # Who (therapist or phone link), from which address and path: on every audited write.
    "itbrehab.audit.context.AuditContextMiddleware",
    # One read event per PT page or API response that showed athletes' data.
    "itbrehab.audit.access.ReadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: ends a therapist's idle or too old session, saying why.
    "itbrehab.accounts.browser_sessions.SessionLimitMiddleware",
    # After the session limits: a live session with MFA reaches only the code page (and
    # logout) until its code is entered; with REQUIRE_MFA, one without reaches enrolment.
    "itbrehab.accounts.mfa_gate.MfaGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "itbrehab.urls"
WSGI_APPLICATION = "itbrehab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL in production and CI (DATABASE_URL); SQLite only as the embedded default.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web server, the worker and beat write to one file: wait for the lock instead
    # of failing, and take the write lock at BEGIN so transactions never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The audit's triggers (itbrehab/audit/models.py) are installed at the end of every
# ``migrate``, not written into the audited apps' migrations; a no-op on SQLite.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# An audit event's time is the moment of the write, not the start of its transaction.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# --- Users ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out (account, address) pair before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are limited per account and address: 10 failures lock that pair out
# for 15 minutes; a success resets the count. Other accounts and addresses are unaffected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "itbrehab.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep no per-login history of people's addresses
AXES_VERBOSE = False
# The client address comes from one place (itbrehab/client_ip.py, TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "itbrehab.client_ip.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A therapist's browser session ends after this long without a request, and this long
# after logging in whatever happens (SPEC §7; itbrehab.accounts.browser_sessions). Phone
# sessions last as long as their link instead.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
# SPEC §8: when true, a therapist without two-step login (an authenticator app or a security
# key) must turn one on (the Security page) before reaching any page, and gets no API token
# until then. Strict in production, off for ``make run``'s demo; set REQUIRE_MFA to choose.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=not DEBUG)
# django-otp: the name authenticator apps show beside the account; keys hidden in the admin.
OTP_TOTP_ISSUER = "ITB Rehab"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A password-reset link works once, and only for this long (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = 60 * env.int("PASSWORD_RESET_MINUTES", default=60)
# A colleague may not read an invitation within the hour a reset link lasts.
INVITATION_TIMEOUT = 3600 * env.int("INVITATION_HOURS", default=72)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# Stored times are UTC; "today" is always judged in the clinic's own time zone.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Uploads (watch files, SPEC §9) ------------------------------------------------------
# The capped handler first: no upload keeps more than the reader's 20 MB in memory or on
# disk (athletes.watch_uploads); the rest are Django's defaults.
FILE_UPLOAD_HANDLERS = [
    "athletes.watch_uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.filebased.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ITB Rehab <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _own_test_worker_database(redis_url: str) -> str:
    """Give each parallel test worker (pytest-xdist's gw0, gw1...) Redis databases of its own.

    Worker ``gwN`` adds 2N to the URL's database (one for Celery, one for the cache), so one
    worker's ``cache.clear()`` never empties another's throttle counters. Unset outside tests.
    """
    worker = env.str("PYTEST_XDIST_WORKER", default="")
    if not redis_url or not worker:
        return redis_url
    parts = urlparse(redis_url)
    database = int(parts.path.lstrip("/") or 0) + 2 * int(worker.removeprefix("gw"))
    if database > 15:
        raise ImproperlyConfigured(f"Test worker {worker} needs Redis database {database} > 15.")
    return parts._replace(path=f"/{database}").geturl()


# --- Celery -----------------------------------------------------------------------------
# With REDIS_URL: Redis is broker and result store. Without it, ``make run`` uses kombu's
# file-system transport in var/celery, so a worker and beat really run with no server.
REDIS_URL = _own_test_worker_database(env.str("REDIS_URL", default=""))
CELERY_EMBEDDED_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # An unacknowledged task (its worker died) goes back to the queue after this long. It
    # must exceed the longest countdown we schedule (retry backoff: at most 10 minutes);
    # the hourly sweep re-queues a dead reminder sooner anyway, through its claim lease.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 30 * 60}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_EMBEDDED_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_DIR / "queue"),
        "data_folder_out": str(CELERY_EMBEDDED_DIR / "queue"),
        "control_folder": str(CELERY_EMBEDDED_DIR / "control"),
        "processed_folder": str(CELERY_EMBEDDED_DIR / "processed"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# A task is acknowledged only once it has finished, and given back to the queue if its
# worker dies, so a crash never loses work; tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Every hour: email each therapist whose clinic's review hour has passed this week.
    "stage-review-sweep": {
        "task": "progressions.tasks.sweep_stage_review_reminders",
        "schedule": crontab(minute=5),
    },
    # Every hour: re-evaluate the stored progressions whose day has passed (clinic time).
    "stored-progressions-refresh": {
        "task": "progressions.tasks.refresh_stored_progressions",
        "schedule": crontab(minute=35),
    },
    # Every 10 minutes: announce the progressions that changed without a write (a red
    # flag that expired with time, re-evaluated by a page view or the hourly refresh).
    "progression-announce": {
        "task": "progressions.tasks.announce_progression_changes",
        "schedule": crontab(minute="*/10"),
    },
    # Every 10 minutes: deliver the webhook events a dead worker never started on.
    "webhook-sweep": {
        "task": "itbrehab.webhooks.tasks.sweep_undelivered",
        "schedule": crontab(minute="*/10"),
    },
    # Every minute: start the webhook retries that waited in the database (too far ahead
    # for the queue).
    "webhook-retries": {
        "task": "itbrehab.webhooks.tasks.sweep_retries",
        "schedule": crontab(),
    },
    "clear-expired-sessions": {
        "task": "itbrehab.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
}

# Webhook URLs must be https and resolve to public addresses (SPEC §10); true only in
# development and tests, where http and private, loopback or link-local hosts are allowed.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# A reminder claimed by a worker that then died is sent again once this lease has passed.
REMINDER_CLAIM_LEASE_SECONDS = env.int("REMINDER_CLAIM_LEASE_SECONDS", default=15 * 60)
# A reminder email the mail server refused is retried after up to this many seconds,
# doubling each time (at most 10 minutes between tries).
REMINDER_RETRY_BACKOFF_SECONDS = env.int("REMINDER_RETRY_BACKOFF_SECONDS", default=30)
# Absolute links in emails (the athlete page) start with this.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Security keys and passkeys (WebAuthn, django-otp-webauthn) ---------------------------
# A key belongs to one relying party id (a domain); the browser tells which origin used it,
# and only these origins are accepted. Derived from SITE_URL / ALLOWED_HOSTS unless set
# (``itbrehab.settings_sections.webauthn_settings``): ``localhost`` and
# http://localhost:8000 in development. No domain at all (an address-only host): no keys
# are offered, and the library's checks for a missing id and origins are silenced.
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS = webauthn_settings(
    rp_id=env.str("OTP_WEBAUTHN_RP_ID", default=""),
    origins=env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[]),
    site_url=SITE_URL,
    allowed_hosts=ALLOWED_HOSTS,
)
OTP_WEBAUTHN_RP_NAME = "ITB Rehab"
# A key is the second step after the password, never a login by itself: no passwordless
# login (the password, its lockout and the audit of logins stay in front of every key).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
SILENCED_SYSTEM_CHECKS = [] if OTP_WEBAUTHN_RP_ID else ["otp_webauthn.E010", "otp_webauthn.E030"]

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many proxies stand in front of the app (SPEC §7): the one setting about proxies.
# 0 (the default): the app is reached directly, and X-Forwarded-For and X-Forwarded-Proto
# are ignored, since any client can send them. N: the client is the Nth address from the
# right of X-Forwarded-For (itbrehab/client_ip.py), and the nearest proxy, which
# terminates TLS, says the scheme in X-Forwarded-Proto.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by load balancers and the compose healthcheck.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy ------------------------------------------------------------
# SPEC §7: everything a page loads comes from this origin, and nothing inline runs. No
# template holds an inline script, event handler, <style> or style attribute (a test reads
# them all), so scripts AND styles are 'self' only: no nonces, no 'unsafe-inline'. Styles
# that scripts set through the CSSOM (Chart.js sizing its canvases, Swagger UI) are not
# inline styles and stay allowed. htmx is told not to inject its indicator <style>
# (dashboard.html). /api/docs/ adds ``data:`` images for Swagger UI's icons (itbrehab.api).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],  # the phone link's QR code is inline SVG, not an image
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # the phone outbox, htmx, Swagger UI's requests
        "manifest-src": ["'self'"],  # the phone pages install as an app
        "worker-src": ["'self'"],  # the phone's offline service worker
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Logging ----------------------------------------------------------------------------
# Console only, secrets redacted (SPEC §7): see ``itbrehab.settings_sections.logging_config``.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_LEVEL)
# Error reports (the ADMINS email, DEBUG pages) hide the token in the path, the Referer
# and frame variables, and the Authorization header.
DEFAULT_EXCEPTION_REPORTER_FILTER = "itbrehab.logs.RedactingExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "itbrehab.logs.RedactingExceptionReporter"

# --- Cache ------------------------------------------------------------------------------
# Throttle counters must be shared by every web worker: Redis when there is one, in its
# own database (index 1 of REDIS_URL's server unless CACHE_URL says otherwise) so that
# clearing the cache never touches Celery's queues.
CACHE_URL = _own_test_worker_database(
    env.str(
        "CACHE_URL",
        default=str(urlparse(REDIS_URL)._replace(path="/1").geturl()) if REDIS_URL else "",
    )
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST framework ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "itbrehab.api_auth.TokenAuthentication",  # clinic systems: Authorization: Token …
        # API clients (SPEC §10): Authorization: Bearer … from POST /o/token/.
        "itbrehab.api_clients.auth.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browser, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["itbrehab.api_permissions.IsClinicTherapist"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "itbrehab.api_pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "itbrehab.api_throttles.AddressRateThrottle",
        "itbrehab.api_throttles.TokenRateThrottle",
    ],
    # Generous for a well-behaved client (SPEC §3: ≥ 30 logins and 1,000 requests a minute).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="1200/min"),
        "login": env.str("THROTTLE_LOGIN", default="60/min"),
    },
    "EXCEPTION_HANDLER": "itbrehab.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    # At most this many live tokens per user (SPEC §7): the next login answers 403.
    "TOKEN_LIMIT_PER_USER": 10,
}
SPECTACULAR_SETTINGS = api_schema_settings()
# API clients (SPEC §10; itbrehab.api_clients): only the client-credentials grant (each
# application is made with it, and /o/token/ is the one DOT view served), a token lasts an
# hour, and carries at most the scopes its client holds. Client secrets are stored hashed.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # As ``itbrehab.api_clients.models.SCOPES`` (settings import nothing of the app).
    "SCOPES": {
        "read": "Read the clinic's data (GET).",
        "write": "Change it (POST, PATCH, DELETE).",
    },
    "DEFAULT_SCOPES": ["read"],
    "SCOPES_BACKEND_CLASS": "itbrehab.api_clients.auth.ApiClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "itbrehab.api_clients.auth.ApiClientValidator",
    # RFC 9700 (the OAuth 2.0 security BCP), as DOT 4.0 will default: no implicit or
    # password grant, tokens only in the Authorization header, tokens stored hashed.
    **{
        f"COMPLIANT_BCP_RFC9700_{part}": True
        for part in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
        )
    },
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],  # no redirecting grant is used at all
}
# DOT's own Application model, not swapped (itbrehab.api_clients.models says why); named
# here because a migration's foreign key to a swappable model reads this setting.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
