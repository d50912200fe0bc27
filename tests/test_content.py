"""The writing itself: glossary, tooltips, figures and volume (typesetting is rule T001 of the check)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from opskb.terms import load_terms, normalize_label

HAN = re.compile(r"[\u4e00-\u9fff]")
REQUIRED_TERMS = [
    "LTV", "RFM", "AARRR", "ARPU", "ARPPU", "DAU", "MAU", "CAC", "ROI", "GMV", "留存率", "转化率",
    "复购率", "客单价", "流失", "漏斗", "拉新", "促活", "召回", "KOL", "UGC", "PGC", "SEO", "SEM",
    "ASO", "私域", "NPS",
]
FIGURES = ["user-lifecycle.svg", "aarrr-funnel.svg", "rfm-segments.svg", "user-value-pyramid.svg"]


def pages(root: Path) -> list[Path]:
    return sorted((root / "docs").rglob("*.md"))




@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_glossary_defines_and_links_the_term(term: str) -> None:
    matches = [t for t in load_terms().terms if normalize_label(term) in {normalize_label(label) for label in t.labels}]
    assert len(matches) == 1, f"术语表 should name {term} exactly once, found {[t.id for t in matches]}"
    definition = matches[0].definition
    assert len(HAN.findall(definition)) >= 8, f"{term}: definition too thin: {definition}"
    assert matches[0].page.endswith(".md"), f"{term}: no page that explains it"


def test_the_glossary_is_substantial_and_every_entry_is_written_out() -> None:
    terms = load_terms().terms
    assert len(terms) >= 130
    thin = [t.id for t in terms if len(HAN.findall(t.definition)) < 8]
    assert not thin, f"definitions under 8 Chinese characters: {thin}"


def test_every_tooltip_says_what_the_term_data_says(site: Path) -> None:
    """Every tooltip on every page comes from includes/terms.yml, word for word: there is no second source."""
    tips = {term.abbr: term.tooltip for term in load_terms().terms if term.abbr}
    found: dict[str, int] = {}
    stale: list[str] = []
    for page in site.rglob("*.html"):
        for title, text in re.findall(r'<abbr title="([^"]*)">([^<]+)</abbr>', page.read_text(encoding="utf-8")):
            abbr = html.unescape(text)
            found[abbr] = found.get(abbr, 0) + 1
            if html.unescape(title) != tips.get(abbr):
                stale.append(f"{page.relative_to(site)}: {abbr}: {title}")
    assert not stale, "\n".join(stale[:20])
    assert {"RFM", "LTV", "ARPU", "CAC", "GMV", "NPS", "AOV"} <= found.keys()
    rfm = (site / "modules/user-operations/rfm/index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="[^"]*最近[^"]*">RFM</abbr>', rfm)


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
    # The glossary's entries are generated from includes/terms.yml (tested above), not written in the page.
    body = [p for p in pages(root) if "contributing" not in p.parts and p.name != "glossary.md"]
    total = sum(len(HAN.findall(p.read_text(encoding="utf-8"))) for p in body)
    assert total >= 30_000, f"{total} Chinese characters"
    thin = [str(p.relative_to(root)) for p in body if len(HAN.findall(p.read_text(encoding="utf-8"))) < 400]
    assert not thin, f"pages with under 400 Chinese characters: {thin}"
