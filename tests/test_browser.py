"""The site as a reader meets it: headless Chromium against the built site on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ARTIFACTS, SETTLED, Tab, axe_findings, axe_source, open_tab, page_urls

pytestmark = pytest.mark.browser


def title(page: object) -> str:
    return page.locator("article h1").inner_text().rstrip("¶").strip()


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
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "figure-dark.png"))
    # The figure follows the toggle (an image takes the used color-scheme of its <img>): dark cards,
    # no white panel. Its text contrast in both palettes is tested in test_figures.py.
    lightness, _ = figure.evaluate(FIGURE_LIGHTNESS)
    assert lightness < 100
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


def test_every_page_passes_axe_in_both_colour_schemes(browser: object, server: str, root: Path) -> None:
    tab = open_tab(browser)
    page = tab.page
    page.context.add_init_script(script=axe_source())
    # Material would keep the scheme chosen on the last page; every page starts from the reader's default.
    page.context.add_init_script(script="try { localStorage.clear() } catch (error) {}")
    missing = page.context.new_page()  # the 404 page: its own status is logged as a console error
    findings: list[str] = []
    for view, url in [*((page, url) for url in page_urls(root)), (missing, "/no/such/page/")]:
        view.goto(server + url, wait_until="load")
        for name in ("default", "slate"):
            if name == "slate":  # what the header's toggle does, without waiting for it to be clickable
                view.evaluate("document.querySelector('input[name=__palette][data-md-color-scheme=slate]').click()")
            assert view.locator("body").get_attribute("data-md-color-scheme") == name, f"{url}: not {name}"
            view.wait_for_function(SETTLED)  # colours mid-transition are not the real ones
            findings += axe_findings(view, f"{name} {url}")
    page.context.close()
    assert findings == [], "\n".join(findings)
    assert tab.errors == []


def test_reader_bench_measures_page_weight_and_search_latency_on_the_built_site(browser: object, server: str, site: Path, root: Path) -> None:
    from opskb.reader_bench import QUERIES, ReaderFigures, deepest_page, first_result_times, format_reader_figures, home_resources

    deepest = deepest_page(site)  # e.g. /modules/user-operations/rfm/
    assert deepest in page_urls(root) and deepest.count("/") == max(url.count("/") for url in page_urls(root))
    resources = home_resources(browser, server)
    assert {"/", "/search/search_index.json"} <= set(resources)
    assert any(path.startswith("/assets/javascripts/bundle.") for path in resources)
    times = first_result_times(browser, server, rounds=1)
    assert sorted(times) == sorted(QUERIES)
    assert all(len(samples) == 1 and 0 < samples[0] < 2_000 for samples in times.values()), times
    figures = ReaderFigures(pages=[], home_bytes=sum(resources.values()), home_resources=resources,
                            index_bytes=1, index_gzip_bytes=1, first_result_ms={"LTV": [19.0, 21.0, 30.0]})
    table = format_reader_figures(figures)
    assert "| 末次按键到首条结果（中位数，3 次） | 21.0 ms | ≤ 20 ms | 未达标 |" in table
    assert "| 末次按键到首条结果（最大值） | 30.0 ms | ≤ 20 ms | 未达标 |" in table
