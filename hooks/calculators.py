"""Load a calculator's script and stylesheet on the pages that embed it.

A page embeds a calculator with `<div class="opskb-calculator" data-calculator="NAME"></div>` (the page
rules K001/K002 check the line). This hook finds the placeholders in the rendered page and adds the
tool's module to `page.meta["scripts"]`, which overrides/main.html loads; the sample orders the tools
offer are published by hooks/examples.py.
"""

from __future__ import annotations

import re

from mkdocs.structure.pages import Page

from opskb.rules import CALCULATORS

_PLACEHOLDER = re.compile(r'<div class="opskb-calculator" data-calculator="([a-z-]+)"></div>')
STYLESHEET = "assets/stylesheets/calculators.css"


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    found = set(_PLACEHOLDER.findall(html))
    tools = [f"assets/javascripts/tools/{name}.js" for name in CALCULATORS if name in found]
    if tools:
        page.meta["scripts"] = [*page.meta.get("scripts", []), *tools]
        page.meta["styles"] = [*page.meta.get("styles", []), STYLESHEET]
    return html
