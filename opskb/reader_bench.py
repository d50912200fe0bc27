"""Reader-side figures of a built site: Lighthouse scores, page weight and search latency.

    python -m opskb.reader_bench [site/]                 # prints a Markdown table; builds nothing
    python -m opskb.reader_bench before-site/ after-site/  # Lighthouse before and after a change

`reader_figures(site)` returns a `ReaderFigures`; `format_reader_figures()` renders it with the
targets beside each figure, `format_comparison()` two of them side by side. Everything is served
from 127.0.0.1 and nothing leaves the machine.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_FLAGS = [
    # Chromium's own background traffic (updates, sync, QUIC probes) would leave this machine.
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CATEGORIES = {"performance": "性能", "accessibility": "无障碍", "best-practices": "最佳做法", "seo": "SEO"}
QUERIES = ["LTV", "RFM", "AARRR", "留存", "用户生命周期", "retention", "客户价值"]
INDEX = "search/search_index.json"  # only Material's search settings now; the index is pagefind/
# GitHub Pages sends these types gzip-compressed; the local server does the same.
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}

HOME_BYTES_TARGET = 250 * 1024
# Measured besides the home page and the deepest page: the longest page (123 terms) and the page
# with the widest tables, which readers open most from shared links.
NAMED_PAGES = {"/glossary/": "术语表", "/modules/user-operations/rfm/": "RFM 模型"}
FIRST_RESULT_TARGET_MS = 20.0


@dataclass(frozen=True)
class PageScores:
    """Lighthouse (mobile) for one page: medians over the runs."""

    path: str
    scores: dict[str, int]  # category id → 0–100
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    cls: float
    transfer_bytes: int
    shortfalls: dict[str, list[str]]  # category id → "audit-id score" for each scored audit below 1


@dataclass(frozen=True)
class ReaderFigures:
    """Everything `reader_figures` measured; `format_reader_figures` turns it into the table."""

    pages: list[PageScores]       # the home page first, then the deepest page, then NAMED_PAGES
    home_bytes: int               # uncompressed, every resource except the search index
    home_resources: dict[str, int]  # path → uncompressed bytes, for finding what is heavy
    index_bytes: int
    index_gzip_bytes: int
    first_result_ms: dict[str, list[float]]  # query → one figure per round

    @property
    def first_result_samples(self) -> list[float]:
        return [ms for samples in self.first_result_ms.values() for ms in samples]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: gzip for text when the client accepts it, the site's 404.html for unknown paths."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser moved on before the response was sent

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.is_file() and path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
            self._send(200, gzip.compress(path.read_bytes(), 6), self.guess_type(str(path)), gzipped=True)
            return
        super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            self._send(404, page.read_bytes(), "text/html")
            return
        super().send_error(code, message, explain)

    def _send(self, code: int, body: bytes, content_type: str, gzipped: bool = False) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1 at an ephemeral port; yields the base URL (no trailing slash)."""
    handler = functools.partial(SiteHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def deepest_page(site: Path) -> str:
    """The page URL with the most path segments; among equals the largest page, the worst case."""
    pages = [p for p in site.rglob("index.html") if p.parent != site]
    if not pages:
        return "/"
    deepest = max(pages, key=lambda p: (len(p.relative_to(site).parts), p.stat().st_size))
    return "/" + deepest.parent.relative_to(site).as_posix() + "/"


def lighthouse_run(url: str) -> dict:
    """One Lighthouse run (mobile, the default) as parsed JSON; fails on runtime errors or other hosts."""
    result = subprocess.run(
        [str(LIGHTHOUSE), url, f"--chrome-path={chromium_path()}", f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_FLAGS])}",
         f"--only-categories={','.join(CATEGORIES)}", "--output=json", "--output-path=stdout", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"Lighthouse 运行失败（{url}）：{result.stderr.strip()[-2000:]}")
    report = json.loads(result.stdout)
    if error := report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse 运行出错（{url}）：{error.get('code')} {error.get('message')}")
    host = urlsplit(url).netloc
    requests = report["audits"]["network-requests"]["details"]["items"]
    foreign = sorted({r["url"] for r in requests if urlsplit(r["url"]).scheme in ("http", "https") and urlsplit(r["url"]).netloc != host})
    if foreign:
        raise RuntimeError(f"页面请求了其他主机（{url}）：{', '.join(foreign)}")
    return report


def page_scores(base: str, path: str, runs: int) -> PageScores:
    reports = [lighthouse_run(base + path) for _ in range(runs)]

    def median(audit: str) -> float:
        return statistics.median(r["audits"][audit]["numericValue"] for r in reports)

    def shortfalls(category: str) -> list[str]:
        found = []
        for ref in reports[0]["categories"][category]["auditRefs"]:
            scores = [r["audits"][ref["id"]]["score"] for r in reports]
            if ref["weight"] > 0 and None not in scores and (score := statistics.median(scores)) < 1:
                found.append(f"{ref['id']} {score:.2f}")
        return found

    return PageScores(
        path=path,
        scores={c: round(100 * statistics.median(r["categories"][c]["score"] for r in reports)) for c in CATEGORIES},
        fcp_ms=median("first-contentful-paint"),
        lcp_ms=median("largest-contentful-paint"),
        tbt_ms=median("total-blocking-time"),
        cls=median("cumulative-layout-shift"),
        transfer_bytes=round(median("total-byte-weight")),
        shortfalls={c: shortfalls(c) for c in CATEGORIES},
    )


def home_resources(browser: object, base: str) -> dict[str, int]:
    """Uncompressed body bytes of every response the home page gets, by path (the search index included)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    responses: list[object] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(base + "/", wait_until="load")
    page.wait_for_load_state("networkidle")  # the search worker and its index load after "load"
    sizes: dict[str, int] = {}
    for response in responses:
        if response.url.startswith("data:") or response.status >= 300:
            continue
        sizes[urlsplit(response.url).path] = len(response.body())
    context.close()
    return sizes


ARM = """() => {
  // The time from the keydown of the last key to the first result node in the list.
  const list = document.querySelector('.md-search-result__list');
  const state = window.__firstResult = {start: null, end: null};
  const input = document.querySelector('input.md-search__input');
  input.addEventListener('keydown', () => { state.start = performance.now(); }, {once: true, capture: true});
  const observer = new MutationObserver(() => {
    if (state.start !== null && list.querySelector('.md-search-result__item')) {
      state.end = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(list, {childList: true, subtree: true});
}"""


def first_result_times(browser: object, base: str, rounds: int) -> dict[str, list[float]]:
    """Per query, ms from the last keystroke to the first result, typed as an input method commits text."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/", wait_until="load")
    field = page.locator("input.md-search__input")
    field.click()
    items = page.locator(".md-search-result__item")

    def clear() -> None:
        field.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")  # a key event: Material reads the empty query and clears the list
        items.first.wait_for(state="detached")

    # Warm-up: the first query waits for the worker to load the index.
    field.focus()
    page.keyboard.insert_text(QUERIES[0])
    page.keyboard.press("End")
    items.first.wait_for(timeout=30_000)
    times: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(rounds):
        for query in QUERIES:
            clear()
            page.keyboard.insert_text(query)  # what an IME commits: no key events
            page.evaluate(ARM)
            page.keyboard.press("End")        # Material searches on keyup
            page.wait_for_function("() => window.__firstResult.end !== null", timeout=10_000)
            times[query].append(page.evaluate("window.__firstResult.end - window.__firstResult.start"))
    context.close()
    return times


def reader_figures(site: Path, runs: int = 3) -> ReaderFigures:
    """Measure the built site in `site` (Lighthouse `runs` times per page, medians; search `runs` rounds)."""
    from playwright.sync_api import sync_playwright

    if not LIGHTHOUSE.is_file():
        raise RuntimeError(f"没有找到 {LIGHTHOUSE}：请先在仓库根目录运行 npm ci")
    site = Path(site)
    index = sum(path.stat().st_size for path in (site / "pagefind").rglob("*") if path.is_file())
    with serve(site) as base:
        paths = list(dict.fromkeys(["/", deepest_page(site), *(p for p in NAMED_PAGES if (site / p.strip("/") / "index.html").is_file())]))
        pages = [page_scores(base, path, runs) for path in paths]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            try:
                resources = home_resources(browser, base)
                times = first_result_times(browser, base, runs)
            finally:
                browser.close()
    without_index = {path: size for path, size in resources.items() if not path.endswith("/" + INDEX)}
    return ReaderFigures(
        pages=pages,
        home_bytes=sum(without_index.values()),
        home_resources=without_index,
        index_bytes=index,
        index_gzip_bytes=index,  # Pagefind's files are compressed already
        first_result_ms=times,
    )


def _met(ok: bool) -> str:
    return "达标" if ok else "未达标"


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def page_name(path: str, deepest: str | None = None) -> str:
    if path == "/":
        return "首页"
    if path in NAMED_PAGES and path != deepest:
        return f"{NAMED_PAGES[path]} {path}"
    return f"最深页面 {path}"


def format_reader_figures(figures: ReaderFigures) -> str:
    """A Markdown table: figure, value, target, met (or – where there is no target)."""
    rows: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    deepest = figures.pages[1].path if len(figures.pages) > 1 else None
    for page in figures.pages:
        name = page_name(page.path, deepest)
        for category, label in CATEGORIES.items():
            score = page.scores[category]
            target = 95 if category == "performance" else 100
            rows.append((f"{name}：Lighthouse {label}", str(score), f"≥ {target}" if target < 100 else "100", _met(score >= target)))
            if score < target:
                notes.append(f"{name}的{label}失分项：{'，'.join(page.shortfalls[category]) or '无单项低于满分'}")
        rows += [
            (f"{name}：FCP / LCP", f"{page.fcp_ms:.0f} ms / {page.lcp_ms:.0f} ms", "–", "–"),
            (f"{name}：TBT / CLS", f"{page.tbt_ms:.0f} ms / {page.cls:.3f}", "–", "–"),
            (f"{name}：传输总量", _kb(page.transfer_bytes), "–", "–"),
        ]
    samples = figures.first_result_samples
    median, worst = statistics.median(samples), max(samples)
    rows += [
        ("首页体积（未压缩，不含搜索索引）", _kb(figures.home_bytes), f"≤ {HOME_BYTES_TARGET // 1024} KB", _met(figures.home_bytes <= HOME_BYTES_TARGET)),
        ("搜索索引（Pagefind 的全部文件，已压缩；读者只下载查询用到的块）", _kb(figures.index_bytes), "–", "–"),
        (f"末次按键到首条结果（中位数，{len(samples)} 次）", f"{median:.1f} ms", f"≤ {FIRST_RESULT_TARGET_MS:.0f} ms", _met(median <= FIRST_RESULT_TARGET_MS)),
        ("末次按键到首条结果（最大值）", f"{worst:.1f} ms", f"≤ {FIRST_RESULT_TARGET_MS:.0f} ms", _met(worst <= FIRST_RESULT_TARGET_MS)),
    ]
    if figures.home_bytes > HOME_BYTES_TARGET:
        heaviest = sorted(figures.home_resources.items(), key=lambda item: -item[1])[:5]
        notes.append("首页最大的资源：" + "，".join(f"{path} {_kb(size)}" for path, size in heaviest))
    lines = ["| 指标 | 数值 | 目标 | 结果 |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)


def format_comparison(before: ReaderFigures, after: ReaderFigures) -> str:
    """Lighthouse scores, paint and blocking times per page, and the home page's weight, before and after."""
    rows: list[tuple[str, str, str]] = []
    earlier = {page.path: page for page in before.pages}
    deepest = after.pages[1].path if len(after.pages) > 1 else None
    for page in after.pages:
        old = earlier.get(page.path)
        if old is None:
            continue
        name = page_name(page.path, deepest)
        for category, label in CATEGORIES.items():
            rows.append((f"{name}：{label}", str(old.scores[category]), str(page.scores[category])))
        rows += [
            (f"{name}：FCP / LCP", f"{old.fcp_ms:.0f} / {old.lcp_ms:.0f} ms", f"{page.fcp_ms:.0f} / {page.lcp_ms:.0f} ms"),
            (f"{name}：TBT / CLS", f"{old.tbt_ms:.0f} ms / {old.cls:.3f}", f"{page.tbt_ms:.0f} ms / {page.cls:.3f}"),
            (f"{name}：传输总量", _kb(old.transfer_bytes), _kb(page.transfer_bytes)),
        ]
    rows.append(("首页体积（未压缩，不含搜索索引）", _kb(before.home_bytes), _kb(after.home_bytes)))
    lines = ["| 指标 | 改动前 | 改动后 |", "| --- | ---: | ---: |"]
    return "\n".join(lines + [f"| {' | '.join(row)} |" for row in rows])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sites = [Path(arg) for arg in args] or [Path("site")]
    for site in sites:
        if not (site / "index.html").is_file():
            print(f"reader_bench：{site} 下没有 index.html；请先运行 mkdocs build。", file=sys.stderr)
            return 2
    if len(sites) > 2:
        print("reader_bench：最多给两个网站目录（改动前、改动后）。", file=sys.stderr)
        return 2
    figures = [reader_figures(site) for site in sites]
    print(format_reader_figures(figures[-1]) if len(figures) == 1 else format_comparison(*figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --------------------------------------------------------------------------- search cost


SEARCH_QUERIES = ["LTV计算", "留存率怎么算", "用户生命周期", "AB测试", "复购", "RFM模型", "日活", "私域"]
FIRST_SEARCH_TARGET = 300 * 1024
LATER_SEARCH_TARGET = 50 * 1024


@dataclass(frozen=True)
class SearchFigures:
    """What searching costs a reader: bytes on the wire and time to the first result."""

    load_index_bytes: int          # index bytes fetched by a page that is only read (must be 0)
    first_bytes: int               # the first query: worker modules, Pagefind, its index chunks, fragments
    later_bytes: list[int]         # each later query (other words)
    first_result_ms: list[float]   # keystroke → first result, each later query once (chunks not cached)
    repeat_result_ms: list[float]  # the same queries again (chunks cached)
    missed: list[str]              # queries that found nothing (no time to a first result)


def _type(page: object, query: str) -> None:
    field = page.locator("input.md-search__input")
    field.focus()
    if field.input_value():
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.locator(".md-search-result__item").first.wait_for(state="detached", timeout=30_000)
    page.keyboard.insert_text(query)
    page.evaluate(ARM)
    page.keyboard.press("End")
    page.wait_for_function("window.__firstResult.end !== null", timeout=30_000)


def _typed(page: object, query: str) -> float | None:
    """ms from the keystroke to the first result; None if the query found nothing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        _type(page, query)
    except PlaywrightTimeout:
        return None
    return page.evaluate("window.__firstResult.end - window.__firstResult.start")


def search_figures(browser: object, base: str, queries: list[str], path: str = "/") -> SearchFigures:
    """Open `path`, read it, then search each query in turn, counting encoded response bytes."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sizes: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: sizes.append((urlsplit(request.url).path, request.sizes()["responseBodySize"])))
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    load_index = sum(size for url, size in sizes if "/pagefind/" in url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    costs: list[int] = []
    times: list[float | None] = []
    for query in queries:
        before = len(sizes)
        times.append(_typed(page, query))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # the worker's requests are reported after the page's
        costs.append(sum(size for _, size in sizes[before:]))
    repeat = [_typed(page, query) for query in queries[1:]]
    context.close()
    missed = [query for query, ms in zip(queries, times) if ms is None]
    return SearchFigures(load_index, costs[0], costs[1:], [ms for ms in times[1:] if ms is not None],
                         [ms for ms in repeat if ms is not None], missed)
