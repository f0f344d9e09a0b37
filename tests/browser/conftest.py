"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

``.ci/run`` installs the ``chromium`` package; Playwright never downloads a browser (the
launch is set once for every Playwright test in ``tests/conftest.py``).
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def console_errors(page: Any) -> list[str]:
    """Collect JavaScript errors and failed same-page requests; tests assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def phone(new_context: Any, live_server: Any) -> Any:
    """The athlete's phone: a fresh Chromium context in a 390×844 touch viewport."""
    from tests.browser.phone import PHONE

    return new_context(**PHONE, base_url=live_server.url)


@pytest.fixture
def phone_page(phone: Any) -> Any:
    """A page on the phone, waiting up to 10 s for what it expects."""
    page = phone.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def routed_phone_page(new_context: Any, live_server: Any) -> Any:
    """A phone-sized page without the service worker, for tests that route its requests.

    Playwright's ``page.route`` does not always see a request that passed through a
    service worker's fetch handler (Playwright's docs advise blocking service workers
    when routing), which made such tests fail now and then under load.
    """
    from tests.browser.phone import PHONE

    context = new_context(**{**PHONE, "service_workers": "block"}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
