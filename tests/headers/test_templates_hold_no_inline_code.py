"""No template holds code or style the Content-Security-Policy would refuse (SPEC §7).

The policy allows scripts and styles from files only, so an inline ``<script>``, an
``on…=`` handler, a ``javascript:`` URL, a ``<style>`` element or a ``style=`` attribute
would silently not work in the browser. Every project template is read here, so one
cannot come back unseen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from tests.headers.inline_code import inline_code

# Emails are read in mail clients, which need inline styles and ignore the site's CSP;
# they are never served as a page. Scripts and handlers are refused there too.
EMAIL_TEMPLATES = "emails"


def _template_dirs() -> list[Path]:
    """The project's template folders: ``TEMPLATES["DIRS"]`` and its own apps' ``templates``."""
    dirs = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    for app in apps.get_app_configs():
        folder = Path(app.path) / "templates"
        if folder.is_relative_to(settings.BASE_DIR) and ".venv" not in folder.parts:
            dirs.append(folder)
    return [folder for folder in dirs if folder.is_dir()]


def _templates() -> dict[str, Path]:
    """Every HTML template, by the name views render it with."""
    return {
        path.relative_to(folder).as_posix(): path
        for folder in _template_dirs()
        for path in sorted(folder.rglob("*.html"))
    }


def test_the_walk_reads_every_page_template() -> None:
    assert {
        "base.html",
        "registration/login.html",
        "api/swagger_ui.html",
        "athletes/athlete.html",
        "athletes/dashboard.html",
        "athletes/phone/base.html",
        "athletes/phone/metronome.html",
    } <= _templates().keys()


@pytest.mark.parametrize("name", sorted(_templates()))
def test_no_template_holds_inline_script_handler_or_style(name: str) -> None:
    offences = inline_code(
        _templates()[name].read_text(),
        template=True,
        styles=not name.startswith(f"{EMAIL_TEMPLATES}/"),
    )
    assert offences == [], f"{name}: {offences}"


@pytest.mark.parametrize(
    "html",
    [
        '<input readonly value="{{ url }}" onfocus="this.select()">',  # the athlete page's old one
        '<button type="button" onClick="go()">Go</button>',
        "<script>document.title = 'x';</script>",
        '<script type="module">import "./x.js";</script>',
        '<a href="javascript:void(0)">x</a>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
        '{% if only %}<div {% if x %}class="a"{% endif %} onload="f()">{% endif %}',
    ],
)
def test_the_check_refuses_inline_code(html: str) -> None:
    assert inline_code(html, template=True)


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'js/phone.js' %}\" defer></script>",
        '<script id="chart-data" type="application/json">{"pain": []}</script>',
        '<a href="{% url "x" %}"{% if only %} aria-current="page"{% endif %}>x</a>',
        "{% comment %}no <style> or onclick= here{% endcomment %}<p>ok</p>",
        '{# an <script> in a comment #}<p data-one="on">ok</p>',
    ],
)
def test_the_check_lets_files_and_json_data_through(html: str) -> None:
    assert inline_code(html, template=True) == []
