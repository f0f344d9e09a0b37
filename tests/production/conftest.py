"""One production build and one gunicorn server for every test in this folder.

The build (a fresh virtualenv from ``requirements/base.lock``, then collectstatic with
``DEBUG=false``) takes a minute or two the first time; pip's own cache makes a re-run
faster. The server runs on a database of its own, ``<DATABASE_URL's name>_smoke``, dropped
and created for the run and dropped after it (a new SQLite file where DATABASE_URL names no
PostgreSQL; CI always has one), and shares the run's Redis. Under pytest-xdist all of
this folder runs on one worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.production import smoke
from tests.support.mfa import code_for

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep this folder on one pytest-xdist worker (``--dist loadgroup``): one build, one
    ``_smoke`` database and one server, as in a serial run."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("production"))


@dataclass(frozen=True)
class Build:
    """A finished production build: the virtualenv and the collected static files."""

    venv: Path
    static_root: Path


@dataclass(frozen=True)
class Site:
    """The smoke server and the data it serves."""

    server: smoke.Server
    env: dict[str, str]
    email: str
    password: str
    athlete_id: int
    totp_secret: str  # the therapist's authenticator app (base32), as production requires
    recovery_codes: tuple[str, ...]  # each logs in once (the API's token login uses them)
    link_token: str  # opens the phone pages
    revoked_token: str  # a link the PT revoked: 410

    def client(self) -> smoke.Client:
        return smoke.Client(self.server.base_url)

    def therapist_client(self) -> smoke.Client:
        """Log in as production asks (REQUIRE_MFA is on): password, then the app's code.

        The code is the next 30-second window's (the server allows one step either way):
        the seed's enrolment used the current one, and a code works once.
        """
        client = self.client()
        response = client.login(self.email, self.password)
        assert response.status == 302, f"login answered {response.status}: {response.text}"
        gated = client.get(response.headers["Location"])  # the dashboard sends to the code
        assert gated.status == 302, f"the dashboard answered {gated.status} before the code"
        assert gated.headers["Location"].startswith("/accounts/login/code/")
        code_page = client.get(gated.headers["Location"])
        assert code_page.status == 200, f"the code page answered {code_page.status}"
        code = code_for(self.totp_secret, steps_ahead=1)
        verified = client.post_form("/accounts/login/code/", {"code": code})
        assert verified.status == 302, f"the code answered {verified.status}: {verified.text}"
        return client


@pytest.fixture(scope="session")
def production_build() -> Iterator[Build]:
    """Build the checkout as the Dockerfile does, into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="itbrehab-production-") as folder:
        venv, static_root = Path(folder) / "venv", Path(folder) / "static"
        result = smoke.build(smoke.ROOT, venv=venv, static_root=static_root)
        assert result.returncode == 0, f"production build failed:\n{result.stdout}{result.stderr}"
        yield Build(venv=venv, static_root=static_root)


@contextlib.contextmanager
def _database(workdir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database for the smoke server; drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        # A checkout with no PostgreSQL configured: a file of its own (CI has PostgreSQL).
        yield f"sqlite:///{workdir / 'smoke.sqlite3'}"
        return
    smoke_url = smoke.fresh_database_url(url)
    try:
        yield smoke_url
    finally:
        smoke.drop_database(smoke_url)


# Made with the built virtualenv's Django, as an operator would in a shell on the server.
# Production requires MFA (REQUIRE_MFA defaults to on without DEBUG), so the therapist
# turns on an authenticator app as the Security page does, with the app's current code.
_SEED = """
import json
from django_otp.oath import TOTP
from itbrehab.accounts import mfa
from itbrehab.accounts.models import User
from athletes import services
therapist = User.objects.get(email={email!r})
pending = mfa.enrolment_device(user=therapist)
secret = mfa.secret_for_typing(pending).replace(" ", "")
_, recovery_codes = mfa.enrolment_confirm(
    user=therapist, code=f"{{TOTP(pending.bin_key).token():06d}}", keep_session=None
)
athlete = services.athlete_create(
    therapist=therapist, first_name="Smoke", last_name="Test", affected_side="left"
)
_, token = services.device_link_create(athlete=athlete, created_by=therapist)
revoked, revoked_token = services.device_link_create(athlete=athlete, created_by=therapist)
services.device_link_revoke(link=revoked)
print(json.dumps({{
    "athlete_id": athlete.pk, "token": token, "revoked_token": revoked_token, "secret": secret,
    "recovery_codes": recovery_codes,
}}))
"""


@pytest.fixture(scope="session")
def smoke_site(production_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Migrate a fresh database, add a therapist, an athlete and links, serve with gunicorn."""
    workdir = tmp_path_factory.mktemp("smoke-site")
    with _database(workdir) as database_url:
        env = smoke.base_environment(
            SECRET_KEY=smoke.new_secret_key(),
            ALLOWED_HOSTS="127.0.0.1",
            # As deployed: behind one TLS-terminating proxy (the test client plays it).
            TRUSTED_PROXY_COUNT="1",
            DATABASE_URL=database_url,
            STATIC_ROOT=str(production_build.static_root),
            ITBREHAB_VAR_DIR=str(workdir / "var"),
            # The run's Redis databases: this test worker's own under pytest-xdist.
            **{
                name: getattr(settings, name)
                for name in ("REDIS_URL", "CACHE_URL")
                if getattr(settings, name)
            },
        )
        root, venv = smoke.ROOT, production_build.venv
        smoke.manage(root, venv, env, "migrate", "--noinput")
        email, password = "pt@smoke.example", secrets.token_urlsafe(18)
        smoke.manage(
            root,
            venv,
            env,
            "create_therapist",
            "--clinic",
            "Smoke Clinic",
            "--email",
            email,
            # One argument: a random password may start with "-", which argparse would
            # otherwise read as an option (it failed a CI run that way).
            f"--password={password}",
        )
        seeded = json.loads(
            smoke.manage(
                root, venv, env, "shell", "--verbosity", "0", "-c", _SEED.format(email=email)
            ).stdout
        )
        server = smoke.Server(tree=root, venv=venv, env=env, logs=workdir / "logs")
        with smoke.serving(server):
            yield Site(
                server=server,
                env=env,
                email=email,
                password=password,
                athlete_id=seeded["athlete_id"],
                totp_secret=seeded["secret"],
                recovery_codes=tuple(seeded["recovery_codes"]),
                link_token=seeded["token"],
                revoked_token=seeded["revoked_token"],
            )
