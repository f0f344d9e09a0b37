"""Take the README's screenshots of the PT pages from a throwaway demo clinic.

Run ``DEBUG=true .venv/bin/python -m scripts.screenshots`` (or ``make screenshots``). It
migrates a fresh SQLite database in a temporary ``ITBREHAB_VAR_DIR``, loads the demo
clinic, serves it with ``manage.py runserver`` on a free local port, logs in as the demo
PT in Debian's Chromium and writes ``docs/screenshots/dashboard.png`` and
``docs/screenshots/athlete.png`` (1280 px wide, full page). The database, the server and
the temporary directory are gone afterwards; DATABASE_URL and REDIS_URL are ignored so
a real database is never touched.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTH = 1280
SERVER_START_SECONDS = 30
CHARTS = ("pain-chart", "minutes-chart", "cadence-chart")


def _environment(var_dir: Path) -> dict[str, str]:
    """Return the environment for manage.py: the throwaway var dir, embedded services only."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_FILE_PATH"}
    }
    env.update(ITBREHAB_VAR_DIR=str(var_dir), DEBUG="true", PYTHONUNBUFFERED="1")
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    """Run a management command; return what it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise SystemExit(f"runserver did not answer {url} within {SERVER_START_SECONDS} s")


@contextmanager
def demo_server() -> Iterator[tuple[str, str, str]]:
    """Serve a freshly loaded demo clinic; yield (base URL, email, password), then stop.

    The login is read from what ``load_demo`` prints, so it never drifts from the demo.
    """
    with tempfile.TemporaryDirectory(prefix="itbrehab-screenshots-") as var_dir:
        env = _environment(Path(var_dir))
        _manage(env, "migrate", "--noinput", "--verbosity", "0")
        printed = _manage(env, "load_demo")
        login = re.search(r"log in as (\S+) / (\S+)", printed)
        if login is None:
            raise SystemExit(f"load_demo printed no login:\n{printed}")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(f"{base}/accounts/login/", server)
            yield base, login.group(1), login.group(2)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/dashboard/")
    page.wait_for_load_state("networkidle")


def _shoot_athlete(page: Page) -> str:
    """Open the most urgent athlete (a red flag, else one ready to advance); return the name."""
    rows = page.locator("#athlete-table tbody tr")
    flagged = rows.filter(has=page.locator(".badge-back_off, .badge-advance")).first
    link = flagged.locator("th[scope=row] > a")
    name = link.inner_text()
    link.click()
    page.wait_for_load_state("networkidle")
    for canvas in CHARTS:
        page.wait_for_function(f"() => !!Chart.getChart(document.getElementById('{canvas}'))")
    page.screenshot(path=OUT / "athlete.png", full_page=True)
    return name


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as (base, email, password), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 800})
        _log_in(page, base, email, password)
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        name = _shoot_athlete(page)
        browser.close()
    print(f"Wrote {OUT / 'dashboard.png'} and {OUT / 'athlete.png'} ({name}).")


if __name__ == "__main__":
    main()
