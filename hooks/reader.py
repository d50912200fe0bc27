"""Reading aids around the text; the logic is in opskb.reader.

- tables: short cells (labels, numbers) are marked so the stylesheet keeps them on one line;
- 相关阅读 at the end of model pages, from the pages they link to;
- the home page's 最近更新 list, from Git, where docs/index.md has `<!-- recent-pages -->`, and the
  whole-book PDF's download button where it has `<!-- book-pdf -->`;
- the 内容纠错 link beside the edit button (overrides/partials/actions.html).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from opskb.reader import (
    BOOK_MARKER, RECENT_MARKER, book_link, content_fix_url, insert_before_footnotes, last_changes, linked_pages, mark_short_cells,
    recent_markdown, recent_pages, related_html, wants_related,
)
from opskb.pdf import PDF_NAME
from opskb.rules import page_headings

_titles_by_path: dict[str, str] = {}  # docs/ path → the page's H1
_titles_by_url: dict[str, str] = {}   # site URL (modules/x/) → the page's H1


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _titles_by_path.clear()
    _titles_by_url.clear()
    for file in files.documentation_pages():
        title = next((text for level, text, _anchor in page_headings(file.content_string) if level == 1), None)
        if title:
            _titles_by_path[file.src_uri] = title
            _titles_by_url[file.url] = title
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    lines = markdown.split("\n")
    if any(line.strip() == RECENT_MARKER for line in lines):
        root = Path(config.config_file_path).parent
        recent = recent_pages(last_changes(root, Path(config.docs_dir).relative_to(root).as_posix()), _titles_by_path)
        listing = recent_markdown(recent, _titles_by_path)
        lines = [listing if line.strip() == RECENT_MARKER else line for line in lines]
    return "\n".join(book_link(PDF_NAME) if line.strip() == BOOK_MARKER else line for line in lines)


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    html = mark_short_cells(html)
    if wants_related(page.file.src_uri):
        targets = linked_pages(html, page.url, _titles_by_url)
        html = insert_before_footnotes(html, related_html(page.url, targets, _titles_by_url))
    return html


def on_page_context(context: dict, page: Page, config: MkDocsConfig, **kwargs: object) -> dict:
    address = page.canonical_url or f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    context["opskb_content_fix_url"] = content_fix_url(config.repo_url, address, page.title or config.site_name)
    return context
