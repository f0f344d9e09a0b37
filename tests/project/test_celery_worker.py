"""Real Celery worker processes consume tasks and hand their results back.

The first test uses the configured broker: Redis in CI (``.ci/run`` sets REDIS_URL and
``tests/conftest.py`` refuses to run CI without it). The second runs the worker exactly as
``make run`` does (the ``worker:`` line of Procfile.dev) on the embedded file-system broker.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from itbrehab.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@contextmanager
def _running(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(overrides)
    return env


def test_a_worker_process_runs_a_task_on_the_configured_broker() -> None:
    queue = f"test-{uuid.uuid4().hex}"  # no other worker can take this task
    command = [
        sys.executable, "-m", "celery", "-A", "itbrehab", "worker",
        "--pool=solo", "--queues", queue, "--without-gossip", "--without-mingle",
        "--loglevel=WARNING",
    ]  # fmt: skip
    with _running(command, _env()):
        result = ping.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"


def _procfile_command(name: str) -> list[str]:
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.partition(":")[2])
    raise AssertionError(f"Procfile.dev has no {name} line")


def test_make_runs_worker_executes_a_task_on_the_embedded_broker(tmp_path: Path) -> None:
    env = _env(DEBUG="true", ITBREHAB_VAR_DIR=str(tmp_path))
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    producer = (
        "from itbrehab.celery import app; from itbrehab.tasks import ping; "
        "assert app.conf.broker_url == 'filesystem://', app.conf.broker_url; "
        "print(ping.delay().get(timeout=60))"
    )
    with _running(_procfile_command("worker"), env) as worker:
        sent = subprocess.run(
            [sys.executable, "-c", producer],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert sent.returncode == 0, sent.stderr + (worker.stdout.read() if worker.stdout else "")
    assert sent.stdout.strip() == "pong"
    assert list((tmp_path / "celery" / "queue").iterdir()) == []  # consumed, nothing left
