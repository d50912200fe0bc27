"""What the site shows of the terms: the glossary page, its index, the tooltips and their links.

Everything here is generated from `opskb.terms.load_terms()`; hooks/terms.py only wires it into
MkDocs. The glossary page's source holds an intro and GLOSSARY_MARKER; the marker is replaced by
the generated list (one `### name {#id}` per term inside `## group` sections, after an index by
letter and pinyin initial).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pypinyin import Style, lazy_pinyin

from opskb.rules import page_headings
from opskb.terms import Glossary, Term

GLOSSARY_PAGE = "glossary.md"
GLOSSARY_MARKER = "<!-- glossary: includes/terms.yml -->"
GLOSSARY_SCRIPT = "assets/javascripts/glossary.js"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def initial(text: str) -> str:
    """The index letter of a label: A–Z from Latin letters or from the pinyin of a Chinese character."""
    first = unicodedata.normalize("NFKC", text.strip())[:1]
    if first.isascii() and first.isalpha():
        return first.upper()
    if "\u4e00" <= first <= "\u9fff":
        # The whole label gives the phrase dictionary its context: 行业 reads hang, not xing.
        letter = lazy_pinyin(unicodedata.normalize("NFKC", text.strip()), style=Style.FIRST_LETTER)[0][:1]
        if letter.isascii() and letter.isalpha():
            return letter.upper()
    return "#"


def sort_key(text: str) -> str:
    """Alphabetical order by pinyin (with the phrase dictionary, so 重要 reads zhong and 行业 hang)."""
    return " ".join(lazy_pinyin(unicodedata.normalize("NFKC", text).lower()))


@dataclass(frozen=True)
class IndexEntry:
    letter: str
    label: str
    term_id: str


def index_entries(glossary: Glossary) -> list[IndexEntry]:
    """One entry per term under its name's initial, and one under its acronym's when that differs."""
    entries: list[IndexEntry] = []
    for term in glossary.terms:
        entries.append(IndexEntry(initial(term.name), term.name, term.id))
        if term.abbr and term.abbr not in term.name and initial(term.abbr) != initial(term.name):
            entries.append(IndexEntry(initial(term.abbr), term.abbr, term.id))
    return sorted(entries, key=lambda e: (e.letter == "#", e.letter, sort_key(e.label), e.label))


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def see_title(docs_dir: str, see: str, read: Callable[[str], str]) -> str:
    """The link text for a term's `see`: the page title, and the section's title when there is one."""
    page, _, anchor = see.partition("#")
    headings = page_headings(read(posixpath.join(docs_dir, page)))
    title = next((text for level, text, _id in headings if level == 1), page)
    section = next((text for _level, text, slug in headings if slug == anchor), "") if anchor else ""
    return f"{title} · {section}" if section and section != title else title


def render_glossary(glossary: Glossary, titles: Callable[[Term], str]) -> str:
    """The Markdown that replaces GLOSSARY_MARKER on the glossary page."""
    entries = index_entries(glossary)
    letters = list(dict.fromkeys(entry.letter for entry in entries))
    lines = ["## 按首字母查找", "", "术语按名称的首字母（中文按拼音）排列，有英文缩写的术语在缩写的首字母下再列一次。", ""]
    lines += ["　".join(f"[{_letter_name(letter)}](#{_letter_anchor(letter)})" for letter in letters)]
    lines += ["{: .opskb-glossary-letters }", ""]
    for letter in letters:
        links = "　".join(f"[{_escape(e.label)}](#{e.term_id})" for e in entries if e.letter == letter)
        lines += [f"**{_letter_name(letter)}**　{links}", f"{{: #{_letter_anchor(letter)} .opskb-glossary-index }}", ""]
    for group in glossary.groups:
        lines += [f"## {group.name}", "", _escape(group.intro), ""]
        for term in glossary.in_group(group.name):
            lines += _render_term(term, titles(term))
    return "\n".join(lines).rstrip() + "\n"


def _sentence(text: str) -> str:
    """A definition as a sentence of running text: with its full stop."""
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _letter_name(letter: str) -> str:
    return "其他" if letter == "#" else letter


def _letter_anchor(letter: str) -> str:
    return "index-other" if letter == "#" else f"index-{letter.lower()}"


def _render_term(term: Term, title: str) -> list[str]:
    meta = []
    if term.en:
        meta.append(_escape(term.en))
    if term.aliases:
        meta.append("也称：" + "、".join(_escape(alias) for alias in term.aliases))
    lines = [f"### {_escape(term.heading)} {{#{term.id}}}", ""]
    if meta:
        lines += ["｜".join(meta), "{: .opskb-term-meta }", ""]
    lines += [_escape(_sentence(term.definition)), ""]
    if term.formulas:
        lines += ["口径：" + "；".join(f"`{formula}`" for formula in term.formulas), ""]
    lines += [f"详见：[{_escape(title)}]({term.see})", ""]
    return lines


# --------------------------------------------------------------------------- tooltips and their links


def _unwrap_abbreviations(parent: etree.Element) -> None:
    """Replace every <abbr> below `parent` by its text, keeping the text around it."""
    for child in list(parent):
        _unwrap_abbreviations(child)
        if child.tag != "abbr":
            continue
        index = list(parent).index(child)
        text = (child.text or "") + (child.tail or "")
        if index == 0:
            parent.text = (parent.text or "") + text
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + text
        parent.remove(child)


def tooltips(glossary: Glossary) -> dict[str, str]:
    """Acronym → tooltip text, for the `abbr` extension's glossary option."""
    return {term.abbr: term.tooltip for term in glossary.terms if term.abbr}


class TermLinks(Extension):
    """The first tooltip of each acronym on a page links to the term's glossary entry.

    Runs after the `abbr` extension has wrapped acronyms in <abbr>. Skips headings, links and code,
    and the term on the page that explains it. On the glossary itself, where every entry spells its
    terms out, the tooltips are removed again. `page` is the docs-relative path of the page being
    rendered; the hook sets it before each page.
    """

    def __init__(self, glossary: Glossary, glossary_page: str = GLOSSARY_PAGE) -> None:
        super().__init__()
        self.terms = {term.abbr: term for term in glossary.terms if term.abbr}
        self.glossary_page = glossary_page
        self.page: str | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_TermLinker(md, self), "opskb_term_links", 6)


class _TermLinker(Treeprocessor):
    SKIP = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre"})

    def __init__(self, md: Markdown, extension: TermLinks) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        page = self.extension.page
        if page is None:
            return
        if page == self.extension.glossary_page:
            _unwrap_abbreviations(root)
            return
        href = posixpath.relpath(self.extension.glossary_page, posixpath.dirname(page) or ".")
        done: set[str] = set()
        self._walk(root, page, href, done)

    def _walk(self, parent: etree.Element, page: str, href: str, done: set[str]) -> None:
        for index, child in enumerate(list(parent)):
            if child.tag in self.SKIP:
                continue
            if child.tag != "abbr":
                self._walk(child, page, href, done)
                continue
            term = self.extension.terms.get(child.text or "")
            if term is None or term.abbr in done:
                continue
            done.add(term.abbr or "")
            if term.page == page:  # this page explains the term: no detour through the glossary
                continue
            link = etree.Element("a", {"href": f"{href}#{term.id}", "class": "opskb-term"})
            link.tail, child.tail = child.tail, None
            link.append(child)
            parent.remove(child)
            parent.insert(index, link)
