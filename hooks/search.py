"""Site search (opskb.search): mark each page's article for Pagefind, keep a copy of the article for
indexing, and run Pagefind over those copies at the end of the build.

Runs in every build, `make serve` rebuilds included (with --dirty, the pages not rebuilt keep their
copies from the previous build). A failure stops the build with a Chinese message.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from opskb.search import (
    MATERIAL_CONFIG, VARIANTS, SearchIndexError, build_index, excluded, fragment_ids, index_document, mark_article,
    material_config, page_weight, variants_module,
)
from opskb.terms import TERMS_FILE, TermsError, load_terms

_state: dict[str, object] = {"dirty": False}


def on_startup(command: str, dirty: bool) -> None:
    _state["dirty"] = dirty


def on_pre_build(config: MkDocsConfig) -> None:
    if not _state["dirty"] or "source" not in _state:
        _clean()
        _state["source"] = Path(tempfile.mkdtemp(prefix="opskb-search-"))


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = mark_article(output, exclude=excluded(page.meta), weight=page_weight(page.file.src_uri))
    copy = _source() / page.url / "index.html" if not page.url or page.url.endswith("/") else _source() / page.url
    document = index_document(output)
    if document is None:
        copy.unlink(missing_ok=True)
    else:
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(document, encoding="utf-8")
    return output


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
        build_index(site, _source())
    except SearchIndexError as error:
        raise PluginError(str(error)) from error
    (site / VARIANTS).write_text(variants_module(glossary, fragment_ids(site)), encoding="utf-8")
    if not _state["dirty"]:
        _clean()


def on_shutdown() -> None:
    _clean()


def _source() -> Path:
    source = _state.get("source")
    if not isinstance(source, Path):
        raise PluginError("搜索索引的临时目录没有创建（on_pre_build 未运行）；请重新构建。")
    return source


def _clean() -> None:
    source = _state.pop("source", None)
    if isinstance(source, Path):
        shutil.rmtree(source, ignore_errors=True)
