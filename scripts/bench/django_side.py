"""The benchmark's work inside Django, run in a subprocess on one bench database.

``python -m scripts.bench.django_side clinic ...`` migrates the database, collects the
static files and generates the clinic the server will serve; ``... sweep ...`` migrates,
generates the sweep's clinics and times the weekly email sweep in this process with the
locmem email backend. Each prints one JSON object (its last line) for ``__main__``.
The environment (``DATABASE_URL``, ``DJANGO_SETTINGS_MODULE``...) comes from ``__main__``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from typing import Any

import django


def _prepare(*, static: bool) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    if static:
        call_command("collectstatic", "--noinput", verbosity=0)


def clinic(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the served clinic; return its therapists, athletes and row counts."""
    _prepare(static=True)
    from django.utils import timezone

    from scripts.bench import clinic as generator

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now, timezone=generator.zoneinfo.ZoneInfo(generator.TIME_ZONE))
    made = generator.generate(
        name="Bench Clinic",
        therapists=args.therapists,
        athletes_per_therapist=args.athletes // args.therapists,
        weeks=args.weeks,
        today=today,
        seed=args.seed,
        password=args.password,
        now=now,
    )
    # The floor's POSTs write to an athlete of another clinic: a session written outside
    # the app's services would otherwise leave a dashboard athlete to be evaluated again.
    floor = generator.generate(
        name="Floor Clinic",
        therapists=1,
        athletes_per_therapist=1,
        weeks=args.weeks,
        today=today,
        seed=args.seed + 1,
        password=args.password,
        now=now,
    )
    return {
        **asdict(made),
        "floor_athlete_id": floor.athlete_ids[0],
        "seconds": time.perf_counter() - started,
    }


def sweep(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the sweep's clinics, then run the weekly sweep once, timed and counted."""
    _prepare(static=False)
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from athletes.models import Athlete
    from progressions import reminders, stored
    from scripts.bench import clinic as generator

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now, timezone=generator.zoneinfo.ZoneInfo(generator.TIME_ZONE))
    clinics = max(1, args.therapists // args.therapists_per_clinic)
    for number in range(clinics):
        share = args.therapists // clinics + (number < args.therapists % clinics)
        generator.generate(
            name=f"Sweep Clinic {number}",
            therapists=share,
            athletes_per_therapist=args.athletes_per_therapist,
            weeks=args.weeks,
            today=today,
            seed=args.seed + number,
            password=args.password,
            now=now,
        )
    generated = time.perf_counter() - started
    athletes = Athlete.objects.count()
    # The rows were written outside the services: first what the hourly refresh of the
    # stored progressions does in production before any email (timed on its own).
    started = time.perf_counter()
    refreshed = stored.refresh_due()
    refresh_seconds = time.perf_counter() - started
    # What the hourly beat task and then one send task per therapist run (progressions/
    # tasks.py), called directly: every clinic treated as due (its review hour passed).
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        ids = reminders.due_dispatches(now=now, ignore_schedule=True)
        sent = sum(reminders.send_dispatch(pk, now=now) for pk in ids)
        seconds = time.perf_counter() - started
    return {
        "therapists": args.therapists,
        "athletes": athletes,
        "weeks": args.weeks,
        "emails": sent,
        "outbox": len(getattr(mail, "outbox", [])),
        "seconds": seconds,
        "queries": len(queries),
        "generated_seconds": generated,
        "refreshed": refreshed,
        "refresh_seconds": refresh_seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.django_side")
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed", type=int, default=14)
    sub = parser.add_subparsers(dest="task", required=True)
    served = sub.add_parser("clinic")
    served.add_argument("--athletes", type=int, required=True)
    served.add_argument("--therapists", type=int, required=True)
    served.add_argument("--weeks", type=int, required=True)
    swept = sub.add_parser("sweep")
    swept.add_argument("--therapists", type=int, required=True)
    swept.add_argument("--therapists-per-clinic", type=int, default=20)
    swept.add_argument("--athletes-per-therapist", type=int, default=20)
    swept.add_argument("--weeks", type=int, required=True)
    args = parser.parse_args(argv)
    result = clinic(args) if args.task == "clinic" else sweep(args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
