"""``python -m scripts.bench`` (``make bench``): time the app against bare Django, print the table.

1. Two fresh PostgreSQL databases beside ``DATABASE_URL``'s (default
   ``postgres://postgres@127.0.0.1:5432/`` → ``itbrehab_bench`` and ``itbrehab_bench_sweep``),
   made and dropped with the production smoke test's helpers.
2. The served clinic (``--athletes``, a year of history each), migrated, static files
   collected (``scripts.bench.django_side clinic``, a subprocess).
3. gunicorn, 2 sync workers, ``DEBUG=false``, production settings behind one TLS proxy
   (the client plays it), ``DJANGO_SETTINGS_MODULE=scripts.bench.settings`` (the app's
   settings plus the floor views). ``REQUIRE_MFA=false`` so the bench therapist logs in
   with a password; the per-token API throttle is raised so it never answers 429.
   ``REDIS_URL``/``CACHE_URL`` are used when set (as in production), else each worker
   caches in its own memory.
4. Warm-up, then ``--rounds`` interleaved rounds (``scripts.bench.measure``).
5. The weekly email sweep on the second database, in-process (``django_side sweep``).
6. The table. Both databases and the server are gone afterwards, whatever happened.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scripts.bench import measure
from tests.production import smoke

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/"
SETTINGS = "scripts.bench.settings"
CLINIC_ZONE = "Europe/London"  # scripts.bench.clinic.TIME_ZONE, without importing Django
WORKERS = 2
WARMUP = 5
CLIENTS = 10
THERAPISTS = 4
# The bench only: one token sends hundreds of requests a second, far past the production
# rate (1,200 a minute); the throttle still runs, with Redis or memory, on every request.
THROTTLE_USER = "1000000/min"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--athletes", type=int, default=200, help="the served clinic's athletes")
    parser.add_argument("--weeks", type=int, default=52, help="weeks of history per athlete")
    parser.add_argument("--rounds", type=int, default=50, help="timed rounds (after warm-up)")
    parser.add_argument(
        "--sweep-therapists",
        type=int,
        default=1000,
        help="therapists of the sweep (20 athletes each)",
    )
    parser.add_argument(
        "--sweep-weeks", type=int, default=8, help="weeks of history per athlete of the sweep"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a check that it runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.athletes, args.weeks, args.rounds = 12, 6, 3
        args.sweep_therapists, args.sweep_weeks = 3, 3
    return args


@contextlib.contextmanager
def database(url: str, suffix: str) -> Iterator[str]:
    """Yield a fresh database's URL (``<name><suffix>``); drop it afterwards."""
    made = smoke.fresh_database_url(url, suffix=suffix)
    try:
        yield made
    finally:
        smoke.drop_database(made)


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    """Return the production-like environment of the server and the Django subprocesses."""
    return smoke.base_environment(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        SECRET_KEY=smoke.new_secret_key(),
        ALLOWED_HOSTS="127.0.0.1",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(workdir / "static"),
        ITBREHAB_VAR_DIR=str(workdir / "var"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        REQUIRE_MFA="false",
        THROTTLE_USER=THROTTLE_USER,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(smoke.ROOT),
        **{k: os.environ[k] for k in ("REDIS_URL", "CACHE_URL") if os.environ.get(k)},
    )


def django_side(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``scripts.bench.django_side ARGS``; return the JSON it printed last."""
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench.django_side", *args],
        cwd=smoke.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"django_side {args[2]} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    password = secrets.token_urlsafe(18)
    common = ("--password", password)
    with (
        tempfile.TemporaryDirectory(prefix="itbrehab-bench-") as folder,
        database(server_url, "_bench") as clinic_url,
        database(server_url, "_bench_sweep") as sweep_url,
    ):
        workdir = Path(folder)
        env = environment(clinic_url, workdir)
        progress(f"generating {args.athletes} athletes × {args.weeks} weeks")
        made = django_side(
            env,
            *common,
            "clinic",
            f"--athletes={args.athletes}",
            f"--therapists={min(THERAPISTS, args.athletes)}",
            f"--weeks={args.weeks}",
        )
        server = smoke.Server(
            tree=smoke.ROOT, venv=Path(sys.prefix), env=env, logs=workdir / "logs", workers=WORKERS
        )
        with smoke.serving(server):
            progress(f"serving on {server.base_url}; {args.rounds} rounds after {WARMUP} warm-up")
            browser, token = measure.log_in(server.base_url, made["therapist_emails"][0], password)
            athletes = made["athlete_ids"]
            today = dt.datetime.now(zoneinfo.ZoneInfo(CLINIC_ZONE)).date()
            bench = measure.Bench(
                base_url=server.base_url,
                browser=browser,
                token=token,
                athlete_id=athletes[len(athletes) // 2],
                bodies=measure.SessionBodies(athletes, today),
                floor_athlete_id=made["floor_athlete_id"],
            )
            results = measure.run(bench, rounds=args.rounds, warmup=WARMUP, clients=CLIENTS)
        progress(f"generating the sweep: {args.sweep_therapists} therapists, timing it")
        started = time.perf_counter()
        sweep = django_side(
            {**env, "DATABASE_URL": sweep_url},
            *common,
            "sweep",
            f"--therapists={args.sweep_therapists}",
            f"--weeks={args.sweep_weeks}",
        )
        sweep_total = time.perf_counter() - started
    print(report(args, made, results, sweep, sweep_total))


def report(
    args: argparse.Namespace,
    made: dict[str, Any],
    results: measure.Results,
    sweep: dict[str, Any],
    sweep_total: float,
) -> str:
    cache = "Redis (CACHE_URL/REDIS_URL)" if os.environ.get("REDIS_URL") else "each worker's memory"
    lines = [
        f"ITB Rehab bench: {args.athletes} athletes × {args.weeks} weeks "
        f"({made['sessions']:,} sessions, {made['stage_changes']:,} stage changes, "
        f"{made['reviews']:,} reviews, {made['pain_scores']:,} check-ins; generated in "
        f"{made['seconds']:.0f} s), {min(THERAPISTS, args.athletes)} therapists.",
        f"gunicorn {WORKERS} sync workers, DEBUG=false, PostgreSQL, {os.cpu_count()} CPUs "
        f"({platform.machine()}, Python {platform.python_version()}); medians of {args.rounds} "
        f"rounds after {WARMUP} warm-up, app and floor interleaved; p95 at {CLIENTS} clients "
        f"from {CLIENTS} threads.",
        f"Bench environment: REQUIRE_MFA=false (the bench therapist logs in with a password), "
        f"THROTTLE_USER={THROTTLE_USER}, cache: {cache}.",
        "",
        measure.table(results, athletes=args.athletes, clients=CLIENTS, sweep=sweep),
        "",
        f"Sweep: {sweep['emails']:,} emails (locmem backend) to {sweep['therapists']:,} PTs of "
        f"{sweep['athletes']:,} athletes with {sweep['weeks']} weeks of history, in one process; "
        f"{sweep['queries']:,} queries; extrapolated linearly per athlete "
        f"(generation took {sweep['generated_seconds']:.0f} s of the {sweep_total:.0f} s). "
        f"Before it, the hourly refresh stored {sweep['refreshed']:,} athletes' progressions "
        f"in {sweep['refresh_seconds']:.1f} s (as production's beat task would have).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
