"""The site as a reader meets it: headless Chromium against the built site on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = [
    # Chromium's own background traffic (updates, sync, QUIC probes) would leave this machine.
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        reason = "没有找到 Chromium：请运行 apt-get install chromium，或用 CHROMIUM_PATH 指定浏览器路径"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_tab(browser: object, width: int = 1280, height: int = 900, scheme: str = "light") -> Tab:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, locale="zh-CN")
    page = context.new_page()
    tab = Tab(page)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab


@pytest.fixture
def tab(browser: object) -> Iterator[Tab]:
    opened = open_tab(browser)
    yield opened
    opened.page.context.close()


def title(page: object) -> str:
    return page.locator("article h1").inner_text().rstrip("¶").strip()


def page_urls(root: Path) -> list[str]:
    lines = (root / "tests/fixtures/published-urls.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("/")]


def test_reach_a_deep_page_through_the_navigation_and_come_back(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/")
    page.locator(".md-tabs__link", has_text="四大运营模块").click()
    page.wait_for_url(re.compile(r"/modules/$"))
    page.locator(".md-sidebar--primary .md-nav__link", has_text="用户运营").first.click()
    page.wait_for_url(re.compile(r"/modules/user-operations/$"))
    page.locator(".md-sidebar--primary .md-nav__link", has_text="RFM 模型").click()
    page.wait_for_url(re.compile(r"/modules/user-operations/rfm/$"))
    assert title(page) == "RFM 模型"
    # The current page stays visible in the tree, and the path shows where it sits.
    active = page.locator(".md-sidebar--primary a.md-nav__link--active", has_text="RFM 模型")
    assert active.is_visible()
    assert "用户运营" in page.locator(".md-path").inner_text()
    page.locator(".md-path__link", has_text="首页").click()
    page.wait_for_url(server + "/")
    assert title(page) == "运营知识库"
    assert tab.errors == []


SEARCHES = [
    ("LTV", "/modules/user-operations/ltv/"),
    ("ltv", "/modules/user-operations/ltv/"),
    ("RFM", "/modules/user-operations/rfm/"),
    ("AARRR", "/modules/user-operations/aarrr/"),
    ("用户生命周期", "/modules/user-operations/lifecycle/"),
    ("留存", "/modules/user-operations/aarrr/"),
    ("retention", "/modules/user-operations/aarrr/"),
    ("客户价值", "/modules/user-operations/customer-value/"),
    ("生命周期价值", "/modules/user-operations/ltv/"),  # two words: the segmenter must keep the last
    ("客单价", "/modules/user-operations/ltv/"),         # whole words thanks to includes/search-words.txt
    ("分群", "/modules/user-operations/segmentation/"),
]


def search(page: object, query: str) -> list[str]:
    """Type as a reader (or an input method) does and return the result links, best first."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field_ = page.locator("input.md-search__input")
    field_.focus()
    page.keyboard.insert_text(query)  # what an IME commits
    page.keyboard.press("End")        # Material listens for key events
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all("els => els.map(e => e.href)")


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_search_finds_the_page_that_explains_the_term(tab: Tab, server: str, query: str, expected: str) -> None:
    page = tab.page
    page.goto(server + "/")
    links = search(page, query)
    top = [urlsplit(link).path for link in links[:3]]
    assert expected in top, f"{query}: top results {top}"
    # Open the first result on that page that carries the matched words (?h=…), as a reader picks
    # the highlighted excerpt; a page's own entry has no h= when only one of its sections matched.
    carrying = [n for n, link in enumerate(links) if urlsplit(link).path == expected and parse_qs(urlsplit(link).query).get("h")]
    assert carrying, f"{query}: no result on {expected} carries the matched words"
    page.locator(".md-search-result__item > a.md-search-result__link").nth(carrying[0]).click()
    page.wait_for_url(re.compile(re.escape(expected)))
    marks = page.locator("article mark[data-md-highlight]")
    marks.first.wait_for(timeout=5_000)
    highlighted = {text.lower() for text in marks.all_inner_texts()}
    # Highlighted: the term itself, or the words jieba split it into (用户生命周期 → 用户, 生命周期).
    assert highlighted and all(text in query.lower() for text in highlighted), highlighted
    assert tab.errors == []


def test_every_page_loads_its_images_without_errors_or_other_hosts(browser: object, server: str, root: Path) -> None:
    tab = open_tab(browser)
    page = tab.page
    broken: list[str] = []
    for url in [*page_urls(root)]:
        page.goto(server + url, wait_until="load")
        images = page.locator("article img").evaluate_all("els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
        broken += [f"{url}: {src}" for src, ok in images if not ok]
    foreign = sorted({u for u in tab.requests if urlsplit(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")})
    page.context.close()
    assert broken == []
    assert foreign == [], foreign
    assert tab.errors == []


def test_phone_drawer_shows_the_chapter_tree_and_nothing_scrolls_sideways(browser: object, server: str, root: Path) -> None:
    tab = open_tab(browser, 375, 812)
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/")
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer = page.locator(".md-sidebar--primary")
    drawer.locator(".md-nav__link--active:visible", has_text="RFM 模型").wait_for()
    assert drawer.locator(".md-nav__link", has_text="金字塔分层").is_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-drawer.png"))
    wide: list[str] = []
    for url in page_urls(root):
        page.goto(server + url, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        figures = page.locator("article img").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        if overflow > 0 or any(right > 375 for right in figures):
            wide.append(f"{url}: {overflow}px, figures end at {figures}")
    page.context.close()
    assert wide == []
    assert tab.errors == []


FIGURE_LIGHTNESS = """img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0, n = 0;
  for (let i = 0; i < data.length; i += 4 * 97) { if (data[i + 3] > 0) { sum += (data[i] + data[i+1] + data[i+2]) / 3; n++; } }
  return [sum / n, n / (data.length / 4 / 97)];
}"""


def test_light_dark_toggle_keeps_figures_legible(browser: object, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab = open_tab(browser, 1280, 900, scheme="light")
    page = tab.page
    page.goto(server + "/modules/user-operations/lifecycle/")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    figure = page.locator("article img[src*='user-lifecycle.svg']")
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "figure-light.png"))
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "figure-dark.png"))
    # The figure paints its own light, opaque background: dark text on it stays readable on slate.
    lightness, opaque = figure.evaluate(FIGURE_LIGHTNESS)
    assert lightness > 200 and opaque > 0.95
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page_background != "rgb(255, 255, 255)"
    page.reload()
    assert body.get_attribute("data-md-color-scheme") == "slate", "the choice is remembered"
    page.context.close()
    assert tab.errors == []


def test_unknown_url_shows_a_chinese_404_with_a_way_back(tab: Tab, server: str) -> None:
    page = tab.page
    response = page.goto(server + "/no/such/page/")
    assert response is not None and response.status == 404
    assert "页面不存在" in title(page)
    page.locator("article a", has_text="返回首页").click()
    page.wait_for_url(server + "/")
    assert title(page) == "运营知识库"
