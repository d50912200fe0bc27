"""Site search: what the build marks for indexing, the Pagefind run, and the query variants.

The index is Pagefind's (a static index split into small chunks that the browser fetches per query
word), built from the published HTML after MkDocs has written it. Material's header search box stays;
its worker is replaced by overrides/assets/javascripts/search-worker.js, which asks Pagefind.
hooks/search.py only calls these functions.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from opskb.glossary import GLOSSARY_PAGE
from opskb.terms import Glossary

# Inside the article: the permalink marks (¶), the edit/view buttons, the last-updated line and the
# glossary's filter form are not content.
EXCLUDED = [".headerlink", ".md-skip", ".md-content__button", ".md-source-file", "form", "script", "style"]
# Contributor and maintainer pages: their words count this much, so readers' pages rank first.
CONTRIBUTOR_WEIGHT = 0.1
CONTRIBUTOR_PREFIX = "contributing/"
OUTPUT = "pagefind"
VARIANTS = "assets/javascripts/search-variants.js"
# Material's bundle fetches search/search_index.json on every page for its highlighter's settings;
# it gets only those (a few hundred bytes), never documents.
MATERIAL_CONFIG = "search/search_index.json"
SEPARATOR = r"[\s\-]+"

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')


class SearchIndexError(Exception):
    """The index could not be built; the message is for contributors (Chinese, with the fix)."""


def mark_article(html: str, *, exclude: bool, weight: float | None) -> str:
    """The page with its article marked as the only part Pagefind indexes (or nothing, if excluded)."""
    if exclude:
        return html
    attributes = " data-pagefind-body"
    if weight is not None:  # the worker ranks pages with this meta below readers' pages, too
        attributes += f' data-pagefind-weight="{weight:g}" data-pagefind-meta="audience:contributor"'
    return _ARTICLE.sub(lambda match: match.group(0) + attributes, html, count=1)


def page_weight(src_uri: str) -> float | None:
    """The weight of a page's words: lowered for contributor pages, the default (None) otherwise."""
    return CONTRIBUTOR_WEIGHT if src_uri.startswith(CONTRIBUTOR_PREFIX) else None


def excluded(meta: dict[str, object]) -> bool:
    """Front matter `search: {exclude: true}` keeps a page out of the index."""
    search = meta.get("search")
    return isinstance(search, dict) and search.get("exclude") is True


def material_config() -> str:
    """What Material's bundle reads from search/search_index.json: settings for highlighting ?h= words."""
    return json.dumps({"config": {"lang": ["zh"], "separator": SEPARATOR, "pipeline": [], "fields": {}}, "docs": []})


# --------------------------------------------------------------------------- query variants


_SPLIT = re.compile(r"[、，,;；]")


def _key(label: str) -> str:
    """A label as the query module compares it: lower case, no spaces or slashes (A/B 测试 → ab测试)."""
    return re.sub(r"[\s/·\-]+", "", label.lower())


def variant_groups(glossary: Glossary) -> list[list[str]]:
    """For each term, the ways readers write it (name, acronym, English, aliases), in search form.

    A query that is one of them is also searched as the others: 日活 finds DAU, AB测试 finds A/B 测试.
    """
    groups: list[list[str]] = []
    for term in glossary.terms:
        labels: dict[str, None] = {}
        for label in term.labels:
            for part in _SPLIT.split(label):
                part = part.strip()
                if part:
                    labels.setdefault(part, None)
        groups.append(list(labels))
    return groups


def page_url(src_uri: str) -> str:
    """The published URL of a page (directory URLs): modules/user-operations/index.md → /modules/user-operations/."""
    path = src_uri.split("#", 1)[0].removesuffix(".md")
    path = path.removesuffix("index")
    return "/" + (path.rstrip("/") + "/" if path.strip("/") else "")


def defining_pages(glossary: Glossary) -> list[list[str]]:
    """For each term (same order as variant_groups), the pages that define it: the glossary and its `see` page."""
    return [[page_url(GLOSSARY_PAGE), page_url(term.page)] for term in glossary.terms]


def fragment_ids(site_dir: Path) -> dict[str, str]:
    """Page URL → Pagefind's id for the page (its fragment's name), read from the written index."""
    ids: dict[str, str] = {}
    for fragment in (site_dir / OUTPUT / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        data = json.loads(raw[len(b"pagefind_dcd"):])
        ids[data["url"]] = fragment.name.removesuffix(".pf_fragment")
    return ids


def variants_module(glossary: Glossary, ids: dict[str, str]) -> str:
    """An ES module the search worker imports on the first query: each term's ways of writing it, and the
    Pagefind ids of the pages that define it (a query for the term ranks them first)."""
    places = [[ids[url] for url in urls if url in ids] for urls in defining_pages(glossary)]
    data = json.dumps({"groups": variant_groups(glossary), "places": places}, ensure_ascii=False, separators=(",", ":"))
    return ("// Generated at build time from includes/terms.yml by hooks/search.py, after indexing.\n"
            f"export default {data}\n")


# --------------------------------------------------------------------------- Pagefind

_MARKED = re.compile(r'<article class="md-content__inner md-typeset" data-pagefind-body.*?</article>', re.S)


def index_document(html: str, language: str = "zh") -> str | None:
    """What the index needs of a written page: its marked article alone (None if the page is excluded)."""
    article = _MARKED.search(html)
    if article is None:
        return None
    return f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head><body>{article.group(0)}</body></html>'


@dataclass(frozen=True)
class IndexFigures:
    pages: int
    words: int
    seconds: float


def pagefind_executable() -> Path:
    """The Pagefind binary of the pinned pagefind-bin-extended wheel (the extended build segments Chinese)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]
    except ImportError as error:
        raise SearchIndexError("没有安装 Pagefind（pagefind-bin-extended）：请运行 python -m opskb setup 安装锁定的依赖。") from error
    return Path(get_executable())


def pagefind_command(source: Path, output: Path) -> list[str]:
    return [str(pagefind_executable()), "--site", str(source), "--output-path", str(output),
            "--exclude-selectors", ", ".join(EXCLUDED), "--force-language", "zh"]


_COUNT = re.compile(r"Indexed (\d+) pages?.*?Indexed (\d+) words?", re.S)


def build_index(site_dir: Path, source: Path | None = None) -> IndexFigures:
    """Run Pagefind, writing site_dir/pagefind/; raise SearchIndexError on failure.

    `source` holds the pages to index (the build writes each page's article there: less to read than
    the published pages); without it, the published site itself is indexed.
    """
    import time

    target = site_dir / OUTPUT
    if target.exists():
        shutil.rmtree(target)
    start = time.perf_counter()
    try:
        result = subprocess.run(pagefind_command(source or site_dir, target), capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"无法运行 Pagefind 建立搜索索引：{error}。请运行 python -m opskb setup 重新安装依赖。") from error
    output = result.stdout + result.stderr
    if result.returncode != 0 or not (target / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind 建立搜索索引失败（退出码 {result.returncode}）：\n{output.strip()[-2000:]}")
    for unused in (*target.glob("pagefind-*ui.*"), target / "pagefind-highlight.js"):
        unused.unlink(missing_ok=True)  # Pagefind's own search boxes: the site uses Material's
    counts = _COUNT.search(output)
    pages, words = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 0)
    return IndexFigures(pages, words, time.perf_counter() - start)


# --------------------------------------------------------------------------- reading the index


def _cbor(data: bytes, at: int = 0) -> tuple[object, int]:
    """One CBOR item (the subset Pagefind writes) and the offset after it."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value: int | None = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if major == 7:
            return struct.unpack(">" + {4: "f", 8: "d"}.get(size, "e"), data[at:at + size])[0], at + size
        value = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        value = None  # indefinite length
    if major == 0:
        return value, at
    if major == 1:
        return -1 - (value or 0), at
    if major in (2, 3):
        chunk = data[at:at + (value or 0)]
        return (chunk.decode("utf-8") if major == 3 else chunk), at + (value or 0)
    if major == 4:
        items: list[object] = []
        while (value is None and data[at] != 0xFF) or (value is not None and len(items) < value):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at + (1 if value is None else 0)
    if major == 5:
        mapping: dict[object, object] = {}
        for _ in range(value or 0):
            key, at = _cbor(data, at)
            mapping[key], at = _cbor(data, at)
        return mapping, at
    if major == 7:
        return {20: False, 21: True, 22: None}.get(info), at
    raise ValueError(f"CBOR type {major} not read")


def index_words(site_dir: Path) -> dict[str, int]:
    """Every word in the published index, with the number of pages it is on (what a query can match)."""
    words: dict[str, int] = {}
    for chunk in sorted((site_dir / OUTPUT / "index").glob("*.pf_index")):
        raw = gzip.decompress(chunk.read_bytes())
        signature = b"pagefind_dcd"
        if not raw.startswith(signature):
            raise SearchIndexError(f"{chunk.name} 不是 Pagefind 索引块")
        entries, _ = _cbor(raw, len(signature))
        for entry in entries[0]:  # type: ignore[index]
            words[entry[0]] = len(entry[1])  # type: ignore[index]
    return words


def main(argv: list[str] | None = None) -> int:
    """python -m opskb.search SITE: index an already built site (what the build does at its end)."""
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site")
    try:
        figures = build_index(site)
    except SearchIndexError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"搜索索引：{figures.pages} 页，{figures.words} 个词，用时 {figures.seconds:.1f} 秒。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
