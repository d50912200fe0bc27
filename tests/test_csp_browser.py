"""The Content Security Policy in the browser: the site's own features work under it.

Every page carries a `<meta http-equiv="Content-Security-Policy">` (opskb.csp, hooks/sanitize.py).
Headless Chromium opens the built site and uses what a reader uses — search, the lightbox, the
glossary filter, every calculator, instant navigation between pages — and no
`securitypolicyviolation` event or CSP console error may occur. A page whose policy were missing or
too lax would also fail: the policy itself is read back from the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Tab
from opskb import csp

pytestmark = pytest.mark.browser

RECORD = ("window.__csp = [];"
          "document.addEventListener('securitypolicyviolation',"
          " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));")


def violations(tab: Tab) -> list[str]:
    found = tab.page.evaluate("window.__csp")
    return list(found) + [error for error in tab.errors if "Content Security Policy" in error]


def start(tab: Tab, url: str) -> None:
    tab.page.add_init_script(RECORD)
    tab.page.goto(url, wait_until="networkidle")


def test_every_page_carries_the_policy_before_anything_loads(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if "http-equiv=\"refresh\"" in html:
            continue  # a redirect page of mkdocs-redirects: no content of its own
        match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert match, page
        head = html[: html.index("</head>")]
        first_load = min((head.find(tag) for tag in ("<script", "<link", "<style") if tag in head), default=len(head))
        assert match.start() < first_load, f"{page}: the policy must come before anything that loads"
        policy = match.group(1)
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
                          "worker-src 'self'", "img-src 'self' data:"):
            assert directive in policy, (page, directive)
        assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
        scripts = re.search(r"script-src ([^;]+)", policy)
        assert scripts and "'unsafe-inline'" not in scripts.group(1) and "*" not in scripts.group(1)
        for script in csp.inline_scripts(html):
            if script.runs:
                assert f"'sha256-{csp.sha256(script.text)}'" in policy, (page, script.text[:60])


def test_search_under_the_policy(tab: Tab, server: str) -> None:
    start(tab, server + "/")
    page = tab.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").focus()
    page.keyboard.insert_text("LTV")
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    page.keyboard.press("Enter")  # the search form has no target: form-action 'none' must not break it
    page.wait_for_timeout(300)
    assert violations(tab) == []


def test_the_lightbox_and_instant_navigation_under_the_policy(tab: Tab, published_server: str) -> None:
    server = published_server  # built for its port: instant navigation is on
    start(tab, server + "/")
    page = tab.page
    page.locator(".md-tabs__link", has_text="四大运营模块").click()
    page.wait_for_url(re.compile(r"/modules/$"))
    page.goto(server + "/modules/user-operations/rfm/", wait_until="networkidle")
    page.locator("article a.glightbox").first.click()
    page.locator(".glightbox-container .gslide-image img").first.wait_for(timeout=5_000)
    page.keyboard.press("Escape")
    # On to another page with a figure, through the navigation (scripts of the new page run under the first page's policy).
    page.locator('.md-sidebar--primary a.md-nav__link[href$="lifecycle/"]').first.click()
    page.wait_for_url(re.compile(r"/lifecycle/$"))
    page.locator("article a.glightbox").first.click()
    page.locator(".glightbox-container .gslide-image img").first.wait_for(timeout=5_000)
    assert violations(tab) == []


def test_the_glossary_filter_under_the_policy(tab: Tab, server: str) -> None:
    start(tab, server + "/glossary/")
    field = tab.page.locator("#opskb-glossary-filter-input")
    field.wait_for()
    field.click()
    tab.page.keyboard.insert_text("留存")
    tab.page.wait_for_function("() => document.querySelector('#opskb-glossary-filter-status').innerText.includes('找到')")
    assert violations(tab) == []


@pytest.mark.parametrize("tool", ["rfm", "ltv", "cohort", "ab-test"])
def test_each_calculator_under_the_policy(tab: Tab, server: str, tool: str) -> None:
    start(tab, f"{server}/tools/{tool}/")
    tab.page.locator(".opskb-calculator *").first.wait_for(timeout=10_000)
    button = tab.page.locator(".opskb-calculator button").first
    if button.count():
        button.click()
        tab.page.wait_for_timeout(300)
    assert violations(tab) == []
    assert tab.errors == []
