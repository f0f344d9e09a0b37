"""Real processes send the weekly email exactly once (SPEC §5, STYLE "Celery").

Two sweeps at once in two OS processes; a worker killed with SIGKILL in the middle of a
send, then a new worker that sends after the next sweep; a mail server that drops the
first connection, then a retry that delivers.

Every process shares this test's database: on PostgreSQL (CI) pytest-django's test
database, on SQLite a file in ``tmp_path`` that the test migrates (an in-memory test
database cannot be shared). Workers run on the configured broker, Redis in CI, else the
embedded file-system broker in ``tmp_path``, each test on a queue of its own.
"""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from itbrehab.accounts.models import User, Weekday
from progressions.models import ReminderDispatch
from tests.factories import AthleteFactory, ClinicFactory, TherapistFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BACKENDS = "tests.support.email_backends"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# Production: 15 minutes. Long enough that a send slowed by a loaded machine (two test
# workers, a browser) never outlives its claim, which would let the other sweep send again.
LEASE_SECONDS = 8
WAIT_SECONDS = 45
SENT = ReminderDispatch.Status.SENT

T = TypeVar("T")

# A worker whose default queue is the test's own, so that the send tasks the sweep queues
# (and their retries) stay on it, away from any other worker on the same Redis.
WORKER = """
import sys
from itbrehab.celery import app

queue = sys.argv[1]
app.conf.task_default_queue = queue
app.worker_main([
    "worker", "--pool=solo", f"--queues={queue}", f"--hostname={queue}@%h",
    "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
])
"""

# The sweep and the sends, in-process, once both this and the other process have swept.
SWEEP_AND_SEND = """
import sys, time
from pathlib import Path

import django

django.setup()
from django.db import connection
from django.utils import timezone
from progressions import reminders

folder, me, other = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

def meet(step):
    (folder / f"{step}-{me}").touch()
    while not (folder / f"{step}-{other}").exists():
        time.sleep(0.005)

connection.ensure_connection()
meet("ready")
ids = reminders.due_dispatches()
meet("swept")  # both hold every id before either claims one
print(len(ids), sum(reminders.send_dispatch(pk) for pk in ids))
"""


def wait_for(condition: Callable[[], T], what: str, *logs: Path) -> T:
    """Return the first truthy value of ``condition()``; fail after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    output = "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)
    raise AssertionError(f"Timed out waiting for {what}.\n{output}")


def read_mailbox(folder: Path) -> list[Message]:
    """Return every message the file-based backend wrote (79 dashes end each one)."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


def recipients(folder: Path) -> list[str]:
    return sorted(message["To"] for message in read_mailbox(folder))


def _postgres_url(database: dict[str, Any]) -> str:
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(database['NAME'], safe='')}"


@contextmanager
def _on_sqlite_file(path: Path) -> Iterator[None]:
    """Point this process's connection at a migrated SQLite file the other processes open.

    pytest-django's SQLite test database lives in memory, where no other process sees it;
    its connection is set aside and given back afterwards, so its clean-up still runs.
    """
    database = connection.settings_dict
    in_memory_name, in_memory = database["NAME"], connection.connection
    connection.connection = None
    database["NAME"] = str(path)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connection.close()
        database["NAME"], connection.connection = in_memory_name, in_memory


@dataclass
class Processes:
    """The environment, queue and folders this test's processes share."""

    root: Path
    database_url: str
    queue: str = field(default_factory=lambda: f"reminders-test-{uuid.uuid4().hex}")

    @property
    def mail(self) -> Path:
        return self.root / "mail"

    @property
    def signals(self) -> Path:
        return self.root / "signals"

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "itbrehab.settings",
            "DATABASE_URL": self.database_url,
            "ITBREHAB_VAR_DIR": str(self.root / "var"),  # the file-system broker, if used
            "EMAIL_FILE_PATH": str(self.mail),
            "TEST_EMAIL_SIGNAL_DIR": str(self.signals),
            "REMINDER_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
            "REMINDER_RETRY_BACKOFF_SECONDS": "1",
        }
        env.update(overrides)
        return env

    @contextmanager
    def worker(self, email_backend: str, name: str) -> Iterator[subprocess.Popen[bytes]]:
        """Run a worker process on the test's queue; stop it (SIGTERM) on the way out."""
        log = self.root / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER, self.queue],
                cwd=ROOT,
                env=self.env(EMAIL_BACKEND=email_backend),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def broker(self) -> Celery:
        """Return a producer on the broker the workers use (settings.py's own choice)."""
        if settings.REDIS_URL:  # settings.py: Redis when REDIS_URL is set
            return Celery(broker=settings.CELERY_BROKER_URL, set_as_current=False)
        embedded = self.root / "var" / "celery"
        folders = {name: embedded / name for name in ("queue", "control", "processed")}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        producer = Celery(broker="filesystem://", set_as_current=False)
        producer.conf.broker_transport_options = {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "processed_folder": str(folders["processed"]),
            "store_processed": False,
        }
        return producer

    def sweep(self) -> None:
        """Do what beat does every hour: queue the sweep (the worker then queues the sends)."""
        producer = self.broker()
        try:
            producer.send_task("progressions.tasks.sweep_stage_review_reminders", queue=self.queue)
        finally:
            producer.close()

    def forget_queue(self) -> None:
        """Drop what a killed worker left on Redis: its unacknowledged message and the queue."""
        if not settings.REDIS_URL:
            return
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        try:
            for tag, payload in client.hscan_iter("unacked"):
                _message, exchange, routing_key = json.loads(payload)
                if self.queue in (exchange, routing_key):
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
            priorities = [f"{self.queue}\x06\x16{level}" for level in range(10)]
            bindings = [f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}"]
            client.delete(self.queue, *priorities, *bindings)
        finally:
            client.close()


@pytest.fixture
def processes(transactional_db: None, tmp_path: Path) -> Iterator[Processes]:
    """Yield what other processes need to share this test's database, broker and mailbox."""
    for folder in ("mail", "signals", "var"):
        (tmp_path / folder).mkdir()
    if connection.vendor == "postgresql":
        shared = Processes(tmp_path, _postgres_url(connection.settings_dict))
        yield shared
    else:
        assert connection.vendor == "sqlite", connection.vendor
        database = tmp_path / "db.sqlite3"
        with _on_sqlite_file(database):
            shared = Processes(tmp_path, f"sqlite:///{database}")
            yield shared
    shared.forget_queue()


def pts_with_athletes(count: int) -> list[User]:
    """Return ``count`` therapists with an active athlete, in a clinic that is always due.

    The clinic reviews on Mondays at 00:00 UTC, the first instant of every ISO week, so
    processes on the real clock always find the email due. Two more therapists of the
    clinic must never get one: one has no athlete, one only a discharged athlete.
    """
    clinic = ClinicFactory(time_zone="UTC", review_weekday=Weekday.MONDAY, review_hour=0)
    pts = TherapistFactory.create_batch(count, clinic=clinic)
    for pt in pts:
        AthleteFactory(therapist=pt)
    TherapistFactory(clinic=clinic)
    AthleteFactory(therapist=TherapistFactory(clinic=clinic), status="discharged")
    return pts


def test_two_sweeps_at_once_in_two_processes_send_one_email_per_therapist(
    processes: Processes,
) -> None:
    pts = pts_with_athletes(4)
    env = processes.env(EMAIL_BACKEND=f"{BACKENDS}.SlowBackend")
    sweepers = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP_AND_SEND, str(processes.signals), me, other],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other in (("a", "b"), ("b", "a"))
    ]
    results = [sweeper.communicate(timeout=WAIT_SECONDS) for sweeper in sweepers]

    assert [sweeper.returncode for sweeper in sweepers] == [0, 0], results
    handed_out, sent = zip(*(map(int, out.split()) for out, _err in results), strict=True)
    assert handed_out == (4, 4)  # both swept before either sent: every email was contested
    assert sum(sent) == 4
    assert recipients(processes.mail) == sorted(pt.email for pt in pts)
    dispatches = ReminderDispatch.objects.all()
    assert sorted(dispatch.therapist_id for dispatch in dispatches) == sorted(pt.pk for pt in pts)
    assert {(dispatch.status, dispatch.attempts) for dispatch in dispatches} == {(SENT, 1)}


def test_a_worker_killed_mid_send_leaves_one_email_per_therapist_after_the_next_sweep(
    processes: Processes,
) -> None:
    pts = pts_with_athletes(2)
    first_log = processes.root / "first-worker.log"
    with processes.worker(f"{BACKENDS}.BlockingBackend", "first-worker") as first:
        processes.sweep()
        wait_for(lambda: list(processes.signals.glob("blocked-*")), "a send to start", first_log)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL

    assert read_mailbox(processes.mail) == []  # it died before the email went out
    killed = ReminderDispatch.objects.get(status=ReminderDispatch.Status.SENDING)
    [other] = [pt for pt in pts if pt != killed.therapist]

    second_log = processes.root / "second-worker.log"
    with processes.worker(FILE_BACKEND, "second-worker"):
        # The other therapist's task was still queued: the new worker sends it...
        wait_for(
            lambda: ReminderDispatch.objects.filter(therapist=other, status=SENT).exists(),
            "the queued email",
            second_log,
        )
        # ...but nothing brings back the killed task's email before its lease ends.
        killed.refresh_from_db()
        assert killed.status == ReminderDispatch.Status.SENDING
        assert recipients(processes.mail) == [other.email]

        lease_ends = killed.claimed_at + dt.timedelta(seconds=LEASE_SECONDS)
        time.sleep(max(0.0, (lease_ends - timezone.now()).total_seconds()) + 0.2)
        processes.sweep()
        wait_for(
            lambda: ReminderDispatch.objects.filter(status=SENT).count() == 2,
            "the next sweep to send the killed email",
            second_log,
        )

    assert recipients(processes.mail) == sorted(pt.email for pt in pts)
    killed.refresh_from_db()
    assert (killed.status, killed.attempts) == (SENT, 2)


def test_an_smtp_failure_is_retried_and_the_email_then_sent_once(processes: Processes) -> None:
    [pt] = pts_with_athletes(1)
    log = processes.root / "worker.log"
    with processes.worker(f"{BACKENDS}.FlakyBackend", "worker"):
        processes.sweep()
        dispatch = wait_for(
            lambda: ReminderDispatch.objects.filter(status=SENT).first(), "the retry", log
        )

    assert (dispatch.therapist, dispatch.attempts, dispatch.last_error) == (pt, 2, "")
    assert (processes.signals / "smtp-attempts").read_text() == ".."  # refused, then sent
    assert recipients(processes.mail) == [pt.email]
    [message] = read_mailbox(processes.mail)
    assert message.get_content_type() == "multipart/alternative"
