"""Built as the Dockerfile builds it and served as it serves it, every page and file works.

SPEC §7: with ``DEBUG=false`` every page, the API docs and every static file are served
without an error, static files under hashed names with a far-future cache header.
"""

from __future__ import annotations

import re

import pytest

from tests.production import smoke
from tests.production.conftest import Build, Site


@pytest.fixture(scope="module")
def crawled(smoke_site: Site) -> dict[str, smoke.CrawlResult]:
    """Crawl the site as the three kinds of visitor: nobody, the PT and the athlete."""
    phone = smoke_site.client()
    opened = phone.get(f"/m/link/{smoke_site.link_token}/")
    assert (opened.status, opened.headers["Location"]) == (302, "/m/")
    return {
        "anonymous": smoke.crawl(smoke_site.client(), ["/accounts/login/"]),
        "therapist": smoke.crawl(
            smoke_site.therapist_client(),
            [
                "/dashboard/",
                f"/athletes/{smoke_site.athlete_id}/",
                "/accounts/security/",
                "/api/docs/",
                "/api/schema/",
            ],
        ),
        "athlete": smoke.crawl(phone, ["/m/", "/m/log/", "/m/metronome/", "/m/sw.js"]),
    }


def test_every_page_and_every_file_it_loads_answers_200_hashed_and_cached_for_good(
    crawled: dict[str, smoke.CrawlResult],
) -> None:
    problems = [problem for result in crawled.values() for problem in result.problems]

    assert problems == []


def test_the_crawl_reached_the_files_each_page_needs(
    crawled: dict[str, smoke.CrawlResult],
) -> None:
    # Guards the crawler itself: an empty crawl would report no problem too.
    loaded = {
        visitor: {smoke.unhashed(path) for path in result.static}
        for visitor, result in crawled.items()
    }

    assert {"/static/css/app.css", "/static/favicon.svg"} <= loaded["anonymous"]
    assert {
        "/static/vendor/htmx-2.0.11/htmx.min.js",
        "/static/vendor/chartjs-4.6.1/chart.umd.min.js",
        # The map Chart.js names: the file whose absence broke collectstatic (issue 10).
        "/static/vendor/chartjs-4.6.1/chart.umd.min.js.map",
    } <= loaded["therapist"]
    assert any("swagger-ui" in path for path in loaded["therapist"]), "docs loaded no Swagger UI"
    assert {"/static/css/phone.css", "/static/js/phone.js"} <= loaded["athlete"]
    assert "/m/manifest.webmanifest" in crawled["athlete"].pages


def test_the_schema_is_the_openapi_document(crawled: dict[str, smoke.CrawlResult]) -> None:
    schema = crawled["therapist"].pages["/api/schema/"]

    assert schema.text.startswith("openapi: 3")
    assert "/api/v1/athletes/" in schema.text


def test_static_files_are_also_served_compressed(smoke_site: Site, production_build: Build) -> None:
    css = next(production_build.static_root.glob("css/app.*.css"))
    path = f"/static/css/{css.name}"

    response = smoke_site.client().get(path, headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert re.search(r"max-age=315360000", response.headers["Cache-Control"])


def test_the_dockerfile_and_compose_run_the_same_build_and_server_config() -> None:
    # The smoke test proves the build script and gunicorn.conf.py; this keeps the image on them.
    dockerfile = (smoke.ROOT / "Dockerfile").read_text()
    compose = (smoke.ROOT / "docker-compose.yml").read_text()

    assert re.findall(r"^RUN scripts/build-production (\w+)$", dockerfile, re.M) == [
        "venv",
        "static",
    ]
    assert "COPY requirements/base.lock" in dockerfile
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"]' in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert "gunicorn -c gunicorn.conf.py" in compose
    assert "gunicorn itbrehab" not in compose + dockerfile  # no second, unredacted command line
