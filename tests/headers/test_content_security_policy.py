"""Every HTML page carries the strict Content-Security-Policy (SPEC §7, "Headers").

Scripts and styles from this origin's files only, nothing inline; no plugins, no
``<base>``, no framing, forms posting only here. Each page's HTML is read as well: the
policy would silently break anything inline it still held.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.headers.inline_code import inline_code
from tests.headers.pages import HTML_KINDS, World, fetch

pytestmark = pytest.mark.django_db

SELF, NONE = "'self'", "'none'"
REQUIRED = {
    "default-src": {SELF},
    "script-src": {SELF},
    "style-src": {SELF},
    "object-src": {NONE},
    "base-uri": {NONE},
    "frame-ancestors": {NONE},
    "form-action": {SELF},
    "connect-src": {SELF},
    "worker-src": {SELF},
    "manifest-src": {SELF},
}
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", "*"}


def policy(header: str) -> dict[str, set[str]]:
    """Return the policy as directive → sources; a directive twice is a mistake."""
    directives: dict[str, set[str]] = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *sources = part.split()
        assert name not in directives, f"{name} appears twice"
        directives[name] = set(sources)
    return directives


@pytest.mark.parametrize("kind", HTML_KINDS)
def test_every_page_carries_the_strict_policy(world: World, kind: str) -> None:
    response = fetch(HTML_KINDS, kind, world)
    assert response["Content-Type"].startswith("text/html")
    directives = policy(response["Content-Security-Policy"])
    for name, sources in REQUIRED.items():
        assert directives.get(name) == sources, (name, directives.get(name))
    for name, sources in directives.items():
        assert not sources & UNSAFE, (name, sources)
        assert not any(source.startswith(("http:", "https:")) for source in sources), name
    # Images: this origin only; the API docs add data: for Swagger UI's icons.
    assert directives["img-src"] == ({SELF, "data:"} if kind == "api docs" else {SELF})


@pytest.mark.parametrize("kind", HTML_KINDS)
def test_no_page_holds_code_or_style_the_policy_would_block(world: World, kind: str) -> None:
    response = fetch(HTML_KINDS, kind, world)
    assert inline_code(response.content.decode()) == []


def test_the_athlete_page_links_its_script_instead_of_an_inline_handler(world: World) -> None:
    page = fetch(HTML_KINDS, "athlete page showing a new link", world).content.decode()
    assert "data-select-on-focus" in page
    assert "/static/js/select-on-focus.js" in page
    assert "onfocus" not in page


def test_the_dashboard_tells_htmx_to_inject_no_style_and_eval_nothing(world: World) -> None:
    page = fetch(HTML_KINDS, "dashboard", world).content.decode()
    [config] = re.findall(r'<meta name="htmx-config" content=\'([^\']*)\'>', page)
    assert json.loads(config) | {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    } == json.loads(config)
    # Nor keep copies of the caseload in the browser's storage.
    assert json.loads(config)["historyCacheSize"] == 0


def test_the_api_docs_load_their_init_script_from_a_file(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()


def test_a_policy_with_inline_scripts_is_told_apart() -> None:
    # The parser the tests rely on reads a lax policy as lax.
    lax = policy("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'")
    assert lax["script-src"] & UNSAFE == {"'unsafe-inline'"}
    with pytest.raises(AssertionError, match="appears twice"):
        policy("script-src 'self'; script-src 'unsafe-eval'")
