"""The redaction itself: what ``itbrehab.logs`` cuts out, and where Django applies it.

The end-to-end proof (the real gunicorn's logs) is ``test_secrets_stay_out_of_logs``;
these tests pin the edge cases and the in-process paths: Django's request log through
caplog, and the error report emailed to ADMINS.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import string
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from gunicorn.config import Config
from hypothesis import given
from hypothesis import strategies as st
from knox.models import AuthToken

from athletes import services
from itbrehab.accounts.models import User
from itbrehab.logs import REDACTED, GunicornLogger, RedactingExceptionReporter, redact
from tests.factories import AthleteFactory

URLSAFE = string.ascii_letters + string.digits + "-_"
tokens = st.text(alphabet=URLSAFE, min_size=16, max_size=64)


# --- redact() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ('"GET /m/link/{t}/ HTTP/1.1" 302', '"GET /m/link/[redacted]/ HTTP/1.1" 302'),
        ("Not Found: /m/link/{t}/", "Not Found: /m/link/[redacted]/"),
        ("https://clinic.example/m/link/{t}/", "https://clinic.example/m/link/[redacted]/"),
        ("/m/link/{t}", "/m/link/[redacted]"),  # before APPEND_SLASH's redirect
        ("/m/link/{t}/?utm=x", "/m/link/[redacted]/?utm=x"),
        ("{{'path': 'm/link/{t}/'}}", "{{'path': 'm/link/[redacted]/'}}"),  # Resolver404
        ("/accounts/login/?next=%2Fm%2Flink%2F{t}%2F", "/accounts/login/?next=%2Fm%2Flink%2F"),
        ("/accounts/reset/MQ/{t}/", "/accounts/reset/MQ/[redacted]/"),
        ("Authorization: Token {t}", "Authorization: [redacted]"),
        ("'HTTP_AUTHORIZATION': 'Bearer {t}'", "'HTTP_AUTHORIZATION': '[redacted]'"),
        ("Token {t}{t}", "Token [redacted]"),
        ("/api/v1/athletes/?token={t}&page=2", "/api/v1/athletes/?token=[redacted]&page=2"),
        ("kwargs={{'token': '{t}'}}", "kwargs={{'token': '[redacted]'}}"),
        ("kwargs={{&#x27;token&#x27;: &#x27;{t}&#x27;}}", "&#x27;token&#x27;: &#x27;[redacted]"),
    ],
)
def test_redact_removes_the_token_and_keeps_the_rest(logged: str, expected: str) -> None:
    token = secrets.token_urlsafe(32)

    redacted = redact(logged.format(t=token))

    assert token not in redacted
    assert expected.format(t=token) in redacted


@pytest.mark.parametrize(
    "harmless",
    [
        '"GET /m/log/ HTTP/1.1" 200',
        "/farm/link/abc/ and /accounts/reset/MQ/set-password/",
        "Token expired; Basic authentication refused",
        "Not Found: /api/v1/athletes/999/",
    ],
)
def test_redact_leaves_text_without_a_secret_alone(harmless: str) -> None:
    assert redact(harmless) == harmless


@given(token=tokens, before=st.text(max_size=30), after=st.sampled_from(["/", " ", "", "?x"]))
def test_no_link_token_survives_whatever_surrounds_it(token: str, before: str, after: str) -> None:
    once = redact(f"{before} /m/link/{token}{after}")

    assert f"/m/link/{REDACTED}" in once
    assert redact(once) == once  # the handler and the logger may both redact a record


# --- Django's logs ----------------------------------------------------------------------


@pytest.fixture
def athlete(therapist: User) -> object:
    return AthleteFactory(clinic=therapist.clinic, therapist=therapist)


def test_djangos_request_log_names_the_page_but_not_the_token(
    athlete: object, therapist: User, caplog: pytest.LogCaptureFixture
) -> None:
    revoked, revoked_token = services.device_link_create(athlete=athlete, created_by=therapist)
    services.device_link_revoke(link=revoked)
    unknown = secrets.token_urlsafe(32)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get(f"/m/link/{unknown}/").status_code == 404
        assert Client().get(f"/m/link/{revoked_token}/").status_code == 410

    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Not Found: /m/link/[redacted]/",
        "Gone: /m/link/[redacted]/",
    ]
    assert unknown not in caplog.text
    assert revoked_token not in caplog.text


@pytest.fixture
def crash_on_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make opening a link fail inside the view, where the token is a local variable."""

    def broken(token: str) -> str:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "device_link_token_hash", broken)


@pytest.mark.usefixtures("crash_on_open")
def test_the_error_report_emailed_to_admins_carries_no_token(
    therapist: User, settings: object
) -> None:
    settings.ADMINS = [("Ops", "ops@clinic.example")]  # type: ignore[attr-defined]
    link_token = secrets.token_urlsafe(32)
    _, api_token = AuthToken.objects.create(therapist)
    client = Client(raise_request_exception=False)

    response = client.get(
        f"/m/link/{link_token}/",
        HTTP_AUTHORIZATION=f"Token {api_token}",
        HTTP_REFERER=f"https://clinic.example/m/link/{link_token}/",
    )

    assert response.status_code == 500
    [report] = mail.outbox
    assert report.to == ["ops@clinic.example"]
    assert "/m/link/[redacted]/" in report.subject
    assert "the database went away" in report.body  # still a useful report
    for text in (report.subject, report.body):
        assert link_token[:12] not in text
        assert api_token[:12] not in text


def test_the_html_error_report_hides_the_token_in_frames_and_request(
    rf: object, therapist: User
) -> None:
    link_token = secrets.token_urlsafe(32)
    _, api_token = AuthToken.objects.create(therapist)
    request = rf.get(  # type: ignore[attr-defined]
        f"/m/link/{link_token}/?token={link_token}",
        HTTP_AUTHORIZATION=f"Token {api_token}",
        HTTP_REFERER=f"https://clinic.example/m/link/{link_token}/",
    )

    def open_link(request: object, token: str) -> None:
        kwargs = {"token": token}  # noqa: F841 - a frame variable the report prints
        raise RuntimeError("boom")

    try:
        open_link(request, link_token)
    except RuntimeError as error:
        reporter = RedactingExceptionReporter(request, type(error), error, error.__traceback__)
        reports = [reporter.get_traceback_html(), reporter.get_traceback_text()]

    for report in reports:
        assert "boom" in report
        assert link_token not in report
        assert api_token not in report
        assert api_token[:12] not in report


# --- gunicorn's access log --------------------------------------------------------------


def test_a_custom_access_log_format_naming_secret_headers_prints_them_redacted(
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    config.set("access_log_format", '"%(r)s" %(s)s "%({authorization}i)s" "%({cookie}i)s"')
    logger = GunicornLogger(config)
    link_token, api_token = secrets.token_urlsafe(32), secrets.token_hex(32)
    headers = [("AUTHORIZATION", f"Token {api_token}"), ("COOKIE", "sessionid=abc123secret")]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/m/link/{link_token}/",
        "PATH_INFO": f"/m/link/{link_token}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": f"Token {api_token}",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])

    logger.access(response, SimpleNamespace(headers=headers), environ, dt.timedelta(0))

    assert (
        log_file.read_text() == '"GET /m/link/[redacted]/ HTTP/1.1" 302 "[redacted]" "[redacted]"\n'
    )
