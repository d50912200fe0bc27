"""What a reader sees around the text: short table cells that must not break, 相关阅读 from a page's own
links, the home page's recently updated pages, the 内容纠错 link. Plain functions; hooks/reader.py
calls them while MkDocs builds.
"""

from __future__ import annotations

import html as htmllib
import posixpath
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

# ------------------------------------------------------------------ tables

# A cell up to this display width (a Chinese character counts 2, a Latin letter or digit 1) is a label
# or a number: 重要发展客户 is 12, 19778.77 is 8. Longer cells are prose and may wrap.
SHORT_CELL_WIDTH = 16

_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_CELL = re.compile(r"<(td|th)((?:\s[^>]*)?)>(.*?)</\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def display_width(text: str) -> int:
    """Columns the text takes in a monospace sense: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def cell_text(cell_html: str) -> str:
    return " ".join(htmllib.unescape(_TAG.sub("", cell_html)).split())


def mark_short_cells(page_html: str, limit: int = SHORT_CELL_WIDTH) -> str:
    """Add class="opskb-short" to the cells of Markdown tables (`<table>` without attributes) whose
    text is at most `limit` wide, so the stylesheet keeps them on one line."""

    def cell(match: re.Match[str]) -> str:
        tag, attrs, inner = match.groups()
        text = cell_text(inner)
        if not text or display_width(text) > limit or "class=" in attrs:
            return match.group(0)
        return f'<{tag}{attrs} class="opskb-short">{inner}</{tag}>'

    return _TABLE.sub(lambda table: "<table>" + _CELL.sub(cell, table.group(1)) + "</table>", page_html)


# ------------------------------------------------------------------ 相关阅读

# Pages that explain a model or a method get 相关阅读; chapter index pages are tables of contents already.
RELATED_CHAPTERS = ("modules/", "refined-operations/")
RELATED_EXCLUDED = ("glossary/", "contributing/")  # term links, maintainers' pages (and never the home page)
RELATED_MAX = 8
RELATED_TITLE = "相关阅读"

_HREF = re.compile(r"""<a\s[^>]*?href="([^"]*)"[^>]*>""")


def wants_related(src_uri: str) -> bool:
    """Whether a page (its path under docs/) ends with 相关阅读."""
    return src_uri.startswith(RELATED_CHAPTERS) and posixpath.basename(src_uri) != "index.md"


def linked_pages(page_html: str, page_url: str, titles: Mapping[str, str], limit: int = RELATED_MAX) -> list[str]:
    """The site pages (their URLs, as in `titles`) that the rendered page links to, in the order of
    their first link; not the page itself, the home page, the glossary (term links) or maintainers' pages."""
    found: list[str] = []
    for href in _HREF.findall(page_html):
        href = htmllib.unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname("/" + page_url.rstrip("/") + "/x"), parts.path))
        target = target.lstrip("/")
        target = "" if target == "." else target
        if parts.path.endswith("/") and target:
            target += "/"
        if not target or target == page_url or target not in titles or target.startswith(RELATED_EXCLUDED):
            continue
        if target not in found:
            found.append(target)
        if len(found) == limit:
            break
    return found


def relative_url(target: str, page_url: str) -> str:
    """`target` (a site URL like modules/x/) as a link from `page_url`, both with directory URLs."""
    base = posixpath.dirname("/" + page_url.rstrip("/") + "/x")
    rel = posixpath.relpath("/" + target, base)
    return rel + ("/" if target.endswith("/") and not rel.endswith("/") else "")


def related_html(page_url: str, targets: Iterable[str], titles: Mapping[str, str]) -> str:
    """The 相关阅读 box: an aside with a heading and one link per page; empty when there is none."""
    items = [
        f'<li><a href="{htmllib.escape(quote(relative_url(t, page_url), safe="/#.-_~"))}">{htmllib.escape(titles[t])}</a></li>'
        for t in targets
    ]
    if not items:
        return ""
    return (
        f'<aside class="opskb-related" aria-labelledby="opskb-related-title">'
        f'<h2 id="opskb-related-title">{RELATED_TITLE}</h2><ul>{"".join(items)}</ul></aside>'
    )


def insert_before_footnotes(page_html: str, fragment: str) -> str:
    """`fragment` after the page's text: before the footnotes when there are any, else at the end."""
    if not fragment:
        return page_html
    at = page_html.find('<div class="footnote">')
    return page_html + fragment if at < 0 else page_html[:at] + fragment + page_html[at:]


# ------------------------------------------------------------------ 最近更新 on the home page

RECENT_MARKER = "<!-- recent-pages -->"
RECENT_COUNT = 6
RECENT_EXCLUDED = ("contributing/",)  # and every index.md: the home page, chapter tables of contents


@dataclass(frozen=True)
class Change:
    path: str   # under docs/
    date: str   # YYYY-MM-DD, the last commit that touched it


def last_changes(root: Path, docs_dir: str = "docs") -> list[Change]:
    """Every page under `docs_dir` with the date of the last commit that touched it, newest first
    (one `git log`); empty when there is no Git history (a tarball, git missing)."""
    try:
        result = subprocess.run(
            ["git", "log", "--format=%x1e%cs", "--name-only", "--no-renames", "--", docs_dir],
            cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=30, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    prefix = docs_dir.rstrip("/") + "/"
    seen: dict[str, str] = {}
    for record in result.stdout.split("\x1e"):
        lines = [line.strip() for line in record.strip().splitlines() if line.strip()]
        if not lines:
            continue
        date, names = lines[0], lines[1:]
        for name in names:
            if name.startswith(prefix) and name.endswith(".md"):
                seen.setdefault(name[len(prefix):], date)
    return [Change(path, date) for path, date in seen.items()]


def recent_pages(changes: Iterable[Change], titles: Mapping[str, str], count: int = RECENT_COUNT) -> list[Change]:
    """The `count` most recently changed pages that still exist (`titles` maps their paths under docs/),
    not the home page, chapter index pages or maintainers' pages. Ties keep Git's order (newest commit first)."""
    kept = [
        change for change in changes
        if change.path in titles and posixpath.basename(change.path) != "index.md" and not change.path.startswith(RECENT_EXCLUDED)
    ]
    return sorted(kept, key=lambda change: change.date, reverse=True)[:count]


def recent_markdown(changes: list[Change], titles: Mapping[str, str]) -> str:
    """The Markdown list that replaces RECENT_MARKER on the home page (links relative to docs/)."""
    if not changes:
        return "构建时没有可用的 Git 历史，暂时无法列出最近更新的页面。"
    lines = [
        f'- [{titles[c.path]}]({c.path}) <time datetime="{c.date}">{_chinese_date(c.date)}</time>'
        for c in changes
    ]
    return '<div class="opskb-recent" markdown>\n\n' + "\n".join(lines) + "\n\n</div>"


# ------------------------------------------------------------------ the whole book as a PDF

BOOK_MARKER = "<!-- book-pdf -->"


def book_link(pdf_name: str) -> str:
    """The home page's download button for the whole-book PDF (`python -m opskb pdf` writes it at the
    site root when the site is published). Raw HTML, because MkDocs would report a Markdown link to a
    file the build itself does not make."""
    return f'<a class="md-button" href="{pdf_name}">下载全书 PDF</a>'


def _chinese_date(date: str) -> str:
    year, month, day = date.split("-")
    return f"{int(year)} 年 {int(month)} 月 {int(day)} 日"


# ------------------------------------------------------------------ 内容纠错

CONTENT_FIX_FORM = "content-fix.yml"  # .github/ISSUE_TEMPLATE/


def content_fix_url(repo_url: str | None, page_address: str, title: str) -> str | None:
    """The repository's 内容纠错 issue form with the page filled in; None when the repository is not
    on a host whose issue forms take these parameters (GitHub)."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    if parts.netloc != "github.com" and not parts.netloc.endswith(".ghe.com"):
        return None
    query = urlencode({"template": CONTENT_FIX_FORM, "title": f"[纠错] {title}", "page": page_address})
    return f"{repo_url.rstrip('/')}/issues/new?{query}"
