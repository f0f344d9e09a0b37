"""Secrets stay out of logs (SPEC §7): one redaction, used by every log the app writes.

A phone link carries its token in the path (``/m/link/<token>/``), an API client sends
``Authorization: Token <token>``, and a password-reset email links to
``/reset/<uid>/<token>/``. Each of these would otherwise land in the server's access log
(request line, Referer), in Django's "Not Found: /m/link/…" and "Gone: …" warnings and in
error reports. :func:`redact` replaces the secret part of each with ``[redacted]`` and
keeps the rest of the line, so the logs still say which page was asked for and how it
answered. It is applied by

- :class:`RedactSecrets`, a logging filter on Django's request loggers and on every handler
  in ``settings.LOGGING`` (the message, its arguments and the formatted traceback);
- :class:`RedactingExceptionReporterFilter` and :class:`RedactingExceptionReporter`, so an
  error report (the email to ``ADMINS``) carries neither the path token nor a header secret;
- :class:`GunicornLogger`, gunicorn's logger class (``gunicorn.conf.py``): the access-log
  fields and the error log.

Only what leaves the process is rewritten: requests themselves are untouched.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter
from gunicorn.glogging import Logger as _GunicornBaseLogger

REDACTED = "[redacted]"

# A secret runs until the next character that ends a path segment or a quoted value. One
# already redacted is left alone, so that redacting twice changes nothing.
_NOT_REDACTED = rf"(?!{re.escape(REDACTED)})"
_SECRET = _NOT_REDACTED + r"[^/?#&\s'\"<>\\%,;)}\]]+"
# An optional quote, also HTML-escaped (the error report's HTML prints reprs escaped).
_QUOTE = r"(?:['\"]|&#x27;|&#39;|&quot;)?"
# "/" or its percent-encoded form (a link URL inside a ?next= or a Referer's query).
_SLASH = r"(?:/|%2F)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Phone link: /m/link/<token>/ with or without the leading slash (Django's resolver
    # reports the path relative to the include, "m/link/<token>/").
    (
        re.compile(rf"((?:(?<=%2F)|(?<![\w.-]))m{_SLASH}link{_SLASH}){_SECRET}", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    # Password reset: /reset/<uidb64>/<token>/ (the form after it, …/set-password/, holds
    # no secret and is kept).
    (
        re.compile(
            rf"((?<![\w.-])reset{_SLASH}[\w-]+{_SLASH})(?!set-password\b){_SECRET}",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # An Authorization header, however it is printed: "Authorization: Token …",
    # "'HTTP_AUTHORIZATION': 'Bearer …'", "authorization=Basic …". The whole value goes.
    (
        re.compile(
            rf"(authorization{_QUOTE}\s*[:=]\s*{_QUOTE}){_NOT_REDACTED}[^\s'\"&,}}][^'\"&\r\n,}}]*",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # A bare scheme + credential (an Authorization value printed on its own). Real tokens
    # are long; the length keeps prose such as "Token expired" intact.
    (
        re.compile(r"\b(Token|Bearer)\s+[A-Za-z0-9._~+/=-]{20,}", re.IGNORECASE),
        rf"\1 {REDACTED}",
    ),
    # token=…, "token": "…", 'token': '…' (query strings, JSON, a dict's repr such as a
    # ResolverMatch's kwargs). Also covers csrfmiddlewaretoken=…, access_token=… and an API
    # client's client_secret=… (SPEC §10: a body oauthlib might print at DEBUG).
    (
        re.compile(rf"((?:token|secret){_QUOTE}\s*[:=]\s*{_QUOTE}){_SECRET}", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
)

# Headers whose whole value is a secret, wherever their value is printed on its own.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def redact(text: str) -> str:
    """Return ``text`` with every phone-link, password-reset and API token replaced.

    The rest of the text is kept as it was; text with no secret comes back unchanged.
    """
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrite a log record so that its message and traceback carry no token.

    Never drops a record. The message is formatted here (``msg % args``) only when it
    holds a secret; otherwise the record is left as it came, arguments and all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's to report, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text once set: every handler prints the redacted one.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: no request field or frame variable carries a token.

    Django already hides values whose *name* looks secret (``HTTP_AUTHORIZATION``,
    ``HTTP_COOKIE``, settings named ``…TOKEN``/``…KEY``). This also hides the token inside
    values whose name does not (``PATH_INFO``, ``RAW_URI``, ``HTTP_REFERER``,
    ``QUERY_STRING``) and frame variables named like a secret (the view's ``token``
    argument, ``kwargs={'token': …}``).
    """

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        # Exactly str: a lazy string (a settings value) is printed by its repr instead.
        return redact(cleansed) if type(cleansed) is str else cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Iterable[Any]:
        return [
            (name, self.cleanse_setting(name, value) if _plain(value) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


def _plain(value: object) -> bool:
    # Only plain data is cleansed by name; objects are printed by their repr, which the
    # reporter's output redaction covers.
    return isinstance(value, str | Mapping | list | tuple)


class RedactingExceptionReporter(ExceptionReporter):
    """Django's error report (text and HTML), with every token redacted from the output.

    The report prints the request path and the reprs of frame variables (a request, a
    resolver match) in places no filter reaches, so the finished text is redacted too.
    """

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if "request_GET_items" in data:
            # Query parameters are printed as a table (name and value apart, out of the
            # output redaction's sight): hide those named like a secret (?token=…).
            data["request_GET_items"] = [
                (name, self.filter.cleanse_setting(name, value))
                for name, value in data["request_GET_items"]
            ]
        return data

    def get_traceback_html(self) -> str:
        return redact(str(super().get_traceback_html()))

    def get_traceback_text(self) -> str:
        return redact(str(super().get_traceback_text()))


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger, with every access-log field and error-log line redacted.

    The access log's request line (``%(r)s``), path (``%(U)s``), query (``%(q)s``),
    Referer (``%(f)s``) and any header or environ field a custom ``access_log_format``
    names are redacted one by one; secret headers (``Authorization``, ``Cookie``) are
    dropped whole. The error log ("Error handling request /m/link/…", the debug line of
    every request) goes through :class:`RedactSecrets`.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        redactor = RedactSecrets()
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(redactor)

    def atoms(
        self, resp: Any, req: Any, environ: Mapping[str, Any], request_time: Any
    ) -> dict[str, Any]:
        return {
            key: _redact_atom(key, value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


def _redact_atom(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key.startswith("{") and key[-2:] in ("}i", "}o", "}e"):
        name = key[1:-2].lower().removeprefix("http_").replace("_", "-")
        if name in SECRET_HEADERS:
            return REDACTED
    return redact(value)
