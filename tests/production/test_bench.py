"""``make bench`` runs end to end and prints the whole table (issue 14).

A benchmark reports times; it is not a timed test. This runs ``python -m scripts.bench
--quick`` (a dozen athletes, three rounds, a three-therapist sweep: a gunicorn server, the
floor views, the token API and the sweep all exercised) and checks what a reader needs:
every row, each with the app's and the floor's numbers, a ratio and its goal, and no
database left behind. Never how fast anything was.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from tests.production import smoke

ROWS = {
    "`GET /dashboard/`, 12 athletes": "≤ 1.5×",
    "`GET /athletes/{id}/`": "≤ 2×",
    "`POST …/sessions/` (token), 1 client": "≥ 0.7×",
    "`POST …/sessions/` (token), 10 clients, p95": "≤ 100 ms",
}
NUMBER = r"\d+(?:\.\d+)?"


@pytest.fixture(scope="module")
def bench_run() -> tuple[subprocess.CompletedProcess[str], str]:
    """Run the quick bench once, on this worker's Redis; return it and its PostgreSQL URL."""
    url = os.environ.get("DATABASE_URL", "")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")},
        **{
            name: getattr(settings, name)
            for name in ("REDIS_URL", "CACHE_URL")
            if getattr(settings, name)
        },
    }
    if not url.startswith(("postgres://", "postgresql://")):
        # A SQLite checkout: the bench's own default server (it needs PostgreSQL).
        env.pop("DATABASE_URL", None)
        url = "postgres://postgres@127.0.0.1:5432/"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--quick"],
        cwd=smoke.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done, url


def test_the_quick_bench_prints_every_row_with_both_sides_a_ratio_and_the_goal(
    bench_run: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    done, _url = bench_run
    assert done.returncode == 0, done.stderr
    lines = {line.split(" | ")[0].lstrip("| "): line for line in done.stdout.splitlines()}
    for row, goal in ROWS.items():
        assert row in lines, f"no row {row!r} in:\n{done.stdout}"
        _, app, floor, ratio, row_goal = [
            cell.strip() for cell in lines[row].strip("|").split(" | ")
        ]
        assert re.fullmatch(rf"{NUMBER}×", ratio), lines[row]
        assert re.match(NUMBER, app), lines[row]
        assert re.match(NUMBER, floor), lines[row]
        assert row_goal == goal
    for row in ("`GET /dashboard/`, 12 athletes", "`GET /athletes/{id}/`"):
        assert re.search(rf"\d+ queries .*\| {NUMBER} ms .*\d+ quer", lines[row]), lines[row]
    sweep = next(line for line in done.stdout.splitlines() if "weekly email sweep, 3 PTs" in line)
    assert re.search(rf"{NUMBER} s \({NUMBER} ms and {NUMBER} queries per PT\)", sweep), sweep
    assert re.search(rf"{NUMBER} (s|min) for 100,000 athletes \| ≤ 60 s for 100,000", sweep)
    assert "REQUIRE_MFA=false" in done.stdout


def test_the_bench_leaves_no_database_behind(
    bench_run: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    done, url = bench_run
    assert done.returncode == 0, done.stderr
    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl()) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
    own = f"{parts.path.lstrip('/') or 'itbrehab'}_bench"
    assert [name for name in names if name.startswith(own)] == []
