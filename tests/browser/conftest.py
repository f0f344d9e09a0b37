"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

``.ci/run`` installs the ``chromium`` package; Playwright never downloads a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in the test thread for the whole
    # session; the ORM calls the tests make (fixtures, database flushes) are still
    # synchronous and safe. Set only while browser tests run.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def console_errors(page: Any) -> list[str]:
    """Collect JavaScript errors and failed same-page requests; tests assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


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
