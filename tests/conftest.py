"""Shared fixtures: the repository, one strict build of the site, a local server for it, and headless
Chromium with the helpers browser tests share (tabs that record requests and errors, axe)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import NoReturn
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

from opskb.reader_bench import CHROMIUM_FLAGS, chromium_path, serve

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # screenshots, kept by CI


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    output: str


def mkdocs_build(root: Path, site: Path, *extra: str, env: dict[str, str] | None = None) -> Build:
    """`mkdocs build --strict` as a contributor runs it; never combined with -q (it hides warnings)."""
    # Not GITHUB_ACTIONS: a failing test's output must not turn into annotations on the pull request
    # (the gate job reports each finding once). Absent, not empty: plugins test for its presence.
    outside = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    environment = {**outside, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
        cwd=root, capture_output=True, text=True, env=environment, timeout=600,
    )
    return Build(site, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def load_example(filename: str) -> ModuleType:
    """A worked example's script (examples/*.py) as a module, without running its main block."""
    path = ROOT / "examples" / filename
    name = f"worked_example_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rfm() -> ModuleType:
    return load_example("rfm.py")


@pytest.fixture(scope="module")
def ltv() -> ModuleType:
    return load_example("ltv.py")


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site = tmp_path_factory.mktemp("site")
    shutil.rmtree(site)
    return mkdocs_build(ROOT, site)


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    assert build.returncode == 0, build.output
    return build.site


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 (an ephemeral port), as a static host serves it: gzip, 404.html."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def published_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site as the publishing workflow builds it, on 127.0.0.1: with SITE_URL set the sitemap lists
    every page, which Material's instant navigation needs (it matches links against the sitemap, port
    included), so the site is built for the port it is served on. Costs one more build."""
    site = tmp_path_factory.mktemp("published-site")
    with serve(site) as url:
        env = {"SITE_URL": url + "/", "OPSKB_GIT_DATES": "false"}
        if not (os.environ.get("OPSKB_REPO_URL") or os.environ.get("GITHUB_REPOSITORY")):
            env["OPSKB_REPO_URL"] = "https://github.com/example/opskb"  # the workflow always knows its repository
        built = mkdocs_build(ROOT, site, env=env)
        assert built.returncode == 0, built.output
        yield url


# --------------------------------------------------------------------------- browser


def missing(reason: str) -> NoReturn:
    """A tool the tests need is not installed: skipped locally with the install command, a failure in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def installed_chromium() -> str | None:
    candidate = chromium_path()
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = installed_chromium()
    if path is None:
        missing("没有找到 Chromium：请运行 apt-get install chromium，或用 CHROMIUM_PATH 指定浏览器路径")
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


def page_urls(root: Path) -> list[str]:
    lines = (root / "tests/fixtures/published-urls.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("/")]


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2 A and AA, plus the rules Lighthouse's accessibility category switches on beyond them.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
    "resultTypes": ["violations"],
    "rules": {rule: {"enabled": True} for rule in [
        "accesskeys", "aria-allowed-role", "aria-conditional-attr", "aria-deprecated-role", "aria-dialog-name",
        "aria-prohibited-attr", "aria-text", "aria-treeitem-name", "empty-heading", "heading-order",
        "html-xml-lang-mismatch", "identical-links-same-purpose", "image-redundant-alt", "input-button-name",
        "label-content-name-mismatch", "landmark-one-main", "link-in-text-block", "meta-viewport", "select-name",
        "skip-link", "tabindex", "table-duplicate-name", "table-fake-caption", "target-size", "td-has-header",
    ]},
}
RUN_AXE = """async options => {
  const result = await axe.run(document, options);
  return {
    checked: result.passes.concat(result.violations).map(rule => rule.id),
    violations: result.violations.flatMap(rule => rule.nodes.map(node => [rule.id, node.target.join(' ')])),
  };
}"""
# A function, not an expression: Playwright polls an expression with eval(), which the pages' CSP refuses.
SETTLED = "() => document.getAnimations().every(animation => animation.playState !== 'running')"


def axe_source() -> str:
    if not AXE.is_file():
        missing(f"没有找到 {AXE.relative_to(AXE.parents[2])}（Lighthouse 的依赖）：请先运行 npm ci")
    return AXE.read_text(encoding="utf-8")


def axe_findings(page: object, where: str) -> list[str]:
    """WCAG 2 A/AA violations on the page as it is now, one line each: where, rule, element."""
    result = page.evaluate(RUN_AXE, AXE_OPTIONS)
    # A rule that did not run would pass silently; these two are what Material gets wrong by default.
    assert {"aria-dialog-name", "color-contrast"} <= set(result["checked"]), f"{where}: axe did not run them"
    return [f"{where}: {rule} {target}" for rule, target in result["violations"]]
