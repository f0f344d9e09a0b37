"""No access-log line, error-log line or Referer carries a phone-link or API token.

SPEC §7. Read from the real logs of the production gunicorn (``gunicorn.conf.py``, as the
Dockerfile runs it): the access log on its stdout, the error log and Django's own log lines
("Not Found: …", "Gone: …") on its stderr.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pytest

from tests.production import smoke
from tests.production.conftest import Site


def _request_line(log: str, target: str, status: int) -> bool:
    # Combined log format: … "GET <target> HTTP/1.1" <status> …
    return re.search(rf'"GET {re.escape(target)} HTTP/1\.[01]" {status} ', log) is not None


@pytest.fixture(scope="module")
def exchanges(smoke_site: Site) -> dict[str, Any]:
    """Make every request that could leak a secret; return the secrets and the responses."""
    site, origin = smoke_site, smoke_site.client().origin
    logged_before = site.server.access_lines()
    unknown = secrets.token_urlsafe(32)
    phone = site.client()
    opened = phone.get(f"/m/link/{site.link_token}/")
    # A browser that ignored the policy would send the link page as the next Referer.
    followed = phone.get("/m/", headers={"Referer": f"{origin}/m/link/{site.link_token}/"})
    no_slash = site.client().get(f"/m/link/{site.link_token}")
    refused = site.client().get(f"/m/link/{unknown}/")
    revoked = site.client().get(f"/m/link/{site.revoked_token}/")

    api = site.client()
    # The therapist has two-step login (production requires it): a recovery code as otp.
    otp = site.recovery_codes[0]
    login = api.request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"email": site.email, "password": site.password, "otp": otp}).encode(),
        headers={"Content-Type": "application/json"},
    )
    api_token = login.json()["token"]  # type: ignore[index]
    listed = api.get(
        "/api/v1/athletes/",
        headers={
            "Authorization": f"Token {api_token}",
            "Referer": f"{origin}/m/link/{site.link_token}/",
        },
    )
    wrong_token = secrets.token_hex(32)
    refused_api = api.get("/api/v1/athletes/", headers={"Authorization": f"Token {wrong_token}"})
    # A client that puts its token in the address instead of the header.
    in_query = api.get(f"/api/v1/athletes/?token={api_token}")
    # The nine requests above: gunicorn logs each one just after answering it.
    site.server.wait_for_access_lines(logged_before + 9)
    return {
        "secrets": [site.link_token, site.revoked_token, unknown, api_token, wrong_token, otp],
        "statuses": [
            r.status
            for r in (opened, followed, no_slash, refused, revoked, listed, refused_api, in_query)
        ],
        "responses": {"opened": opened, "refused": refused, "revoked": revoked},
        "origin": origin,
    }


def test_the_requests_were_answered_as_usual(exchanges: dict[str, Any]) -> None:
    # 301: APPEND_SLASH. 401: the wrong token, and the token in the query is not read.
    assert exchanges["statuses"] == [302, 200, 301, 404, 410, 200, 401, 401]


def test_no_log_line_holds_a_token_or_any_part_of_one(
    smoke_site: Site, exchanges: dict[str, Any]
) -> None:
    logs = smoke_site.server.logs_text()

    for secret in exchanges["secrets"]:
        assert secret[:12] not in logs


def test_the_access_log_still_says_which_page_answered_what(
    smoke_site: Site, exchanges: dict[str, Any]
) -> None:
    access = smoke_site.server.access_log.read_text()

    assert _request_line(access, "/m/link/[redacted]/", 302)
    assert _request_line(access, "/m/link/[redacted]", 301)
    assert _request_line(access, "/m/link/[redacted]/", 404)
    assert _request_line(access, "/m/link/[redacted]/", 410)
    assert _request_line(access, "/api/v1/athletes/", 200)
    assert _request_line(access, "/api/v1/athletes/?token=[redacted]", 401)
    # The Referer field is kept, with the token cut out of it.
    assert f'"{exchanges["origin"]}/m/link/[redacted]/"' in access


def test_djangos_not_found_and_gone_lines_name_the_page_without_the_token(
    smoke_site: Site, exchanges: dict[str, Any]
) -> None:
    errors = smoke_site.server.error_log.read_text()

    assert "WARNING django.request Not Found: /m/link/[redacted]/" in errors
    assert "WARNING django.request Gone: /m/link/[redacted]/" in errors


def test_link_pages_tell_the_browser_to_send_no_referer(exchanges: dict[str, Any]) -> None:
    for name, response in exchanges["responses"].items():
        assert response.headers["Referrer-Policy"] == "no-referrer", name
    for name in ("refused", "revoked"):
        assert '<meta name="referrer" content="no-referrer">' in (exchanges["responses"][name].text)


def test_chromium_sends_no_referer_with_what_a_refused_link_page_loads(
    smoke_site: Site, browser: Any
) -> None:
    # The refused page loads a stylesheet, a script and an icon from the link's own address;
    # a Referer on those requests would carry the token (redacted in the log or not).
    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    try:
        page = context.new_page()
        loaded: list[tuple[str, str | None]] = []
        page.on("request", lambda r: loaded.append((r.url, r.headers.get("referer"))))
        unknown = secrets.token_urlsafe(32)
        response = page.goto(f"{smoke_site.server.base_url}/m/link/{unknown}/")
        assert response is not None
        assert response.status == 404
        page.wait_for_load_state("load")
    finally:
        context.close()

    subresources = [(url, referer) for url, referer in loaded if smoke.STATIC_URL in url]
    assert any("phone" in url for url, _ in subresources), loaded
    assert [referer for _, referer in subresources if referer] == []
