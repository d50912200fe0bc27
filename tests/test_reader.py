"""Reading on a phone and the first visit: tables, type, the home page and the page furniture.

The functions behind them (opskb.reader) are tested directly; the rest drives the built site in
headless Chromium at phone sizes, light and dark, and saves screenshots to test-artifacts/.
"""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ARTIFACTS, SETTLED, Tab, axe_findings, axe_source, open_tab, page_urls
from opskb.reader import (
    Change, content_fix_url, display_width, insert_before_footnotes, last_changes, linked_pages, mark_short_cells,
    recent_markdown, recent_pages, related_html, relative_url, wants_related,
)

PHONES = [(360, 740), (390, 844)]


def source_of(root: Path, url: str) -> Path:
    """docs/ source of a site URL such as /modules/user-operations/rfm/ (or modules/…/ from the home page)."""
    path = url.strip("/")
    page = root / "docs" / f"{path}.md"
    return page if path and page.is_file() else root / "docs" / path / "index.md"
MODEL_PAGES = ["/modules/user-operations/rfm/", "/modules/user-operations/ltv/", "/refined-operations/ab-testing/"]

# ------------------------------------------------------------------ functions


def test_short_cells_are_marked_and_prose_cells_are_not() -> None:
    html = (
        "<p>x</p><table><thead><tr><th>客户类别</th><th>特征</th></tr></thead><tbody>"
        '<tr><td>重要发展客户</td><td>最近买过、金额高，但次数少，需要提升购买频次</td></tr>'
        '<tr><td style="text-align: right;">19778.77</td><td><a href="x/">RFM 分群</a></td></tr>'
        "</tbody></table>"
    )
    marked = mark_short_cells(html)
    assert '<th class="opskb-short">客户类别</th>' in marked
    assert '<td class="opskb-short">重要发展客户</td>' in marked
    assert '<td style="text-align: right;" class="opskb-short">19778.77</td>' in marked
    assert '<td class="opskb-short"><a href="x/">RFM 分群</a></td>' in marked
    assert "<td>最近买过、金额高，但次数少，需要提升购买频次</td>" in marked
    assert display_width("重要发展客户") == 12 and display_width("R（天）") == 7


def test_only_markdown_tables_are_touched() -> None:
    html = '<table class="highlighttable"><tr><td>1</td></tr></table><div><td>短</td></div>'
    assert mark_short_cells(html) == html


def test_related_pages_follow_the_links_of_the_page_in_order() -> None:
    titles = {
        "": "运营知识库", "glossary/": "术语表", "modules/user-operations/rfm/": "RFM 模型",
        "modules/user-operations/lifecycle/": "用户生命周期", "refined-operations/ab-testing/": "A/B 测试",
        "tools/rfm/": "RFM 分群计算器", "contributing/": "贡献指南",
    }
    html = (
        '<a href="../lifecycle/#流失用户召回">a</a> <a href="../../../glossary/#ltv" class="opskb-term">b</a>'
        '<a href="#三个指标的含义">c</a><a href="https://example.com/">d</a><a href="../../../">e</a>'
        '<a href="../../../refined-operations/ab-testing/">f</a><a href="../lifecycle/">g</a><a href="./">self</a>'
        '<a href="../../../tools/rfm/">h</a><a href="../../../contributing/">i</a><a href="../missing/">j</a>'
    )
    page = "modules/user-operations/rfm/"
    found = linked_pages(html, page, titles)
    assert found == ["modules/user-operations/lifecycle/", "refined-operations/ab-testing/", "tools/rfm/"]
    assert linked_pages(html, page, titles, limit=2) == found[:2]
    box = related_html(page, found, titles)
    assert box.startswith('<aside class="opskb-related"') and "<h2" in box and ">相关阅读</h2>" in box
    assert '<a href="../lifecycle/">用户生命周期</a>' in box and '<a href="../../../tools/rfm/">RFM 分群计算器</a>' in box
    assert related_html(page, [], titles) == ""
    assert relative_url("tools/rfm/", "") == "tools/rfm/"
    assert relative_url("glossary/", "modules/user-operations/rfm/") == "../../../glossary/"


def test_related_reading_goes_before_the_footnotes_on_model_pages_only() -> None:
    assert insert_before_footnotes('<p>a</p><div class="footnote"><ol></ol></div>', "<aside/>") == '<p>a</p><aside/><div class="footnote"><ol></ol></div>'
    assert insert_before_footnotes("<p>a</p>", "<aside/>") == "<p>a</p><aside/>"
    assert insert_before_footnotes("<p>a</p>", "") == "<p>a</p>"
    assert wants_related("modules/user-operations/rfm.md") and wants_related("refined-operations/metrics.md")
    assert not wants_related("modules/user-operations/index.md") and not wants_related("glossary.md")
    assert not wants_related("tools/rfm.md") and not wants_related("index.md")


def test_recently_updated_pages_come_from_git_newest_first(tmp_path: Path) -> None:
    def git(*args: str, date: str = "2026-01-01T12:00:00") -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)

    git("init", "-q")
    (tmp_path / "docs/part").mkdir(parents=True)
    for name in ("index.md", "a.md", "part/b.md", "part/index.md", "gone.md"):
        (tmp_path / "docs" / name).write_text("# x\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "one", date="2026-01-01T12:00:00")
    (tmp_path / "docs/part/b.md").write_text("# y\n", encoding="utf-8")
    git("commit", "-qam", "two", date="2026-03-05T12:00:00")
    changes = last_changes(tmp_path)
    assert Change("part/b.md", "2026-03-05") in changes and Change("a.md", "2026-01-01") in changes
    titles = {"index.md": "首页", "a.md": "甲", "part/b.md": "乙", "part/index.md": "部分"}
    recent = recent_pages(changes, titles)
    assert [c.path for c in recent] == ["part/b.md", "a.md"]  # no index pages, nothing deleted
    listing = recent_markdown(recent, titles)
    assert '- [乙](part/b.md) <time datetime="2026-03-05">2026 年 3 月 5 日</time>' in listing
    assert listing.startswith('<div class="opskb-recent" markdown>')
    assert last_changes(tmp_path / "docs" / "part" / "nowhere") == []  # not a directory: no history, no traceback
    assert "Git 历史" in recent_markdown([], titles)


def test_the_correction_link_opens_the_repository_form_with_the_page_filled_in() -> None:
    url = content_fix_url("https://github.com/ops-kb/wiki/", "https://ops-kb.github.io/wiki/modules/rfm/", "RFM 模型")
    assert url is not None
    parts = urlsplit(url)
    assert parts.netloc == "github.com" and parts.path == "/ops-kb/wiki/issues/new"
    query = parse_qs(parts.query)
    assert query == {"template": ["content-fix.yml"], "title": ["[纠错] RFM 模型"], "page": ["https://ops-kb.github.io/wiki/modules/rfm/"]}
    assert content_fix_url(None, "x", "y") is None
    assert content_fix_url("https://gitee.com/x/y", "x", "y") is None  # other hosts have no issue forms


def test_the_form_the_link_names_exists_and_takes_the_page_field(root: Path) -> None:
    form = (root / ".github/ISSUE_TEMPLATE/content-fix.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+id: page$", form, re.M)


def test_the_benchmark_compares_lighthouse_before_and_after() -> None:
    from opskb.reader_bench import PageScores, ReaderFigures, format_comparison, format_reader_figures

    def figures(performance: int, home_bytes: int) -> ReaderFigures:
        scores = {"performance": performance, "accessibility": 100, "best-practices": 100, "seo": 100}
        pages = [PageScores(path, scores, 1500.0, 1800.0, 40.0, 0.0, 300_000, {c: [] for c in scores})
                 for path in ("/", "/modules/user-operations/rfm/", "/glossary/")]
        return ReaderFigures(pages, home_bytes, {"/": home_bytes}, 1, 1, {"LTV": [10.0]})

    table = format_comparison(figures(81, 330 * 1024), figures(97, 336 * 1024))
    assert "| 术语表 /glossary/：性能 | 81 | 97 |" in table
    assert "| 最深页面 /modules/user-operations/rfm/：性能 | 81 | 97 |" in table
    assert "| 首页体积（未压缩，不含搜索索引） | 330.0 KB | 336.0 KB |" in table
    assert "| 术语表 /glossary/：Lighthouse 性能 | 97 | ≥ 95 | 达标 |" in format_reader_figures(figures(97, 1))


# ------------------------------------------------------------------ browser

CUT_OFF = """() => {
  // Cells that reach past the screen's edge without a scroll box of their own to reach them with.
  const scroller = el => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (['auto', 'scroll'].includes(style.overflowX) && node.scrollWidth > node.clientWidth) return node;
    }
    return null;
  };
  const out = [];
  for (const cell of document.querySelectorAll('article td, article th')) {
    const r = cell.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.right <= innerWidth + 0.5 && r.left >= -0.5) continue;
    const box = scroller(cell);
    const b = box && box.getBoundingClientRect();
    if (!box || b.right > innerWidth + 0.5 || b.left < -0.5) out.push(cell.textContent.trim().slice(0, 20));
  }
  return out;
}"""

BROKEN_LABELS = """() => [...document.querySelectorAll('article .opskb-short')].filter(cell => {
  const range = document.createRange(); range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size > 1;
}).map(cell => cell.textContent.trim())"""


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_no_page_scrolls_sideways_and_no_table_cell_is_cut_off(browser: object, server: str, root: Path, width: int, height: int) -> None:
    tab = open_tab(browser, width, height)
    page = tab.page
    problems: list[str] = []
    for url in page_urls(root):
        page.goto(server + url, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{url}: the page scrolls sideways by {overflow}px")
        if cut := page.evaluate(CUT_OFF):
            problems.append(f"{url}: cells cut off without a scroll box: {cut[:5]}")
        if broken := page.evaluate(BROKEN_LABELS):
            problems.append(f"{url}: short labels broken over lines: {broken[:5]}")
    page.context.close()
    assert problems == [], "\n".join(problems)
    assert tab.errors == []


EDGE_SHADE = """async ([src, x, y, w, h]) => {
  // Mean lightness of a strip of a screenshot (decoded by the browser itself).
  const img = new Image(); img.src = src; await img.decode();
  const canvas = document.createElement('canvas'); canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d'); ctx.drawImage(img, x, y, w, h, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data; let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
  return sum / (data.length / 4);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_wide_table_scrolls_in_its_box_with_a_cue_and_its_first_column_in_view(browser: object, server: str, scheme: str) -> None:
    tab = open_tab(browser, 390, 844, scheme=scheme)
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/", wait_until="load")
    # The customer table: 8 columns, wider than a phone.
    wrap = page.locator(".md-typeset__scrollwrap", has=page.locator("th", has_text="R 分")).first
    wrap.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 100)")
    box = wrap.bounding_box()
    assert box is not None
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth + 100"), "the table should be wider than the phone"
    assert wrap.get_attribute("tabindex") == "0", "keyboard users can scroll it"
    label = wrap.locator("td", has_text="重要发展客户").first
    assert label.evaluate("el => el.getClientRects().length === 1 && el.getBoundingClientRect().height < 3 * parseFloat(getComputedStyle(el).lineHeight)")

    def edge_shade() -> float:
        page.wait_for_timeout(100)
        shot = "data:image/png;base64," + base64.b64encode(page.screenshot()).decode()
        return page.evaluate(EDGE_SHADE, [shot, int(box["x"] + box["width"]) - 6, int(box["y"]) + 60, 5, 200])

    at_start = edge_shade()
    first = wrap.locator("tbody tr td:first-child").first
    id_before = first.bounding_box()
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth }")
    at_end = edge_shade()
    id_after = first.bounding_box()
    page.screenshot(path=str(ARTIFACTS / f"reader-rfm-table-scrolled-{scheme}.png"))
    # More to the right: the edge is shaded (darker on light, lighter on dark); at the end it is not.
    assert abs(at_start - at_end) > 4, (at_start, at_end)
    # The customer ID stays in view, at the box's left edge, and is not painted over by the other cells.
    assert id_before is not None and id_after is not None
    assert box["x"] - 1 <= id_after["x"] <= box["x"] + 1 and first.inner_text().strip() == "C01"
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('td')?.textContent.trim()", [id_after["x"] + 8, id_after["y"] + id_after["height"] / 2])
    assert hit == "C01"
    page.context.close()
    assert tab.errors == []


TYPE = """() => {
  const style = sel => { const el = document.querySelector(sel); return el && getComputedStyle(el); };
  const px = value => parseFloat(value);
  const body = style('article p');
  return {
    family: getComputedStyle(document.body).fontFamily,
    lineHeight: px(body.lineHeight) / px(body.fontSize),
    bodySize: px(body.fontSize),
    h1: [style('article h1').fontWeight, style('article h1').color], h2: style('article h2').fontWeight,
    text: body.color,
    table: px(style('article td').fontSize),
    admonition: style('article .admonition, article details') ? px(style('article .admonition p, article details p').fontSize) : null,
    footnote: style('article .footnote') ? px(style('article .footnote li').fontSize) : null,
    headingAbbr: [...document.querySelectorAll('article :is(h1,h2,h3,h4) abbr')].map(a => getComputedStyle(a).borderBottomStyle + ' ' + getComputedStyle(a).textDecorationLine),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_chinese_type_reads_as_body_text_and_headings(browser: object, server: str, width: int) -> None:
    tab = open_tab(browser, width, 900)
    page = tab.page
    page.goto(server + "/modules/user-operations/retention/", wait_until="load")  # tables, boxes, footnotes, LTV in a heading
    found = page.evaluate(TYPE)
    assert found["family"].startswith('"PingFang SC"') and "Noto Sans CJK SC" in found["family"], found["family"]
    assert 1.7 <= found["lineHeight"] <= 1.8
    assert int(found["h1"][0]) >= 600 and int(found["h2"]) >= 600
    assert found["h1"][1] == found["text"], "headings are as dark as the text, not grey"
    assert found["table"] >= 14 and found["admonition"] >= 14 and found["footnote"] >= 14, found
    assert found["headingAbbr"] and all(value == "none none" for value in found["headingAbbr"]), found["headingAbbr"]
    page.context.close()
    assert tab.errors == []


SCREENSHOTS = {"home": "/", "rfm": "/modules/user-operations/rfm/", "ltv": "/modules/user-operations/ltv/", "glossary": "/glossary/"}


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_key_pages_on_a_phone(browser: object, server: str, scheme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab = open_tab(browser, 390, 844, scheme=scheme)
    page = tab.page
    for name, url in SCREENSHOTS.items():
        page.goto(server + url, wait_until="load")
        page.wait_for_function(SETTLED)
        path = ARTIFACTS / f"reader-{name}-390-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
    assert tab.errors == []


@pytest.mark.browser
def test_the_home_page_leads_a_newcomer_in(browser: object, server: str, root: Path) -> None:
    tab = open_tab(browser, 390, 844)
    page = tab.page
    page.goto(server + "/", wait_until="load")
    # What this is and for whom, and the two ways in, on the first screen.
    assert "运营从业者" in page.locator("article h1 + p").inner_text()
    start = page.locator("article a.md-button", has_text="从这里开始")
    assert start.is_visible() and start.bounding_box()["y"] + start.bounding_box()["height"] <= 844
    cards = page.locator("article .grid.cards > ul > li")
    assert cards.count() == 6
    links = cards.locator("strong > a").evaluate_all("els => els.map(e => new URL(e.href).pathname)")
    assert links == ["/introduction/", "/what-is-operations/", "/modules/", "/refined-operations/", "/tools/", "/glossary/"]
    path = page.locator("article h2#从这里开始 + p + ol > li")
    assert path.count() >= 4
    # The find-by-question table reaches the newer pages and every calculator.
    answers = set(page.locator("article h2#按问题查找 ~ .md-typeset__scrollwrap a").evaluate_all("els => els.map(e => new URL(e.href).pathname)"))
    for wanted in ["/refined-operations/metrics/", "/modules/user-operations/retention/", "/refined-operations/event-tracking/",
                   "/refined-operations/user-research/", "/modules/user-operations/private-domain/", "/modules/user-operations/membership/",
                   "/refined-operations/growth-experiments/", "/refined-operations/acquisition-attribution/",
                   "/tools/rfm/", "/tools/ltv/", "/tools/cohort/", "/tools/ab-test/"]:
        assert wanted in answers, wanted
    # Recently updated: generated from Git at build time, linking real pages with their dates.
    recent = page.locator("article .opskb-recent li")
    assert 1 <= recent.count() <= 6
    for item in recent.all():
        href = item.locator("a").evaluate("a => new URL(a.href).pathname")
        assert href and source_of(root, href).is_file(), href
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.locator("time").get_attribute("datetime") or "")
    page.context.close()
    small = open_tab(browser, *PHONES[0])  # the smallest phone: the way in is still on the first screen
    small.page.goto(server + "/", wait_until="load")
    button = small.page.locator("article a.md-button", has_text="按问题查找").bounding_box()
    assert button is not None and button["y"] + button["height"] <= PHONES[0][1]
    small.page.context.close()
    assert tab.errors == [] and small.errors == []


@pytest.mark.browser
def test_every_page_has_the_furniture_readers_expect(browser: object, published_server: str, root: Path) -> None:
    tab = open_tab(browser, 390, 844)
    page = tab.page
    missing: list[str] = []
    for url in page_urls(root):
        page.goto(published_server + url, wait_until="load")
        head = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[property^="og:"], meta[name=description]')]
            .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
        if page.evaluate("document.documentElement.lang") != "zh-Hans":
            missing.append(f"{url}: lang")
        for key in ("description", "og:title", "og:description", "og:image", "og:url"):
            if not head.get(key):
                missing.append(f"{url}: {key}")
        if head.get("og:url") != published_server + url:
            missing.append(f"{url}: og:url {head.get('og:url')}")
        if not (head.get("og:image") or "").startswith(published_server + "/"):
            missing.append(f"{url}: og:image {head.get('og:image')} is not absolute")
        if url == "/":
            continue
        edit = page.locator("article a.opskb-action[rel=edit]")
        if not (edit.count() == 1 and edit.is_visible() and edit.inner_text().strip() == "编辑此页"):
            missing.append(f"{url}: 编辑此页")
        fix = page.locator("article a.opskb-action", has_text="内容纠错")
        href = fix.get_attribute("href") if fix.count() == 1 else None
        query = parse_qs(urlsplit(href or "").query)
        if not (href and fix.is_visible() and query.get("template") == ["content-fix.yml"] and query.get("page") == [published_server + url]):
            missing.append(f"{url}: 内容纠错 {href}")
    image = page.request.get(head["og:image"])
    assert image.ok and image.headers["content-type"] == "image/png"
    page.context.close()
    assert missing == [], "\n".join(missing)
    assert tab.errors == []


@pytest.mark.browser
def test_model_pages_end_with_related_reading_from_their_own_links(browser: object, server: str, root: Path) -> None:
    tab = open_tab(browser, 390, 844)
    page = tab.page
    models = [url for url in page_urls(root) if wants_related(source_of(root, url).relative_to(root / "docs").as_posix())]
    assert len(models) >= 15 and set(MODEL_PAGES) <= set(models)
    for url in models:
        page.goto(server + url, wait_until="load")
        box = page.locator("article aside.opskb-related")
        assert box.count() == 1, url
        assert box.locator("h2").inner_text().strip() == "相关阅读"
        related = box.locator("a").evaluate_all("els => els.map(e => new URL(e.href).pathname)")
        body = page.locator("article > :not(aside.opskb-related) a[href]").evaluate_all("els => els.map(e => new URL(e.href).pathname)")
        assert related and all(link in body and link != url for link in related), url
        # After the text, before the footnotes and the last-updated line.
        assert page.evaluate("""() => { const box = document.querySelector('aside.opskb-related');
            const notes = document.querySelector('article .footnote');
            return !notes || !!(box.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING) }""")
    # 最后更新 in words, from Git.
    page.goto(server + "/modules/user-operations/rfm/", wait_until="load")
    updated = page.locator("article .md-source-file .opskb-updated").inner_text()
    assert re.fullmatch(r"最后更新：\d{4}年\d{1,2}月\d{1,2}日", updated.strip()), updated
    page.context.close()
    assert tab.errors == []


@pytest.mark.browser
def test_code_blocks_have_a_copy_button(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/", wait_until="load")
    page.locator("article details.example summary").first.click()
    copy = page.locator("article pre .md-code__button[data-md-type=copy]")
    copy.first.wait_for()
    assert copy.count() == page.locator("article pre > code").count() > 0
    assert copy.first.get_attribute("title") == "复制"
    assert tab.errors == []


TEXT_UNDER = """() => {
  // What lies under the back-to-top button: text of the article below the header (the header hides
  // what scrolled beneath it), and the header's own buttons.
  const top = document.querySelector('.md-top').getBoundingClientRect();
  const header = document.querySelector('.md-header').getBoundingClientRect();
  const overlaps = (r, from) => Math.max(r.top, from) < Math.min(r.bottom, top.bottom) && r.left < top.right && r.right > top.left;
  const covered = [...document.querySelectorAll('article p, article li, article td, article th, article h1, article h2, article h3, article dt, article dd')]
    .filter(el => [...el.getClientRects()].some(r => overlaps(r, header.bottom))).map(el => el.textContent.trim().slice(0, 20));
  const buttons = [...document.querySelectorAll('.md-header .md-header__button, .md-header form, .md-header .md-source')]
    .filter(el => el.offsetParent && getComputedStyle(el).visibility !== 'hidden' && [...el.getClientRects()].some(r => overlaps(r, -1e9)))
    .map(el => el.className);
  return {covered, buttons, inHeader: top.top >= header.top && top.bottom <= header.bottom, shown: !document.querySelector('.md-top').hidden};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 390, 1024, 1280])
def test_back_to_top_never_covers_text(browser: object, server: str, width: int) -> None:
    tab = open_tab(browser, width, 800)
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/", wait_until="load")
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -300)  # scrolling back up shows the button
    page.wait_for_function("!document.querySelector('.md-top').hidden")
    page.wait_for_function(SETTLED)
    found = page.evaluate(TEXT_UNDER)
    assert found["shown"] and found["inHeader"] and found["covered"] == [] and found["buttons"] == [], found
    page.locator(".md-top").click()
    page.wait_for_function("window.scrollY === 0")
    page.context.close()
    assert tab.errors == []


@pytest.mark.browser
def test_phone_pages_pass_axe_in_both_colour_schemes(browser: object, server: str) -> None:
    tab = open_tab(browser, 390, 844)
    page = tab.page
    page.context.add_init_script(script=axe_source())
    page.context.add_init_script(script="try { localStorage.clear() } catch (error) {}")
    findings: list[str] = []
    for url in ["/", *MODEL_PAGES[:2], "/glossary/"]:
        for scheme, name in (("light", "default"), ("dark", "slate")):
            page.emulate_media(color_scheme=scheme)
            page.goto(server + url, wait_until="load")
            assert page.locator("body").get_attribute("data-md-color-scheme") == name
            page.wait_for_function(SETTLED)
            findings += axe_findings(page, f"390 {name} {url}")
    page.context.close()
    assert findings == [], "\n".join(findings)
    assert tab.errors == []
