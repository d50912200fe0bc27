"""The glossary as readers use it: an anchor per term, an index, a filter, and tooltips that lead there.

Built-site checks read the HTML; browser checks drive headless Chromium at phone size, light and
dark, with and without JavaScript, and after Material's instant navigation.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import ARTIFACTS, SETTLED, axe_findings, axe_source, open_tab, page_urls
from opskb.publish import downloads
from opskb.glossary import GLOSSARY_SCRIPT
from opskb.terms import load_terms, normalize_label


class Elements(HTMLParser):
    """Start tags in document order with their attributes, the headings they sit in, and text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.items: list[tuple[str, dict[str, str | None], str | None]] = []  # (tag, attrs, open heading)
        self.heading: str | None = None
        self.headings: list[tuple[str, str, str]] = []  # (tag, id, text)
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.items.append((tag, values, self.heading))
        if re.fullmatch(r"h[1-6]", tag):
            self.heading, self._text = tag, []
            self.headings.append((tag, values.get("id") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self.heading:
            level, anchor, _ = self.headings[-1]
            self.headings[-1] = (level, anchor, "".join(self._text).replace("¶", "").strip())
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading:
            self._text.append(data)


def glossary_html(site: Path) -> str:
    return (site / "glossary/index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the built glossary


def test_every_term_is_an_anchored_h3_inside_its_group(site: Path) -> None:
    glossary = load_terms()
    headings = Elements(glossary_html(site)).headings
    group = None
    placed: dict[str, str | None] = {}
    for level, anchor, text in headings:
        if level == "h2":
            group = text
        elif level == "h3":
            placed[anchor] = group
    assert placed == {term.id: term.group for term in glossary.terms}
    assert [text for level, _, text in headings if level == "h2"][1:] == [g.name for g in glossary.groups]


def test_the_index_links_every_term_under_its_letters(site: Path) -> None:
    html = glossary_html(site)
    index = re.findall(r'<p class="opskb-glossary-index" id="index-([a-z]+)">(.*?)</p>', html, re.S)
    assert index, "no letter index"
    linked = {anchor for _letter, line in index for anchor in re.findall(r'href="#([a-z0-9-]+)"', line)}
    assert linked == {term.id for term in load_terms().terms}
    bar = re.search(r'<p class="opskb-glossary-letters">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r'href="#index-([a-z]+)"', bar) == [letter for letter, _ in index]
    assert "<abbr" not in html, "the glossary spells its terms out; tooltips there are noise"


def test_the_filter_script_is_published_and_loaded_on_the_glossary_only(site: Path) -> None:
    assert (site / GLOSSARY_SCRIPT).is_file()
    assert (site / "assets/stylesheets/terms.css").is_file()
    loaded = sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "glossary.js" in p.read_text(encoding="utf-8"))
    assert loaded == ["glossary/index.html"]
    assert re.search(r'<script type="module" src="\.\./assets/javascripts/glossary\.js">', glossary_html(site))


def test_the_first_mention_of_an_acronym_links_to_its_glossary_entry(site: Path, root: Path) -> None:
    terms = {term.abbr: term for term in load_terms().terms if term.abbr}
    total = 0
    for url in page_urls(root):
        page = site / url.strip("/") / "index.html" if url != "/" else site / "index.html"
        items = Elements(page.read_text(encoding="utf-8")).items
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<a class="opskb-term" href="([^"]+)"><abbr title="[^"]*">([^<]+)</abbr></a>', html)
        acronyms = [abbr for _href, abbr in links]
        assert len(acronyms) == len(set(acronyms)), f"{url}: an acronym linked twice"
        for href, abbr in links:
            term = terms[abbr.replace("&amp;", "&")]
            target = urlsplit(urljoin(f"http://site{url}", href))
            assert target.path == "/glossary/" and unquote(target.fragment) == term.id, f"{url}: {href}"
            explained_here = "/" + term.page.removesuffix(".md").removesuffix("index").removesuffix("/") + "/"
            assert url != explained_here.replace("//", "/"), f"{url} explains {abbr} yet links it away"
        in_heading = [values for tag, values, heading in items if tag == "a" and values.get("class") == "opskb-term" and heading]
        assert not in_heading, f"{url}: a term link inside a heading"
        total += len(links)
    assert total >= 50


def test_the_sample_data_and_sql_are_published_for_download(site: Path, root: Path) -> None:
    for name in ("orders.csv", "rfm.sql", "ltv.sql"):
        assert (site / "examples" / name).read_bytes() == (root / "examples" / name).read_bytes()
    page = site / "modules/user-operations/rfm/index.html"
    hrefs = re.findall(r'href="([^"]*orders\.csv)"', page.read_text(encoding="utf-8"))
    assert hrefs and all((page.parent / href).resolve() == (site / "examples/orders.csv").resolve() for href in hrefs)
    assert not (site / "examples/rfm.py").exists() and not (site / "examples/rfm-sheet.txt").exists()


def test_only_plain_data_files_are_offered_for_download(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "query.SQL").write_text("SELECT 1;\n", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "script.py").write_text("print()\n", encoding="utf-8")
    (tmp_path / "folder.csv").mkdir()
    secret = tmp_path.parent / "secret.csv"
    secret.write_text("password\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(secret)
    assert downloads(tmp_path) == ["orders.csv", "query.SQL"]
    assert downloads(tmp_path / "missing") == []


# --------------------------------------------------------------------------- in the browser

VISIBLE_TERMS = "() => [...document.querySelectorAll('article h3[id]')].filter(h => h.offsetParent !== null).map(h => h.id)"
CSP_WATCH = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"


def expected_matches(query: str) -> set[str]:
    """What the filter should leave: terms whose name, acronym, English name or alias contain the query."""
    key = normalize_label(query)
    return {term.id for term in load_terms().terms if any(key in normalize_label(label) for label in term.labels)}


def type_into_filter(page: object, text: str) -> None:
    field = page.locator("#opskb-glossary-filter-input")
    field.click()
    field.fill("")
    page.keyboard.insert_text(text)  # what an input method commits


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_filter_narrows_the_list_on_a_phone(browser: object, server: str, scheme: str) -> None:
    tab = open_tab(browser, 360, 740, scheme=scheme)
    page = tab.page
    page.add_init_script(CSP_WATCH)
    page.goto(server + "/glossary/")
    page.locator("#opskb-glossary-filter-input").wait_for()
    everything = page.evaluate(VISIBLE_TERMS)
    assert len(everything) == len(load_terms().terms)
    for query, must in [("留存", {"retention-rate", "nrr", "grr"}), ("ltv", {"ltv", "ltv-cac"}), ("日活", {"dau"}),
                        ("回购", {"repurchase-rate"}), ("AB测试", {"ab-test"}), ("客单价", {"spend-per-customer"})]:
        type_into_filter(page, query)
        shown = set(page.evaluate(VISIBLE_TERMS))
        assert shown == expected_matches(query) and must <= shown, f"{query}: {sorted(shown)}"
        status = page.locator("#opskb-glossary-filter-status").inner_text()
        assert f"找到 {len(shown)} 个术语" in status
        assert not page.locator("#index-a").is_visible(), "the letter index steps aside while filtering"
    type_into_filter(page, "完全不存在的词")
    assert page.evaluate(VISIBLE_TERMS) == []
    assert "没有找到" in page.locator("#opskb-glossary-filter-status").inner_text()
    page.keyboard.press("Escape")
    assert len(page.evaluate(VISIBLE_TERMS)) == len(everything)
    assert page.locator("#index-a").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    type_into_filter(page, "留存")
    page.wait_for_function(SETTLED)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"glossary-filter-{scheme}-360.png"))
    page.evaluate(axe_source())  # not a <script> element: the page's CSP allows none
    findings = axe_findings(page, f"{scheme} 术语表（筛选「留存」）")
    assert page.evaluate("window.__csp") == []
    page.context.close()
    assert findings == [], "\n".join(findings)
    assert tab.errors == []


@pytest.mark.browser
def test_a_shared_term_link_opens_at_the_entry(browser: object, server: str) -> None:
    tab = open_tab(browser, 390, 844)
    page = tab.page
    page.goto(server + "/glossary/#cac-payback")
    heading = page.locator("h3#cac-payback")
    heading.wait_for()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 844 / 2, box
    assert page.evaluate("location.hash") == "#cac-payback"
    page.context.close()
    assert tab.errors == []


@pytest.mark.browser
def test_without_javascript_the_glossary_is_a_plain_complete_list(browser: object, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(server + "/glossary/")
    assert page.locator("#opskb-glossary-filter-input").count() == 0
    headings = page.locator("article h3[id]")
    assert headings.count() == len(load_terms().terms)
    assert all(headings.nth(i).is_visible() for i in (0, headings.count() // 2, headings.count() - 1))
    page.locator(".opskb-glossary-letters a", has_text="L").click()
    assert page.evaluate("location.hash") == "#index-l"
    context.close()


@pytest.mark.browser
def test_a_term_link_leads_to_the_entry_and_the_filter_works_after_instant_navigation(browser: object, published_server: str) -> None:
    tab = open_tab(browser, 1280, 900)
    page = tab.page
    page.goto(published_server + "/modules/user-operations/rfm/")
    link = page.locator("article a.opskb-term").first
    abbr = link.inner_text()
    term = next(t for t in load_terms().terms if t.abbr == abbr)
    link.hover()
    tooltip = page.locator(".md-tooltip2--active").first
    tooltip.wait_for(timeout=5_000)
    assert term.definition[:10] in tooltip.inner_text()
    page.evaluate("window.__same_document = true")
    link.click()
    page.wait_for_url(re.compile(rf"/glossary/#{re.escape(term.id)}$"))
    assert page.evaluate("window.__same_document === true"), "expected Material's instant navigation, not a reload"
    page.locator("#opskb-glossary-filter-input").wait_for(timeout=5_000)
    assert page.locator(f"h3#{term.id}").is_visible()
    type_into_filter(page, "日活")
    assert set(page.evaluate(VISIBLE_TERMS)) == expected_matches("日活")
    # Away and back again through the navigation: one filter box, still working.
    page.go_back()
    page.wait_for_url(re.compile(r"/rfm/$"))
    page.go_forward()
    page.wait_for_url(re.compile(r"/glossary/"))
    page.locator("#opskb-glossary-filter-input").wait_for()
    assert page.locator(".opskb-glossary-filter").count() == 1
    type_into_filter(page, "ltv")
    assert set(page.evaluate(VISIBLE_TERMS)) == expected_matches("ltv")
    page.context.close()
    assert tab.errors == []
