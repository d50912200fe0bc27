"""Search as readers use it: Material's header search box answered from the Pagefind index.

Queries are typed as an input method commits them (insert the text, then a key event: Material
searches on keyup), and each must find the page that explains the term among the first three.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from conftest import ROOT, SETTLED, Tab, axe_findings, axe_source, open_tab
from opskb.search import (
    EXCLUDED, MATERIAL_CONFIG, OUTPUT, VARIANTS, defining_pages, excluded, fragment_ids, index_document, index_words, mark_article,
    page_url, page_weight, variant_groups,
)
from opskb.terms import load_terms

LTV = "/modules/user-operations/ltv/"
RFM = "/modules/user-operations/rfm/"
AARRR = "/modules/user-operations/aarrr/"
RETENTION = "/modules/user-operations/retention/"
USER_OPS = "/modules/user-operations/"
AB = "/refined-operations/ab-testing/"
METRICS = "/refined-operations/metrics/"
GLOSSARY = "/glossary/"

# (query as typed, expected page, expected anchor on that page or None). Categories: glued Latin and
# Chinese, case, questions, variants, domain words, glossary terms, new pages' titles, calculators.
SEARCHES: list[tuple[str, str, str | None]] = [
    # Latin letters glued to Chinese, with or without a space
    ("LTV计算", LTV, None),
    ("ltv 计算", LTV, None),
    ("rfm模型", RFM, None),
    ("RFM 模型", RFM, None),
    ("aarrr模型", AARRR, None),
    ("AARRR模型", AARRR, None),
    ("CAC回收期", GLOSSARY, "#cac-payback"),
    ("ROI计算", "/modules/activity-operations/", "#roi-计算"),
    ("GMV公式", GLOSSARY, "#gmv"),
    ("KOL投放", GLOSSARY, "#kol"),
    ("活动ROI", "/modules/activity-operations/", None),
    # upper and lower case
    ("LTV", LTV, None),
    ("ltv", LTV, None),
    ("RFM", RFM, None),
    ("AARRR", AARRR, None),
    ("Retention", AARRR, None),
    ("CAC", GLOSSARY, "#cac"),
    ("GMV", GLOSSARY, "#gmv"),
    ("KOL", GLOSSARY, "#kol"),
    ("NPS", "/modules/product-operations/", None),
    ("UTM", "/refined-operations/acquisition-attribution/", None),
    ("ARPU", AARRR, None),
    # questions
    ("什么是LTV", LTV, None),
    ("LTV是什么", LTV, None),
    ("RFM模型是什么", RFM, None),
    ("留存率怎么算", RETENTION, None),
    ("复购率怎么算", GLOSSARY, "#repurchase-rate"),
    ("SEO和SEM的区别", "/what-is-operations/special-roles/", None),
    ("拉新和促活的区别", GLOSSARY, None),
    ("私域是什么", "/modules/user-operations/private-domain/", None),
    ("A/B测试怎么做", AB, None),
    ("用户运营做什么", USER_OPS, None),
    ("什么是北极星指标", METRICS, None),
    # variants
    ("AB测试", AB, None),
    ("ab测试", AB, None),
    ("A/B 测试", AB, None),
    ("ab test", AB, None),
    ("日活", GLOSSARY, "#dau"),
    ("DAU", GLOSSARY, "#dau"),
    ("月活", USER_OPS, None),
    ("月活MAU", USER_OPS, None),
    ("复购", GLOSSARY, "#repurchase-rate"),
    ("回购", GLOSSARY, "#repurchase-rate"),
    # domain words, whole
    ("拉新", AARRR, None),
    ("促活", GLOSSARY, None),
    ("复购率", GLOSSARY, "#repurchase-rate"),
    ("私域", "/modules/user-operations/private-domain/", None),
    ("裂变", "/refined-operations/growth-experiments/", None),
    ("同期群", RETENTION, None),
    ("客单价", GLOSSARY, "#spend-per-customer"),
    ("分群", "/modules/user-operations/segmentation/", None),
    ("羊毛党", GLOSSARY, "#bargain-hunters"),
    ("获客成本", GLOSSARY, "#cac"),
    ("用户生命周期", "/modules/user-operations/lifecycle/", None),
    ("客户价值", "/modules/user-operations/customer-value/", None),
    ("留存", RETENTION, None),
    ("用户分层", "/modules/user-operations/segmentation/", None),
    ("金字塔", "/modules/user-operations/pyramid/", None),
    # the newer pages, by their titles and subjects
    ("指标体系", METRICS, None),
    ("北极星指标", METRICS, None),
    ("留存与同期群", RETENTION, None),
    ("会员", "/modules/user-operations/membership/", None),
    ("积分", "/modules/user-operations/membership/", None),
    ("付费会员", "/modules/user-operations/membership/", None),
    ("埋点", "/refined-operations/event-tracking/", None),
    ("埋点方案", "/refined-operations/event-tracking/", None),
    ("增长实验", "/refined-operations/growth-experiments/", None),
    ("归因", "/refined-operations/acquisition-attribution/", None),
    ("渠道归因", "/refined-operations/acquisition-attribution/", None),
    ("用户调研", "/refined-operations/user-research/", None),
    ("用户画像", "/refined-operations/user-research/", None),
    ("用户访谈", "/refined-operations/user-research/", None),
    ("自动化触达", "/refined-operations/automated-touchpoints/", None),
    ("用户标签", "/refined-operations/user-tags/", None),
    # calculators
    ("LTV计算器", "/tools/ltv/", None),
    ("留存计算器", "/tools/cohort/", None),
    ("同期群计算器", "/tools/cohort/", None),
    ("AB测试计算器", "/tools/ab-test/", None),
    ("样本量", "/tools/ab-test/", None),
    ("RFM计算器", "/tools/rfm/", None),
]


def search(page: object, query: str) -> list[list[str]]:
    """Type as a reader (or an input method) does; the result groups, best first, each a list of links."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field_ = page.locator("input.md-search__input")
    field_.focus()
    if field_.input_value():
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")  # a key event: the empty query clears the list
        page.locator(".md-search-result__item").first.wait_for(state="detached", timeout=30_000)
    page.keyboard.insert_text(query)  # what an IME commits: no key events
    page.keyboard.press("End")        # Material listens for key events
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    page.wait_for_timeout(100)  # the first ten groups are appended together
    return page.locator(".md-search-result__item").evaluate_all(
        "items => items.map(item => [...item.querySelectorAll('a.md-search-result__link')].map(a => a.href))")


def place(link: str) -> tuple[str, str]:
    parts = urlsplit(link)
    return unquote(parts.path), unquote("#" + parts.fragment if parts.fragment else "")


@pytest.fixture(scope="module")
def reader(browser: object, server: str) -> object:
    tab = open_tab(browser)
    tab.page.goto(server + "/")
    yield tab
    tab.page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected", "anchor"), [pytest.param(*q, id=q[0]) for q in SEARCHES])
def test_search_finds_the_page_that_explains_the_term(reader: Tab, query: str, expected: str, anchor: str | None) -> None:
    groups = search(reader.page, query)
    top = [place(links[0])[0] for links in groups[:3]]
    assert expected in top, f"{query}: top pages {top}"
    # Contributor pages come after every reader page found.
    pages = [place(links[0])[0] for links in groups]
    contributor = [n for n, path in enumerate(pages) if path.startswith("/contributing/")]
    assert not contributor or contributor[0] > max(n for n, path in enumerate(pages) if n not in contributor), pages
    if anchor:
        links = groups[top.index(expected)]
        anchors = [place(link)[1] for link in links]
        assert anchor in anchors, f"{query}: {expected} shows {anchors}"
    assert reader.errors == []


@pytest.mark.browser
def test_opened_result_highlights_the_words_and_excerpts_are_readable(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/")
    search(page, "LTV计算")
    first = page.locator(".md-search-result__item").first
    excerpts = first.locator("article p").all_inner_texts()
    assert excerpts and all(len(text) < 200 for text in excerpts), excerpts  # a passage, never a whole table
    assert first.locator("mark").count() > 0
    link = first.locator("a.md-search-result__link").first
    href = link.get_attribute("href")
    assert parse_qs(urlsplit(href).query).get("h") == ["ltv 计算"], href
    link.click()
    page.wait_for_url(re.compile(re.escape(LTV)))
    marks = page.locator("article mark[data-md-highlight]")
    marks.first.wait_for(timeout=30_000)
    # Material merges neighbouring marks (「LTV 计算」); every word marked is one the reader typed.
    words = {word.lower() for text in marks.all_inner_texts() for word in text.split()}
    assert words and words <= {"ltv", "计算"}, words
    assert tab.errors == []


@pytest.mark.browser
def test_a_page_that_is_only_read_loads_no_index(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + RFM, wait_until="load")
    page.wait_for_load_state("networkidle")
    loaded = [urlsplit(url).path for url in tab.requests]
    assert not [path for path in loaded if path.startswith(f"/{OUTPUT}/")], loaded
    settings = [path for path in loaded if path.endswith(MATERIAL_CONFIG)]
    assert settings, "Material's bundle reads its search settings"
    search(page, "RFM")
    fetched = [urlsplit(url).path for url in tab.requests]
    assert any(path.startswith(f"/{OUTPUT}/") for path in fetched), "the first query loads the index"
    assert tab.errors == []


@pytest.mark.browser
def test_search_works_after_instant_navigation(browser: object, published_server: str) -> None:
    tab = open_tab(browser)
    page = tab.page
    page.goto(published_server + "/")
    page.locator(".md-tabs__link", has_text="工具").click()
    page.wait_for_url(re.compile(r"/tools/$"))
    page.wait_for_function("document.querySelector('article h1').textContent.includes('工具')")  # the new page is in place
    page.wait_for_load_state("networkidle")
    page.wait_for_function(SETTLED)  # Material has finished the navigation, as a reader's next click finds it
    groups = search(page, "留存")
    assert RETENTION in [place(links[0])[0] for links in groups[:3]]
    best = place(groups[0][0])[0]
    page.keyboard.press("Enter")  # Material opens the best result, the first one listed
    page.wait_for_url(re.compile(re.escape(best) + r"(\?|$)"), timeout=30_000)
    page.context.close()
    assert tab.errors == []


@pytest.mark.browser
def test_search_dialog_passes_axe_in_both_colour_schemes(browser: object, server: str) -> None:
    tab = open_tab(browser)
    page = tab.page
    page.context.add_init_script(script=axe_source())
    page.context.add_init_script(script="try { localStorage.clear() } catch (error) {}")  # the reader's default scheme
    findings: list[str] = []
    for scheme, name in (("light", "default"), ("dark", "slate")):
        page.emulate_media(color_scheme=scheme)
        page.goto(server + "/")
        assert page.locator("body").get_attribute("data-md-color-scheme") == name
        search(page, "LTV")
        assert page.locator(".md-search").is_visible()
        page.wait_for_function(SETTLED)  # the dialog fades in
        findings += axe_findings(page, f"{name} 搜索框（LTV 的结果）")
    page.context.close()
    assert findings == [], "\n".join(findings)
    assert tab.errors == []


@pytest.mark.browser
def test_phone_search_is_full_screen(browser: object, server: str) -> None:
    tab = open_tab(browser, 375, 812)
    page = tab.page
    page.goto(server + "/")
    page.locator("label.md-header__button[for='__search']").click()
    page.keyboard.insert_text("私域")
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    box = page.locator(".md-search__inner").bounding_box()
    assert box is not None and box["width"] >= 370
    page.context.close()
    assert tab.errors == []


# --------------------------------------------------------------------------- the index, without a browser


def test_index_is_built_with_the_site_and_material_gets_only_settings(site: Path) -> None:
    assert (site / OUTPUT / "pagefind.js").is_file()
    assert list((site / OUTPUT / "index").glob("*.pf_index"))
    assert (site / MATERIAL_CONFIG).stat().st_size < 300  # settings for ?h= highlighting, no documents
    variants = (site / VARIANTS).read_text(encoding="utf-8")
    assert 'export default {"groups":[[' in variants and '"places":[["zh_' in variants
    worker = (site / "assets/javascripts/search-worker.js").read_text(encoding="utf-8")
    assert "pagefind/pagefind.js" in worker
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "search-worker.js" in home and "workers/search." not in home


def test_index_holds_acronyms_and_chinese_words_not_page_chrome(site: Path) -> None:
    words = index_words(site)
    assert {"ltv", "rfm", "aarrr", "dau", "mau", "gmv", "roi", "arpu"} <= set(words)
    assert {"留存", "裂变", "归因", "计算", "回购", "用户", "生命", "周期"} <= set(words)
    # Acronyms are words of their own, never glued to Chinese punctuation (「（LTV）」 is ltv).
    assert not [word for word in words if "ltv" in word and re.search(r"[（）：。，]", word) and len(word) < 8]
    # Pagefind 1.5.2's dictionary splits these domain words (日活 → 日 活): the worker searches each
    # Chinese run as an exact phrase too, so they are found only where their characters stand together
    # (the queries 日活, 拉新, 促活, 复购, 私域 above). Track whether a Pagefind release keeps them whole.
    split = [word for word in ("日活", "拉新", "促活", "复购", "私域") if word not in words]
    assert all(word[0] in words and word[1] in words for word in split), split
    assert "本节链接" not in words and "¶" not in words  # permalinks excluded
    assert len(words) > 3_000


def test_articles_are_marked_for_the_index_and_contributor_pages_weigh_less(site: Path) -> None:
    reader = (site / "modules/user-operations/rfm/index.html").read_text(encoding="utf-8")
    assert reader.count("data-pagefind-body") == 1 and "data-pagefind-weight" not in reader
    contributor = (site / "contributing/style-guide/index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-body data-pagefind-weight="0.1" data-pagefind-meta="audience:contributor"' in contributor


def test_front_matter_can_keep_a_page_out_of_the_index() -> None:
    html = '<article class="md-content__inner md-typeset">x</article>'
    assert mark_article(html, exclude=True, weight=None) == html
    assert "data-pagefind-body" in mark_article(html, exclude=False, weight=None)
    assert excluded({"search": {"exclude": True}}) and not excluded({}) and not excluded({"search": "no"})
    assert page_weight("contributing/rules.md") == 0.1 and page_weight("glossary.md") is None
    assert ".headerlink" in EXCLUDED


def test_the_index_reads_the_article_alone() -> None:
    page = '<html><head><title>t</title></head><body><nav>导航</nav><article class="md-content__inner md-typeset" data-pagefind-body><h1>标题</h1></article><footer>页脚</footer></body></html>'
    document = index_document(page)
    assert document is not None and "<h1>标题</h1>" in document and "导航" not in document and "页脚" not in document
    assert index_document(page.replace(" data-pagefind-body", "")) is None  # excluded from search


def test_benchmark_vocabulary_grows_with_the_corpus() -> None:
    import random

    from opskb.bench import Vocabulary

    small, large = (Vocabulary(random.Random(1), pages, ["留存", "裂变"]) for pages in (100, 3000))
    assert len(large.terms) > 10 * len(small.terms)
    drawn = large.draw(2000)
    assert len(set(drawn)) > 300 and drawn.count(large.terms[0]) > drawn.count(large.terms[-1])  # skewed, like real text


def test_variants_come_from_the_term_data() -> None:
    groups = variant_groups(load_terms())
    together = {label: group for group in groups for label in group}
    assert {"日活", "DAU", "日活跃用户数"} <= set(together["日活"])
    assert {"A/B 测试", "AB测试"} <= set(together["AB测试"])
    assert {"复购", "回购", "复购率"} <= set(together["复购"])


def test_each_term_names_the_pages_that_define_it(site: Path) -> None:
    glossary = load_terms()
    pages = defining_pages(glossary)
    ids = fragment_ids(site)
    dau = [term.id for term in glossary.terms].index("dau")
    assert pages[dau] == ["/glossary/", "/modules/user-operations/"]
    assert all(url in ids for urls in pages for url in urls), [url for urls in pages for url in urls if url not in ids]
    assert page_url("modules/user-operations/index.md#x") == "/modules/user-operations/" and page_url("index.md") == "/"


def test_query_rules_pass_their_unit_tests() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("没有找到 Node.js：查询规则的单元测试用 node --test 运行")
    result = subprocess.run([node, "--test", str(ROOT / "tests/js/search-query.test.mjs")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
