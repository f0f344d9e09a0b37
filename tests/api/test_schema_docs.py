"""The API's schema and docs (SPEC §3): ``/api/schema/`` is a valid OpenAPI 3 document that
lists every endpoint of the contract, and ``/api/docs/`` renders from the app alone."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.test import Client
from drf_spectacular.validation import validate_schema

# SPEC §3, path by path ({…} stands for any path parameter).
CONTRACT = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/athletes/": {"get", "post"},
    "/api/v1/athletes/{}/": {"get", "patch"},
    "/api/v1/athletes/{}/sessions/": {"get", "post"},
    "/api/v1/athletes/{}/session-files/": {"post"},  # SPEC §9
    "/api/v1/sessions/{}/": {"get", "patch", "delete"},
    "/api/v1/athletes/{}/pain-scores/": {"get", "post"},
    "/api/v1/athletes/{}/progression/": {"get"},
    "/api/v1/athletes/{}/fhir/": {"get"},  # SPEC §10
    "/api/v1/athletes/{}/lefs/": {"get"},  # SPEC §11
    "/api/v1/athletes/{}/stage-changes/": {"get", "post"},
    "/api/v1/stages/": {"get"},
    "/api/v1/athletes/{}/device-links/": {"post"},
    "/api/v1/device-links/{}/": {"delete"},
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def _operations(schema: dict[str, Any]) -> dict[str, set[str]]:
    return {
        re.sub(r"\{[^}]+\}", "{}", path): {method for method in item if method in METHODS}
        for path, item in schema["paths"].items()
    }


def test_the_schema_is_a_valid_openapi_3_document(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema


def test_the_schema_answers_yaml_by_default(client: Client, schema: dict[str, Any]) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["paths"].keys() == schema["paths"].keys()


def test_the_schema_lists_every_endpoint_of_the_contract(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    for path, methods in CONTRACT.items():
        assert path in operations, f"{path} is missing from the schema"
        assert methods <= operations[path], f"{path}: {methods - operations[path]} missing"
    assert "delete" not in operations["/api/v1/athletes/{}/"]  # discharge, don't delete


def test_every_operation_but_logging_in_requires_the_token(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    token_schemes = {name for name, scheme in schemes.items() if scheme.get("in") == "header"}
    assert token_schemes
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            requirements = {name for entry in operation.get("security", []) for name in entry}
            if (path, method) == ("/api/v1/auth/token/", "post"):
                assert requirements <= {""}, "logging in cannot need a token"
            else:
                assert token_schemes & requirements, f"{method.upper()} {path} needs no token"
                assert "401" in operation["responses"], f"{method.upper()} {path}: no 401"


class _Assets(HTMLParser):
    """Collect what a page makes the browser fetch: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in {"script", "img", "iframe"} and attributes.get("src"):
            self.urls.append(attributes["src"] or "")
        if tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"] or "")


def test_the_docs_render_with_assets_served_by_the_app_itself(
    client: Client, settings: Any
) -> None:
    # Served from the installed static files, as in development (production collects them).
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()

    parser = _Assets()
    parser.feed(page)
    # Icon, Swagger UI's stylesheet, the page's own, the bundle, the preset and the init
    # script (fetched from the docs' own address, not inlined: the site's CSP runs no
    # inline script).
    assert len(parser.urls) >= 6
    assert "/api/docs/?script=" in parser.urls
    scripts = []
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.netloc, f"{url} is fetched from another site"
        assert not parts.scheme, f"{url} is not a path of the app"
        assert parts.path.startswith(("/static/drf_spectacular_sidecar/", "/static/css/")) or (
            url == "/api/docs/?script="
        ), url
        asset = client.get(url)
        assert asset.status_code == 200, f"{url} answers {asset.status_code}"
        body = b"".join(asset.streaming_content if asset.streaming else [asset.content])
        assert body
        if url == "/api/docs/?script=":
            scripts.append(body.decode())
    assert 'url: "/api/schema/"' in scripts[0]  # the docs load the app's own schema
    # Nor do the page or its init script name another site.
    for text in (page, *scripts):
        assert not re.search(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", text), "an outside address"


def test_the_schema_shows_rest_days_and_the_next_stages_first_session(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    suggested = components["SuggestedSession"]
    assert suggested["properties"]["rest_day"]["type"] == "boolean"
    assert {"rest_day", "activity", "duration_min"} <= set(suggested["required"])
    # On a rest day every session field is null.
    assert suggested["properties"]["activity"]["nullable"] is True
    assert suggested["properties"]["duration_min"]["nullable"] is True
    a_session = [{"$ref": "#/components/schemas/SuggestedSession"}]
    offered = components["Progression"]["properties"]["next_stage_first_session"]
    assert (offered["allOf"], offered["nullable"]) == (a_session, True)
    assert "next_stage_first_session" in components["Progression"]["required"]
    kept = components["StageChange"]["properties"]["next_stage_first_session"]
    assert (kept["allOf"], kept["nullable"], kept["readOnly"]) == (a_session, True, True)
    assert "next_stage_first_session" not in components["StageChangeRequest"]["properties"]
    assert "restart" in components["StageChangeRequest"]["properties"]["to_stage"]["description"]
