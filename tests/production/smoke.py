"""The production smoke check: build as the Dockerfile does, serve with gunicorn, crawl.

Nothing here imports the app (only psycopg, to make the database): the build runs
``scripts/build-production`` (the Dockerfile's own steps) into a fresh virtualenv, and every
command of the app runs in that virtualenv, in a subprocess, with ``DEBUG=false`` and a
clean environment, so nothing of the development virtualenv or its settings can make a
broken build pass.

The pieces are used by the tests in this folder: ``build``, ``manage``, ``Server`` (gunicorn
with ``gunicorn.conf.py`` and its real logs), ``Client`` (a cookie-keeping HTTP client that
speaks as a TLS proxy in front of the app) and ``crawl`` (every page and every static file it
references, returning what is wrong rather than stopping at the first problem).
"""

from __future__ import annotations

import contextlib
import html.parser
import http.client
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = Path("scripts/build-production")
GUNICORN_CONF = "gunicorn.conf.py"
STATIC_URL = "/static/"
# whitenoise's header for files whose name holds their content's hash (the manifest's).
FAR_FUTURE = ("max-age=315360000", "immutable")
# ManifestStaticFilesStorage names a file name.<first 12 hex digits of its MD5>.ext.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}(?:\.[A-Za-z0-9]+)+$")

# Only what a production host would have: no DEBUG, no DJANGO_SETTINGS_MODULE from the dev
# run, nothing from the developer's .env. pip's own settings (a mirror, a cache, a CA) and a
# network proxy pass through, so the venv builds wherever the developer's pip works.
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE")
_PASSED_PREFIXES = ("PIP_", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY")


def base_environment(**extra: str) -> dict[str, str]:
    """Return a clean production environment: ``DEBUG=false`` plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in _PASSED_THROUGH or key.startswith(_PASSED_PREFIXES)
    }
    return {**env, "DEBUG": "false", "PYTHONDONTWRITEBYTECODE": "1", **extra}


def build(
    tree: Path, *, venv: Path, static_root: Path, step: str = "all"
) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/build-production STEP`` in ``tree``; return the finished process.

    The caller checks ``returncode``: a build that must fail (a broken copy) is a result too.
    The virtualenv is made from the interpreter running the tests (any Python ≥ 3.11).
    """
    env = base_environment(VENV=str(venv), STATIC_ROOT=str(static_root), PYTHON=sys.executable)
    return subprocess.run(
        [str(tree / BUILD_SCRIPT), step],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def manage(
    tree: Path, venv: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python manage.py ARGS`` with the built virtualenv; raise on failure."""
    result = subprocess.run(
        [str(venv / "bin" / "python"), "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr}")
    return result


def copy_tree(destination: Path) -> Path:
    """Copy the checkout (without virtualenvs, local state and caches) to ``destination``."""
    shutil.copytree(
        ROOT,
        destination,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv*",
            "var",
            "staticfiles",
            ".env",
            "__pycache__",
            ".*_cache",
            "node_modules",
        ),
        symlinks=True,
    )
    return destination


# --- Database ---------------------------------------------------------------------------


def fresh_database_url(database_url: str, suffix: str = "_smoke") -> str:
    """Drop and create ``<name><suffix>`` beside ``database_url``'s database; return its URL.

    Under pytest-xdist the worker's name is added (``<name>_smoke_gw1``), so two workers
    never drop each other's database. ``make bench`` makes its own with ``_bench``.
    """
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"not a PostgreSQL URL: {database_url}")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{parts.path.lstrip('/') or 'itbrehab'}{suffix}" + (f"_{worker}" if worker else "")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_database(database_url: str) -> None:
    """Drop the database ``fresh_database_url`` made."""
    parts = urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


# --- gunicorn ---------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """gunicorn from the built virtualenv, started as the Dockerfile's CMD starts it.

    ``gunicorn -c gunicorn.conf.py``: the access log goes to stdout and the error log (with
    Django's own log lines) to stderr, exactly as a container runtime would collect them;
    here they are written to ``access_log`` and ``error_log``.
    """

    tree: Path
    venv: Path
    env: dict[str, str]
    logs: Path
    workers: int = 2
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def access_log(self) -> Path:
        return self.logs / "access.log"

    @property
    def error_log(self) -> Path:
        return self.logs / "error.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        """Start gunicorn on a free port; return once /healthz answers 200."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.workers),
        }
        with self.access_log.open("ab") as stdout, self.error_log.open("ab") as stderr:
            self.process = subprocess.Popen(
                [str(self.venv / "bin" / "gunicorn"), "-c", GUNICORN_CONF],
                cwd=self.tree,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                # Its own process group: stop() can find every worker it forked.
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.error_log.read_text()}")
            with contextlib.suppress(OSError):
                if Client(self.base_url, https=False).get("/healthz").status == 200:
                    return self
            time.sleep(0.25)
        self.stop()
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.error_log.read_text()}")

    def stop(self, timeout: float = 30) -> None:
        """Stop gunicorn gracefully (SIGTERM, as ``docker stop``), then make sure it is gone.

        Raises if any process of its group outlived it: a leftover worker is a bug.
        """
        if self.process is None:
            return
        process, self.process = self.process, None
        pgid = process.pid  # start_new_session: the master leads its own group
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                process.wait(10)
                raise AssertionError("gunicorn ignored SIGTERM; killed it") from None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.killpg(pgid, signal.SIGKILL)
        raise AssertionError("gunicorn workers outlived their master; killed them")

    def access_lines(self) -> int:
        """Return how many requests gunicorn has logged so far."""
        return len(self.access_log.read_bytes().splitlines())

    def wait_for_access_lines(self, count: int, timeout: float = 10) -> None:
        """Wait until ``count`` requests are logged: gunicorn writes a line after its answer."""
        deadline = time.monotonic() + timeout
        while self.access_lines() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn logged {self.access_lines()} of {count} requests")
            time.sleep(0.05)

    def logs_text(self) -> str:
        """Return both logs, as written so far."""
        return self.access_log.read_text() + self.error_log.read_text()


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Client:
    """A browser-like HTTP client for the smoke server: keeps cookies, follows nothing.

    ``https=True`` speaks as the TLS-terminating proxy of a real deployment does: it sends
    ``X-Forwarded-Proto: https``, trusted because the smoke server is configured behind
    one proxy (``TRUSTED_PROXY_COUNT=1``, which gunicorn.conf.py also reads), so the app
    runs with its production settings untouched (HTTPS redirect, HSTS, secure cookies,
    strict CSRF origin checks). Secure cookies are
    kept and sent back as a browser behind that proxy would.
    """

    base_url: str
    https: bool = True
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return self.base_url.replace("http://", "https://") if self.https else self.base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request; return the response as it came (no redirect followed)."""
        parts = urlsplit(urljoin(self.base_url, path))
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = {"User-Agent": "itbrehab-production-smoke-test", **(headers or {})}
        if self.https:
            sent.setdefault("X-Forwarded-Proto", "https")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, target, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), target)
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs: dict[str, str]) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict[str, str]) -> Response:
        """POST a form as the page's own browser would (CSRF cookie, token and Origin)."""
        token = self.cookies.get("csrftoken", "")
        return self.request(
            "POST",
            path,
            body=urlencode({"csrfmiddlewaretoken": token, **data}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": urljoin(self.origin, path),
            },
        )

    def login(self, email: str, password: str) -> Response:
        """Log in through the login page; return the POST's response (302 on success)."""
        page = self.get("/accounts/login/")
        assert page.status == 200, f"login page answered {page.status}"
        return self.post_form("/accounts/login/", {"username": email, "password": password})


# --- What a page references -------------------------------------------------------------


class _References(html.parser.HTMLParser):
    """Collect every address a browser loads by itself when it shows the page.

    Scripts, stylesheets, icons, the web-app manifest, preloads, images, media and frames;
    not ``<a href>`` or form actions, which need a click.
    """

    _LOADED_BY_LINK = {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "manifest",
        "preload",
        "modulepreload",
        "prefetch",
        "mask-icon",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("href"):
            if self._LOADED_BY_LINK & set(values.get("rel", "").lower().split()):
                self.found.append(values["href"])
        elif tag in ("script", "img", "source", "iframe", "audio", "video", "embed"):
            if values.get("src"):
                self.found.append(values["src"])
            for candidate in values.get("srcset", "").split(","):
                if candidate.strip():
                    self.found.append(candidate.split()[0])


_STATIC_IN_TEXT = re.compile(r"""(?<![\w/])(/static/[^\s"'`<>()\\]+)""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)['"]""")
_SOURCE_MAP = re.compile(r"""[#@]\s*sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$""", re.MULTILINE)


def references(response: Response) -> list[str]:
    """Return the same-site addresses ``response`` makes a browser load, resolved.

    HTML: its tags' ``src``/``href`` (see ``_References``) and any ``/static/…`` address in
    inline scripts. CSS: ``url()``, ``@import`` and its source map. JavaScript: its source
    map; the app's own scripts and JSON (service worker, manifest) also any ``/static/…``
    address they hold. ``data:`` URLs and other sites are left out.
    """
    kind = response.headers.get_content_type()
    text = response.text
    found: list[str] = []
    if kind == "text/html":
        parser = _References()
        parser.feed(text)
        found += parser.found + _STATIC_IN_TEXT.findall(text)
    elif kind == "text/css":
        found += _CSS_URL.findall(text) + _CSS_IMPORT.findall(text) + _SOURCE_MAP.findall(text)
    elif kind in ("text/javascript", "application/javascript", "application/json") or (
        kind.endswith("+json")
    ):
        found += _SOURCE_MAP.findall(text)
        if not response.url.startswith(STATIC_URL):  # served by the app: the SW, the manifest
            found += _STATIC_IN_TEXT.findall(text)
    resolved = []
    for address in found:
        if address.startswith(("data:", "blob:", "#")):
            continue
        absolute = urldefrag(urljoin(response.url, address)).url
        parts = urlsplit(absolute)
        if parts.netloc and parts.hostname != "127.0.0.1":
            continue  # another site: the app never loads one (CSP), and it is not ours
        resolved.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(resolved))


def unhashed(path: str) -> str:
    """Return a static address without its manifest hash: ``/static/css/app.css``."""
    return re.sub(r"\.[0-9a-f]{12}(?=\.[A-Za-z0-9]+$)", "", path.split("?")[0])


def static_problems(path: str, response: Response) -> list[str]:
    """Return what is wrong with a static file's response (empty when nothing is)."""
    problems = []
    if response.status != 200:
        problems.append(f"{path} answered {response.status}")
        return problems
    if not HASHED_NAME.search(path.rsplit("/", 1)[-1].split("?")[0]):
        problems.append(f"{path} is not under a hashed (manifest) name")
    cache_control = response.headers.get("Cache-Control", "")
    if not all(part in cache_control for part in FAR_FUTURE):
        problems.append(f"{path} has Cache-Control {cache_control!r}, not a far-future one")
    return problems


@dataclass
class CrawlResult:
    """What ``crawl`` fetched and what it found wrong."""

    problems: list[str] = field(default_factory=list)
    pages: dict[str, Response] = field(default_factory=dict)
    static: dict[str, Response] = field(default_factory=dict)
    referenced_by: dict[str, str] = field(default_factory=dict)


def crawl(client: Client, pages: Iterable[str]) -> CrawlResult:
    """Fetch each page (200 expected), then everything it loads, recursively.

    Static files (under ``/static/``) must answer 200 under a hashed name with a far-future
    Cache-Control; anything else a page loads (the phone's manifest and service worker)
    must answer 200. Problems are collected, each naming the address and who referenced it.
    """
    result = CrawlResult()
    queue: list[tuple[str, str]] = [(page, "") for page in pages]
    seen: set[str] = set()
    while queue:
        path, referrer = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        via = f" (referenced by {referrer})" if referrer else ""
        if path.startswith(STATIC_URL):
            result.static[path] = response
            result.referenced_by[path] = referrer
            result.problems += [f"{problem}{via}" for problem in static_problems(path, response)]
        else:
            result.pages[path] = response
            if response.status != 200:
                result.problems.append(f"{path} answered {response.status}{via}")
        if response.status == 200:
            queue += [(found, path) for found in references(response) if found not in seen]
    return result


@contextlib.contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Run ``server`` for the ``with`` block; it is stopped (and checked gone) after it."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


def new_secret_key() -> str:
    """Return a fresh key, as the deployer would generate one (README)."""
    return secrets.token_urlsafe(50)
