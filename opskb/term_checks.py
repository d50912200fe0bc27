"""Rules over the term data and the pages together: the data file (G001–G009), where each term is
explained (G010), abbreviations defined in pages (G011, in opskb.rules), formulas (G012, G013) and
the glossary page's marker (G014). `check_site` runs them with the page rules."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from opskb.formulas import check_formulas, glossary_formulas
from opskb.glossary import GLOSSARY_MARKER, GLOSSARY_PAGE
from opskb.rules import Finding, page_headings
from opskb.terms import TERMS_FILE, Glossary, parse_terms


def check_terms(terms_data: bytes | None, pages: Mapping[str, str], docs_dir: str = "docs") -> list[Finding]:
    """Findings for includes/terms.yml (its bytes, None if missing) and the pages (repository path → text)."""
    if terms_data is None:
        return [Finding(TERMS_FILE, 1, 1, "G001", f"找不到术语数据文件 {TERMS_FILE}；术语表和悬停提示都由它生成，请恢复这个文件。")]
    try:
        terms_text = terms_data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = terms_data[: exc.start].count(b"\n") + 1
        return [Finding(TERMS_FILE, line, 1, "G001", "术语数据文件不是 UTF-8 编码；请在编辑器中以 UTF-8 重新保存。")]
    glossary, findings = parse_terms(terms_text)
    findings += check_marker(pages, docs_dir)
    if glossary is None:
        return findings
    findings += check_see(glossary, pages, docs_dir)
    findings += glossary_formulas(glossary)[1]
    findings += check_formulas(pages, glossary)
    return sorted(set(findings))


def check_see(glossary: Glossary, pages: Mapping[str, str], docs_dir: str = "docs") -> list[Finding]:
    """G010: every term's `see` names a page of the site and, if it has one, an existing heading anchor."""
    findings: list[Finding] = []
    anchors: dict[str, list[str]] = {}
    for term in glossary.terms:
        page = f"{docs_dir}/{term.page}"
        if page not in pages:
            close = difflib.get_close_matches(page, list(pages), n=1)
            hint = f"是否想写 {close[0].removeprefix(docs_dir + '/')}？" if close else "路径相对于 docs/ 目录。"
            findings.append(Finding(TERMS_FILE, term.line_of("see"), 5, "G010", f"术语「{term.name}」的 see 指向的页面 {term.page} 不存在；{hint}"))
            continue
        if not term.anchor:
            continue
        if page not in anchors:
            anchors[page] = [slug for _level, _title, slug in page_headings(pages[page])]
        if term.anchor not in anchors[page]:
            close = difflib.get_close_matches(term.anchor, anchors[page], n=1)
            hint = f"是否想写 #{close[0]}？" if close else "锚点由标题文字生成，见写作规范中的「链接与图片」。"
            findings.append(Finding(TERMS_FILE, term.line_of("see"), 5, "G010", f"术语「{term.name}」的 see 指向 {term.page} 中不存在的锚点 #{term.anchor}；{hint}"))
    return findings


def check_marker(pages: Mapping[str, str], docs_dir: str = "docs") -> list[Finding]:
    """G014: the glossary page holds the marker the term list replaces, once."""
    path = f"{docs_dir}/{GLOSSARY_PAGE}"
    if path not in pages:
        return []
    count = sum(1 for line in pages[path].split("\n") if line.strip() == GLOSSARY_MARKER)
    if count == 1:
        return []
    problem = "缺少" if count == 0 else "有多个"
    return [Finding(path, 1, 1, "G014", f"术语表页面{problem}单独成行的 {GLOSSARY_MARKER}；术语列表生成在这一行的位置，请保留且只保留一行。")]
