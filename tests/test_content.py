"""The writing itself: glossary, tooltips, figures and volume (typesetting is rule T001 of the check)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")
REQUIRED_TERMS = [
    "LTV", "RFM", "AARRR", "ARPU", "ARPPU", "DAU", "MAU", "CAC", "ROI", "GMV", "留存率", "转化率",
    "复购率", "客单价", "流失", "漏斗", "拉新", "促活", "召回", "KOL", "UGC", "PGC", "SEO", "SEM",
    "ASO", "私域", "NPS",
]
FIGURES = ["user-lifecycle.svg", "aarrr-funnel.svg", "rfm-segments.svg", "user-value-pyramid.svg"]


def pages(root: Path) -> list[Path]:
    return sorted((root / "docs").rglob("*.md"))


def glossary_rows(root: Path) -> list[list[str]]:
    text = (root / "docs/glossary.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row] for row in rows if row[0].strip() != "术语"]


@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_glossary_defines_and_links_the_term(root: Path, term: str) -> None:
    pattern = rf"(^|[（(]){re.escape(term)}($|[）)（(]| 模型)"
    rows = [row for row in glossary_rows(root) if re.search(pattern, row[0])]
    assert rows, f"术语表 has no row for {term}"
    definition, link = rows[0][2], rows[0][3]
    assert len(HAN.findall(definition)) >= 8, f"{term}: definition too thin: {definition}"
    assert re.search(r"\]\([\w\-/]+\.md(#[^)]+)?\)", link), f"{term}: no link to where it is explained"


def test_every_acronym_in_the_glossary_has_a_tooltip(root: Path) -> None:
    abbreviations = set(re.findall(r"^\*\[([^\]]+)\]:", (root / "includes/abbreviations.md").read_text(encoding="utf-8"), re.M))
    acronyms = {m for row in glossary_rows(root) for m in re.findall(r"[（(]([A-Z][A-Za-z0-9]+)[）)]", row[0])}
    acronyms |= {row[0] for row in glossary_rows(root) if re.fullmatch(r"[A-Z]{2,}[a-z]?", row[0])}
    assert acronyms - abbreviations == set()
    assert set(REQUIRED_TERMS) - abbreviations == {t for t in REQUIRED_TERMS if HAN.search(t)}


def test_acronyms_show_their_definition_as_a_tooltip(site: Path) -> None:
    html = (site / "modules/user-operations/rfm/index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="[^"]*最近[^"]*">RFM</abbr>', html)
    assert re.search(r'<abbr title="[^"]+">LTV</abbr>', html)


def test_the_four_figures_are_used_with_meaningful_alt_text(root: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in pages(root) if "contributing" not in p.parts)
    for figure in FIGURES:
        alts = re.findall(rf"!\[([^\]]*)\]\([./]*img/{re.escape(figure)}\)", text)
        assert alts and all(len(HAN.findall(alt)) >= 8 for alt in alts), figure


def test_figures_zoom_in_a_lightbox_loaded_only_where_there_are_figures(site: Path) -> None:
    html = (site / "modules/user-operations/lifecycle/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="glightbox"[^>]*href="../../../img/user-lifecycle.svg"', html)
    assert "glightbox.min.js" in html
    pages = list(site.rglob("index.html"))
    with_figures = [p for p in pages if "<img" in p.read_text(encoding="utf-8")]
    assert 0 < len(with_figures) < len(pages)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert ("glightbox.min.js" in html) == ("<img" in html), page


def test_the_knowledge_base_is_written_out(root: Path) -> None:
    body = [p for p in pages(root) if "contributing" not in p.parts]
    total = sum(len(HAN.findall(p.read_text(encoding="utf-8"))) for p in body)
    assert total >= 30_000, f"{total} Chinese characters"
    thin = [str(p.relative_to(root)) for p in body if len(HAN.findall(p.read_text(encoding="utf-8"))) < 400]
    assert not thin, f"pages with under 400 Chinese characters: {thin}"
