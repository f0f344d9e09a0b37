"""Timing the app against its floor over HTTP, and the table that reports it.

Requests alternate app, floor, app, floor... so both see the same machine at the same
moment (a background job, a cache warming up, the database's autovacuum). Each request is
a new connection, as gunicorn's sync workers close every one. Latency is measured by the
client, from sending to the last byte; queries come from the server's
``X-Bench-Queries`` header (``scripts.bench.floor.QueryCountMiddleware``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from scripts.bench import QUERY_HEADER
from tests.production.smoke import Client, Response


@dataclass
class Samples:
    """The latencies (seconds) and query counts of one kind of request."""

    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def add(self, seconds: float, response: Response) -> None:
        self.seconds.append(seconds)
        self.queries.append(int(response.headers.get(QUERY_HEADER, "-1")))

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000

    @property
    def per_second(self) -> float:
        """Requests a second one client gets through: 1 / the median latency."""
        return 1000 / self.median_ms

    @property
    def query_count(self) -> int:
        return int(statistics.median(self.queries))


@dataclass
class Pair:
    app: Samples = field(default_factory=Samples)
    floor: Samples = field(default_factory=Samples)


class UnexpectedAnswer(AssertionError):
    """A request answered something other than what the benchmark needs to time."""


def timed(send: Callable[[], Response], status: int) -> tuple[float, Response]:
    """Send one request; return (seconds, response), raising on an unexpected status."""
    started = time.perf_counter()
    response = send()
    seconds = time.perf_counter() - started
    if response.status != status:
        raise UnexpectedAnswer(f"{response.url} answered {response.status}: {response.text[:500]}")
    return seconds, response


class SessionBodies:
    """New sessions to POST, each with a new client_id and date (so each really inserts).

    Thread-safe: the 10-client phase draws from it in every thread. Dates walk back one
    day per round over the clinic's athletes, within the last year.
    """

    def __init__(self, athlete_ids: list[int], today: dt.date) -> None:
        self.athlete_ids = athlete_ids
        self.today = today
        self.counter = itertools.count()
        self.lock = threading.Lock()

    def next(self) -> tuple[int, dict[str, object]]:
        with self.lock:
            n = next(self.counter)
        athlete = self.athlete_ids[n % len(self.athlete_ids)]
        day = self.today - dt.timedelta(days=(n // len(self.athlete_ids)) % 365)
        return athlete, {
            "date": day.isoformat(),
            "activity": "walk",
            "terrain": "uphill",
            "surface": "treadmill",
            "incline_percent": "8.0",
            "duration_min": 30,
            "intensity": "easy",
            "pain_before": 0,
            "pain_during": 1,
            "pain_after": 1,
            "client_id": str(uuid.uuid4()),
        }


@dataclass
class Bench:
    """The logged-in browser, the API token and what to request."""

    base_url: str
    browser: Client
    token: str
    athlete_id: int
    bodies: SessionBodies
    floor_athlete_id: int

    def dashboard(self, floor: bool) -> Response:
        return self.browser.get("/bench/floor/dashboard/" if floor else "/dashboard/")

    def athlete(self, floor: bool) -> Response:
        path = "/bench/floor/athlete/{}/" if floor else "/athletes/{}/"
        return self.browser.get(path.format(self.athlete_id))

    def post(self, floor: bool, client: Client | None = None) -> Response:
        client = client or Client(self.base_url)
        athlete, body = self.bodies.next()
        headers = {"Content-Type": "application/json"}
        if floor:
            path, body = "/bench/floor/sessions/", {**body, "athlete": self.floor_athlete_id}
        else:
            path = f"/api/v1/athletes/{athlete}/sessions/"
            headers["Authorization"] = f"Token {self.token}"
        return client.request("POST", path, body=json.dumps(body).encode(), headers=headers)


def log_in(base_url: str, email: str, password: str) -> tuple[Client, str]:
    """Return a browser logged in through the login page, and an API token."""
    browser = Client(base_url)
    response = browser.login(email, password)
    if response.status != 302:
        raise UnexpectedAnswer(f"the login page answered {response.status}: {response.text[:500]}")
    _, answer = timed(
        lambda: Client(base_url).request(
            "POST",
            "/api/v1/auth/token/",
            body=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        ),
        200,
    )
    token = answer.json()
    assert isinstance(token, dict)
    return browser, str(token["token"])


@dataclass
class Results:
    dashboard: Pair = field(default_factory=Pair)
    athlete: Pair = field(default_factory=Pair)
    post: Pair = field(default_factory=Pair)
    post_concurrent: Pair = field(default_factory=Pair)


def run(bench: Bench, *, rounds: int, warmup: int, clients: int) -> Results:
    """Time every row: ``warmup`` untimed rounds, then ``rounds`` interleaved ones."""
    results = Results()
    kinds = (
        (bench.dashboard, 200, results.dashboard),
        (bench.athlete, 200, results.athlete),
        (bench.post, 201, results.post),
    )
    for number in range(warmup + rounds):
        for send, status, pair in kinds:
            for floor, samples in ((False, pair.app), (True, pair.floor)):
                seconds, response = timed(lambda s=send, f=floor: s(f), status)
                if number >= warmup:
                    samples.add(seconds, response)
    per_client = max(2, rounds // clients)
    for _ in range(2):  # app, floor, app, floor: each phase its clients at once
        for floor, samples in (
            (False, results.post_concurrent.app),
            (True, results.post_concurrent.floor),
        ):
            concurrent_posts(bench, floor, samples, clients=clients, each=per_client)
    return results


def concurrent_posts(
    bench: Bench, floor: bool, samples: Samples, *, clients: int, each: int
) -> None:
    """POST from ``clients`` threads at once, ``each`` requests per thread, into ``samples``."""
    lock = threading.Lock()

    def client_loop() -> None:
        client = Client(bench.base_url)
        for _ in range(each):
            seconds, response = timed(lambda: bench.post(floor, client), 201)
            with lock:
                samples.add(seconds, response)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client_loop) for _ in range(clients)]:
            future.result()


# --- The table ---------------------------------------------------------------------------


def _latency(samples: Samples) -> str:
    return f"{samples.median_ms:.0f} ms (p95 {samples.p95_ms:.0f}), {samples.query_count} queries"


def table(results: Results, *, athletes: int, clients: int, sweep: dict[str, float]) -> str:
    """Return the issue's table: app, floor, ratio, goal per row, and the sweep's line."""
    dash, page, post, many = (
        results.dashboard,
        results.athlete,
        results.post,
        results.post_concurrent,
    )
    rows = [
        (
            f"`GET /dashboard/`, {athletes} athletes",
            _latency(dash.app),
            _latency(dash.floor),
            f"{dash.app.median_ms / dash.floor.median_ms:.1f}×",
            "≤ 1.5×",
        ),
        (
            "`GET /athletes/{id}/`",
            _latency(page.app),
            _latency(page.floor),
            f"{page.app.median_ms / page.floor.median_ms:.1f}×",
            "≤ 2×",
        ),
        (
            "`POST …/sessions/` (token), 1 client",
            f"{post.app.per_second:.0f} req/s, {_queries(post.app)}",
            f"{post.floor.per_second:.0f} req/s, {_queries(post.floor)}",
            f"{post.app.per_second / post.floor.per_second:.2f}×",
            "≥ 0.7×",
        ),
        (
            f"`POST …/sessions/` (token), {clients} clients, p95",
            f"{many.app.p95_ms:.0f} ms (median {many.app.median_ms:.0f})",
            f"{many.floor.p95_ms:.0f} ms (median {many.floor.median_ms:.0f})",
            f"{many.app.p95_ms / many.floor.p95_ms:.1f}×",
            "≤ 100 ms",
        ),
    ]
    per_therapist = sweep["seconds"] / max(1, sweep["therapists"])
    extrapolated = sweep["seconds"] * 100_000 / max(1, sweep["athletes"])
    rows.append(
        (
            f"weekly email sweep, {sweep['therapists']:,} PTs / {sweep['athletes']:,} athletes",
            f"{sweep['seconds']:.1f} s ({per_therapist * 1000:.0f} ms and "
            f"{sweep['queries'] / max(1, sweep['therapists']):.1f} queries per PT)",
            "–",
            f"{_duration(extrapolated)} for 100,000 athletes",
            "≤ 60 s for 100,000",
        )
    )
    header = ("", "ITB Rehab", "floor", "ratio", "goal")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _queries(samples: Samples) -> str:
    count = samples.query_count
    return f"{count} {'query' if count == 1 else 'queries'}"
