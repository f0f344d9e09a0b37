"""Find what a strict Content-Security-Policy would refuse to run or apply in HTML.

Used on template files (with Django's own syntax blanked out first) and on rendered pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A JSON island (``json_script``) is data the page reads, never code the browser runs.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Django template syntax, blanked so that ``{% if only %}`` inside a tag is not read as
# an attribute named "only" (nor anything else as an ``on…`` handler).
TEMPLATE_SYNTAX = re.compile(
    r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}",
    re.DOTALL,
)


class _InlineCode(HTMLParser):
    def __init__(self, *, styles: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.styles = styles
        self.offences: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.offences.append(f"line {line}: <{tag} {name}=…> inline event handler")
            if name == "style" and self.styles:
                self.offences.append(f"line {line}: <{tag} style=…> inline style")
            if (value or "").strip().lower().startswith("javascript:"):
                self.offences.append(f"line {line}: <{tag} {name}=javascript:…> script URL")
        if tag == "script" and not attributes.get("src"):
            kind = (attributes.get("type") or "").strip().lower()
            if kind not in DATA_SCRIPT_TYPES:
                self.offences.append(f"line {line}: inline <script> without src")
        if tag == "style" and self.styles:
            self.offences.append(f"line {line}: inline <style> element")


def inline_code(html: str, *, template: bool = False, styles: bool = True) -> list[str]:
    """Return one line per inline script, ``on…=`` handler, ``javascript:`` URL and (with
    ``styles``) inline ``<style>`` or ``style=`` in ``html``; an empty list when clean.

    With ``template``, Django's ``{% %}``, ``{{ }}``, ``{# #}`` and comment blocks are blanked
    first (line numbers are kept: each is replaced by as many newlines as it held).
    """
    if template:
        html = TEMPLATE_SYNTAX.sub(lambda m: " " + "\n" * m.group().count("\n"), html)
    parser = _InlineCode(styles=styles)
    parser.feed(html)
    parser.close()
    return parser.offences
