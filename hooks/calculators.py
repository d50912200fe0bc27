"""Load a calculator's script and stylesheet on the pages that embed it, and publish the sample orders.

A page embeds a calculator with `<div class="opskb-calculator" data-calculator="NAME"></div>` (the page
rules K001/K002 check the line). This hook finds the placeholders in the rendered page and sets
`page.meta["calculators"]`, which overrides/main.html turns into the tool's module script. The hook
always overwrites that key, so a page's own front matter cannot choose what script loads.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from opskb.rules import CALCULATORS

_PLACEHOLDER = re.compile(r'<div class="opskb-calculator" data-calculator="([a-z-]+)"></div>')
SAMPLE = "examples/orders.csv"  # the tools' 「载入示例订单」 and the pages' download link


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Linked from docs/tools/*.md as ../../examples/orders.csv, which also works on GitHub.
    files.append(File(f"../{SAMPLE}", src_dir=config.docs_dir, dest_dir=config.site_dir,
                      use_directory_urls=False, dest_uri=SAMPLE, inclusion=InclusionLevel.INCLUDED))
    return files


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    found = _PLACEHOLDER.findall(html)
    page.meta["calculators"] = [name for name in CALCULATORS if name in found]
    return html
