"""Rewrite the search index Material just wrote, storing Chinese as UTF-8 (opskb.search_index)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from opskb.search_index import compact


@event_priority(-100)  # after the search plugin has written the file
def on_post_build(config: MkDocsConfig) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        index.write_text(compact(index.read_text(encoding="utf-8")), encoding="utf-8")
