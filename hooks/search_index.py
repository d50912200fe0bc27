"""Mend Material's search after it is written (opskb.search_index): compact index, Chinese queries."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from opskb.search_index import patch_worker, rewrite

log = logging.getLogger("mkdocs.hooks.search_index")  # under mkdocs.: a warning fails --strict


@event_priority(-100)  # after the search plugin and the theme have written their files
def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    if index.is_file():
        index.write_text(rewrite(index.read_text(encoding="utf-8")), encoding="utf-8")
    for worker in (site / "assets" / "javascripts" / "workers").glob("search.*.min.js"):
        patched = patch_worker(worker.read_text(encoding="utf-8"))
        if patched is None:
            log.warning(f"{worker.name}: Chinese query segmentation loop not found; check whether the new "
                        "Material release fixed it and update opskb/search_index.py")
        else:
            worker.write_text(patched, encoding="utf-8")
