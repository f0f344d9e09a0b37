"""The smoke check fails, naming the file, when a static reference is broken.

Each test breaks a copy of the checkout the way a real change could, then runs the same
build script and the same crawl as ``test_production_build`` on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.production import smoke
from tests.production.conftest import Build, Site


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the checkout to break."""
    return smoke.copy_tree(tmp_path / "tree")


def _add_to_base_template(tree: Path, markup: str) -> None:
    base = tree / "templates" / "base.html"
    text = base.read_text()
    assert "{% block head %}" in text
    base.write_text(text.replace("{% block head %}", f"{markup}\n  {{% block head %}}", 1))


def _build_and_crawl(
    tree: Path, build: Build, site: Site, tmp_path: Path
) -> tuple[smoke.CrawlResult, smoke.Server]:
    static_root = tmp_path / "static"
    result = smoke.build(tree, venv=build.venv, static_root=static_root, step="static")
    assert result.returncode == 0, result.stderr
    server = smoke.Server(
        tree=tree,
        venv=build.venv,
        env={**site.env, "STATIC_ROOT": str(static_root)},
        logs=tmp_path / "logs",
        workers=1,
    )
    with smoke.serving(server):
        return smoke.crawl(smoke.Client(server.base_url), ["/accounts/login/"]), server


def test_build_fails_naming_a_file_a_stylesheet_needs_and_nobody_shipped(
    tree: Path, production_build: Build, tmp_path: Path
) -> None:
    with (tree / "static" / "css" / "app.css").open("a") as css:
        css.write('\n.broken { background: url("../img/does-not-exist.png"); }\n')

    result = smoke.build(
        tree, venv=production_build.venv, static_root=tmp_path / "static", step="static"
    )

    assert result.returncode != 0
    assert "img/does-not-exist.png" in result.stderr
    assert "css/app.css" in result.stderr


def test_build_fails_when_a_script_names_a_source_map_not_shipped(
    tree: Path, production_build: Build, tmp_path: Path
) -> None:
    # The original Chart.js problem: the map its last line names is not in the tree.
    (tree / "static" / "vendor" / "chartjs-4.6.1" / "chart.umd.min.js.map").unlink()

    result = smoke.build(
        tree, venv=production_build.venv, static_root=tmp_path / "static", step="static"
    )

    assert result.returncode != 0
    assert "chart.umd.min.js.map" in result.stderr


def test_crawl_reports_the_page_whose_template_names_a_missing_static_file(
    tree: Path, production_build: Build, smoke_site: Site, tmp_path: Path
) -> None:
    _add_to_base_template(
        tree,
        '{% load static %}<link rel="stylesheet" href="{% static \'css/does-not-exist.css\' %}">',
    )

    crawl, server = _build_and_crawl(tree, production_build, smoke_site, tmp_path)

    assert crawl.problems == ["/accounts/login/ answered 500"]
    assert "Missing staticfiles manifest entry for 'css/does-not-exist.css'" in (
        server.error_log.read_text()
    )


def test_crawl_reports_a_static_address_that_is_missing_or_not_hashed(
    tree: Path, production_build: Build, smoke_site: Site, tmp_path: Path
) -> None:
    _add_to_base_template(
        tree,
        '<script src="/static/js/does-not-exist.js" defer></script>'
        '<link rel="stylesheet" href="/static/css/app.css">',
    )

    crawl, _ = _build_and_crawl(tree, production_build, smoke_site, tmp_path)

    via = " (referenced by /accounts/login/)"
    problems = sorted(crawl.problems)
    assert len(problems) == 3, problems
    assert problems[0].startswith("/static/css/app.css has Cache-Control 'max-age=60")
    assert problems[0].endswith(f"not a far-future one{via}")
    assert problems[1:] == [
        f"/static/css/app.css is not under a hashed (manifest) name{via}",
        f"/static/js/does-not-exist.js answered 404{via}",
    ]
