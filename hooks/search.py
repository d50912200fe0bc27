"""Site search (opskb.search): mark each page's article for Pagefind, index the built site at the end.

Runs in every build, `make serve` rebuilds included. A failure stops the build with a Chinese message.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from opskb.search import (
    MATERIAL_CONFIG, VARIANTS, SearchIndexError, build_index, excluded, fragment_ids, mark_article, material_config, page_weight,
    variants_module,
)
from opskb.terms import TERMS_FILE, TermsError, load_terms


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return mark_article(output, exclude=excluded(page.meta), weight=page_weight(page.file.src_uri))


@event_priority(-100)  # after every other plugin has written its files
def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    root = Path(config.config_file_path).parent
    try:
        glossary = load_terms(root / TERMS_FILE)
    except TermsError as error:  # reported with file:line by the page rules before rendering
        raise PluginError(f"{TERMS_FILE} 有错误，无法生成搜索的同义词表：{error}") from error
    (site / MATERIAL_CONFIG).parent.mkdir(parents=True, exist_ok=True)
    (site / MATERIAL_CONFIG).write_text(material_config(), encoding="utf-8")
    try:
        build_index(site)
    except SearchIndexError as error:
        raise PluginError(str(error)) from error
    (site / VARIANTS).write_text(variants_module(glossary, fragment_ids(site)), encoding="utf-8")
