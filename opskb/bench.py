"""`opskb-bench`: speed and size figures of the site, printed as Markdown tables.

    opskb-bench                       # everything: rules, hooks, scaling, search index, edit loop, reader
    opskb-bench --sizes 100,1000      # a quicker scaling table
    opskb-bench --skip reader,serve   # leave parts out (reader and calculators need Chromium)

Figures, not pass/fail: machines are shared and noisy, so targets are printed beside the figures
and ratios are always measured within one run. Synthetic corpora are shaped like this site: three
levels of nav, H1–H4 headings, images from img/, Chinese text with acronyms, links between pages.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from opskb.rules import check_pages
from opskb.search import OUTPUT, build_index, index_words
from opskb.site import check_site, load_site

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u4e00-\u9fff]")
# Everything a build of the site reads besides docs/ (see `watch:` in mkdocs.yml).
SUPPORT = ["hooks", "includes", "examples", "overrides", "img", "docs/assets"]
PAGES_PER_SECTION = 10
SECTIONS_PER_PART = 10


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Corpus:
    root: Path
    pages: list[str]  # paths under docs/
    terms: tuple[str, ...] = ()  # generated terms, most frequent first (queries for the search benchmark)


def _paragraphs(root: Path) -> list[str]:
    """Real prose of the site, links and images removed: mixed Chinese, digits and acronyms."""
    paragraphs: list[str] = []
    for page in sorted((root / "docs").rglob("*.md")):
        for block in page.read_text(encoding="utf-8").split("\n\n"):
            block = block.strip()
            if block and block[0] not in "#-|!`<>*:=\n" and len(HAN.findall(block)) > 30 and "](" not in block and "[^" not in block:
                paragraphs.append(block)
    return paragraphs


_SYLLABLES = "ka ro mi ta su ne vo li pa zu qe ri xo de fa ny gu shi lo ve".split()


class Vocabulary:
    """Made-up terms whose number grows with the corpus (about 3 per page), drawn with a Zipf-like skew.

    Copies of the site's own prose repeat the same few thousand words at any size; real knowledge
    bases grow new names (products, metrics, people) as they grow, and so does a search index.
    Terms are Latin pseudo-words (Zorika, Taneli) and Chinese names made of a known word and a
    suffix (留存指数, 裂变模型), so both kinds of token grow.
    """

    def __init__(self, rng: random.Random, pages: int, chinese: list[str]) -> None:
        size = max(50, 3 * pages)
        latin = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() for _ in range(size)}
        suffixes = ["指数", "模型", "法", "率", "体系", "矩阵", "漏斗", "系数"]
        han = {rng.choice(chinese) + rng.choice(suffixes) for _ in range(size)}
        self.terms = sorted(latin) + sorted(han)
        rng.shuffle(self.terms)
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        n = len(self.terms)
        return [self.terms[min(n - 1, int(n * self.rng.random() ** 3))] for _ in range(count)]

    def sentence(self) -> str:
        a, b, c = self.draw(3)
        return f"在实践中，「{a}」常与「{b}」一起使用，用来衡量「{c}」的变化。"


def _chinese_words(paragraphs: list[str]) -> list[str]:
    return sorted({word for text in paragraphs for word in re.findall(r"[\u4e00-\u9fff]{2}", text)})[:2000]


def _page(rng: random.Random, title: str, paragraphs: list[str], images: list[str], depth: int, siblings: list[str],
          vocabulary: Vocabulary | None = None) -> str:
    up = "../" * depth
    h1 = f"{title}：{vocabulary.draw(1)[0]}" if vocabulary is not None else title
    lines = ["---", f"description: {title}：概念、指标、方法与示例。", "---", "", f"# {h1}", "", rng.choice(paragraphs), ""]
    for h2 in range(1, 5):
        lines += [f"## {title} 要点 {h2}", "", rng.choice(paragraphs), ""]
        if vocabulary is not None:
            lines += [vocabulary.sentence(), ""]
        if h2 == 2:
            image = rng.choice(images)
            lines += [f"![{title} 的示意图，第 {h2} 节](../{up}img/{image})", ""]
        for h3 in range(1, 3):
            lines += [f"### 方法 {h2} {'甲乙'[h3 - 1]}", "", rng.choice(paragraphs), ""]
            if h3 == 2:
                lines += [f"#### 案例 {h2}", "", rng.choice(paragraphs), ""]
        lines += ["| 指标 | 口径 | 示例 |", "| --- | --- | --- |", "| LTV | ARPU × 平均生命周期 × 毛利率 | 360 元 |", "| RFM | R、F、M 各打 1–5 分 | 555 |", ""]
    lines += ["## 相关页面", "", *(f"- [{name}]({name}.md)" for name in siblings), ""]
    return "\n".join(lines)


def make_corpus(root: Path, pages: int, seed: int = 7) -> Corpus:
    """A copy of the site (configuration and pages) with `pages` synthetic pages (part/section/page) added to its nav."""
    rng = random.Random(seed)
    for name in SUPPORT:
        shutil.copytree(ROOT / name, root / name)
    paragraphs = _paragraphs(ROOT)
    vocabulary = Vocabulary(random.Random(seed + 1), pages, _chinese_words(paragraphs))
    images = sorted(p.name for p in (ROOT / "img").iterdir() if p.suffix == ".svg")
    docs = root / "docs"
    # The site's own pages stay (the term data links to them); the generated parts follow them.
    shutil.copytree(ROOT / "docs", docs, dirs_exist_ok=True)
    site_config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    nav: list[object] = list(site_config["nav"])
    written = sorted(str(page.relative_to(docs)) for page in docs.rglob("*.md"))
    home: list[str] = ["", "## 基准语料", ""]
    sections = max(1, pages // PAGES_PER_SECTION)
    for part in range(max(1, sections // SECTIONS_PER_PART + (sections % SECTIONS_PER_PART > 0))):
        # Every folder has an index that links its pages and sub-chapters (rules N005, N006).
        part_sections = range(part * SECTIONS_PER_PART, min(sections, (part + 1) * SECTIONS_PER_PART))
        (docs / f"part-{part}").mkdir(parents=True)
        (docs / f"part-{part}/index.md").write_text(
            f"---\ndescription: 第 {part} 部分。\n---\n\n# 语料部分 {part}\n\n{rng.choice(paragraphs)}\n\n"
            + "\n".join(f"- [专题 {section}](section-{section}/index.md)" for section in part_sections) + "\n", encoding="utf-8")
        written.append(f"part-{part}/index.md")
        part_nav: list[object] = [f"part-{part}/index.md"]
        for section in part_sections:
            folder = docs / f"part-{part}" / f"section-{section}"
            folder.mkdir(parents=True)
            names = [f"page-{n}" for n in range(PAGES_PER_SECTION - 1)]
            index = "\n".join(f"- [{name}]({name}.md)" for name in names)
            (folder / "index.md").write_text(
                f"---\ndescription: 第 {section} 组。\n---\n\n# 专题 {section}\n\n{rng.choice(paragraphs)}\n\n{index}\n", encoding="utf-8")
            section_nav: list[object] = [f"part-{part}/section-{section}/index.md"]
            for name in names:
                title = f"专题 {section} 的模型 {name[5:]}"
                (folder / f"{name}.md").write_text(_page(rng, title, paragraphs, images, 2, [n for n in names if n != name][:3], vocabulary),
                                                   encoding="utf-8")
                section_nav.append({title: f"part-{part}/section-{section}/{name}.md"})
            written += [str(p.relative_to(docs)) for p in sorted(folder.glob("*.md"))]
            part_nav.append({f"专题 {section}": section_nav})
        nav.append({f"第 {part} 部分": part_nav})
        home.append(f"- [语料部分 {part}](part-{part}/index.md)")
    # The site's own image usage would be lost with its pages: keep every image used once.
    (docs / "index.md").write_text((docs / "index.md").read_text(encoding="utf-8") + "\n".join(home) + "\n" + "".join(
        f"\n![基准语料中的示意图 {name}](../img/{name})\n" for name in images), encoding="utf-8")
    config = site_config
    config["nav"] = nav
    config["watch"] = []  # serving is measured on the site itself, not on a corpus
    (root / "mkdocs.yml").write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # A history, so that the last-updated dates cost what they cost on the real site (a git log a page).
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(git + command, check=True)
    return Corpus(root, written, tuple(vocabulary.terms[:50]))


class _Tagged:
    """A YAML tag of mkdocs.yml (!ENV, !!python/…) carried through unchanged."""

    def __init__(self, tag: str, node: yaml.Node) -> None:
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("", lambda loader, tag, node: _Tagged(tag, node))  # only tags SafeLoader lacks
_Dumper.add_representer(_Tagged, lambda dumper, tagged: _retag(tagged))


def _retag(tagged: _Tagged) -> yaml.Node:
    node = tagged.node
    node.tag = tagged.tag
    return node


# --------------------------------------------------------------------------- measuring builds


@dataclass(frozen=True)
class BuildFigures:
    seconds: float
    peak_mib: float


def timed_build(config: Path, site: Path, env: dict[str, str] | None = None) -> BuildFigures:
    """One `mkdocs build` in a fresh interpreter, as a contributor runs it; its own peak memory."""
    code = (
        "import logging, resource, sys, time\n"
        "from mkdocs.commands.build import build\n"
        "logging.basicConfig(level=logging.WARNING, format='%(levelname)s - %(message)s')\n"
        "from mkdocs.config import load_config\n"
        "start = time.perf_counter()\n"
        "build(load_config(sys.argv[1], site_dir=sys.argv[2]))\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", **(env or {})}
    result = subprocess.run([sys.executable, "-c", code, str(config), str(site)], cwd=config.parent,
                            capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"构建 {config} 失败：\n{(result.stdout + result.stderr)[-3000:]}")
    seconds, kib = result.stdout.split()[-2:]
    return BuildFigures(float(seconds), int(kib) / 1024)


def markdown_floor(corpus: Corpus) -> float:
    """Seconds for Python-Markdown alone to render the corpus with the site's extensions."""
    code = (
        "import os, sys, time, markdown\n"
        "from mkdocs.config import load_config\n"
        "config = load_config(sys.argv[1])\n"
        "md = markdown.Markdown(extensions=config['markdown_extensions'], extension_configs=config['mdx_configs'])\n"
        "pages = [open(os.path.join(config['docs_dir'], p), encoding='utf-8').read() for p in sys.argv[2:]]\n"
        "start = time.perf_counter()\n"
        "for text in pages:\n"
        "    md.reset().convert(text)\n"
        "print(time.perf_counter() - start)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(corpus.root / "mkdocs.yml"), *corpus.pages],
                            cwd=corpus.root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Python-Markdown 渲染失败：\n{result.stderr[-3000:]}")
    return float(result.stdout.split()[-1])


def config_variant(config: Path, name: str, edit: Callable[[dict[str, object]], None]) -> Path:
    """A copy of `config` beside it, changed by `edit` (to attribute build time to one part)."""
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)
    edit(data)
    variant = config.with_name(f"mkdocs-{name}.yml")
    variant.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return variant


# Without these two the build is not the same site: img/ goes unpublished and the edit links lose
# their repository, each a warning per page that fails --strict. They do no work worth measuring.
_STRUCTURAL_HOOKS = ("hooks/images.py", "hooks/repo_url.py")


def _no_hooks(data: dict[str, object]) -> None:
    data["hooks"] = [hook for hook in data["hooks"] if hook in _STRUCTURAL_HOOKS]  # type: ignore[union-attr]


def _no_prune(data: dict[str, object]) -> None:
    theme = data["theme"]
    theme["features"] = [f for f in theme["features"] if f != "navigation.prune"]  # type: ignore[index]


def _no_search(data: dict[str, object]) -> None:
    data["hooks"] = [hook for hook in data["hooks"] if hook != "hooks/search.py"]  # type: ignore[union-attr]


def _site_sizes(site: Path) -> tuple[int, float, int]:
    """Total bytes, mean bytes of a page's HTML, search index bytes (all of Pagefind's files)."""
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p.stat().st_size for p in site.rglob("index.html")]
    return total, statistics.mean(pages), _index_bytes(site)


def _index_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / OUTPUT).rglob("*") if p.is_file())


# --------------------------------------------------------------------------- sections


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def bench_rules(work: Path, pages: int = 1000, repeat: int = 5) -> str:
    corpus = make_corpus(work / "rules", pages)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        findings = check_site(corpus.root)
        times.append(time.perf_counter() - start)
    assert not [f for f in findings if f.severity == "error"], [f.format() for f in findings[:5]]
    best, median = min(times), statistics.median(times)
    loaded = load_site(corpus.root)
    pages_only = time_it(lambda: check_pages(loaded.pages, loaded.images), repeat)  # the share of the page rules
    site = time_it(lambda: check_site(ROOT), repeat)
    count = len(corpus.pages)
    return "\n".join([
        "### 校验（单核、独立运行）", "",
        table(["语料", "页数", "最快", "中位数", "每页", "目标"], [
            ["生成语料：全部规则", str(count), f"{best:.3f} s", f"{median:.3f} s", f"{best / count * 1000:.2f} ms", "≤ 2 s / 1,000 页"],
            ["生成语料：其中页面规则", str(count), f"{min(pages_only):.3f} s", f"{statistics.median(pages_only):.3f} s",
             f"{min(pages_only) / count * 1000:.2f} ms", "≤ 1 s / 1,000 页"],
            ["本站：全部规则", str(sum(1 for _ in (ROOT / 'docs').rglob('*.md'))), f"{min(site):.3f} s", f"{statistics.median(site):.3f} s", "", "远低于 1 s"],
        ]),
    ])


def time_it(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def bench_hooks(work: Path, pages: int = 1000, rounds: int = 4) -> str:
    """Full build with the hooks against the same build without them (but the image hook), interleaved."""
    corpus = make_corpus(work / "hooks", pages)
    config = corpus.root / "mkdocs.yml"
    bare = config_variant(config, "no-hooks", _no_hooks)
    env = {"OPSKB_GIT_DATES": "false"}  # the corpus has no history; keep the comparison about the hooks
    with_hooks, without = [], []
    for n in range(rounds):
        with_hooks.append(timed_build(config, work / f"hooks-site-{n}", env).seconds)
        without.append(timed_build(bare, work / f"bare-site-{n}", env).seconds)
    ratio = min(with_hooks) / min(without)
    return "\n".join([
        "### 构建钩子的开销", "",
        "比较的是校验（全部规则，含排版）与搜索修正两个钩子；发布 img/ 和设置编辑链接的两个钩子两边都保留（去掉它们网站就不完整，每页还会多出警告）。", "",
        table(["语料", "有钩子（最快）", "无钩子（最快）", "比值", "目标"], [
            [f"{len(corpus.pages)} 页", f"{min(with_hooks):.2f} s", f"{min(without):.2f} s", f"{ratio:.3f}×", "≤ 1.15×"],
        ]),
    ])


def bench_scaling(work: Path, sizes: list[int]) -> str:
    rows: list[list[str]] = []
    builds: dict[int, float] = {}
    for size in sizes:
        corpus = make_corpus(work / f"scale-{size}", size)
        site = work / f"scale-site-{size}"
        figures = timed_build(corpus.root / "mkdocs.yml", site)
        floor = markdown_floor(corpus)
        total, per_page_html, index = _site_sizes(site)
        builds[len(corpus.pages)] = figures.seconds
        rows.append([
            str(len(corpus.pages)), f"{figures.seconds:.1f} s", f"{figures.seconds / len(corpus.pages) * 1000:.1f} ms",
            f"{figures.peak_mib:.0f} MiB", f"{total / 2**20:.1f} MiB", f"{per_page_html / 1024:.1f} KiB",
            f"{index / 2**20:.2f} MiB", f"{floor:.1f} s", f"{figures.seconds / floor:.2f}×",
        ])
        shutil.rmtree(site)
    notes = []
    counts = sorted(builds)
    for small, large in zip(counts, counts[1:]):
        notes.append(f"- {large} 页构建时间是 {small} 页的 {builds[large] / builds[small]:.2f} 倍（页数之比 {large / small:.1f}）。")
    return "\n".join([
        "### 规模扩展（本站实际配置）", "",
        table(["页数", "构建", "每页", "峰值内存", "站点大小", "每页 HTML", "搜索索引", "Python-Markdown 基线", "构建 ÷ 基线"], rows),
        "", *notes, "- 目标：1,000 页时构建 ≤ 2× Python-Markdown 基线；3,000 页构建 ≤ 3.3× 1,000 页构建。",
    ])


def bench_breakdown(work: Path, pages: int = 1000) -> str:
    """Where a build's time goes, at one size: the full build against builds with one part left out."""
    corpus = make_corpus(work / "breakdown", pages)
    config = corpus.root / "mkdocs.yml"
    floor = markdown_floor(corpus)
    rows = []
    for label, variant, env in (
        ("本站配置", config, {}),
        ("本站配置，但不开 navigation.prune（Material 默认）", config_variant(config, "no-prune", _no_prune), {}),
        ("关闭最后更新时间（OPSKB_GIT_DATES=false）", config, {"OPSKB_GIT_DATES": "false"}),
        ("再去掉搜索索引（hooks/search.py，仅作归因）", config_variant(config, "no-search", _no_search), {"OPSKB_GIT_DATES": "false"}),
    ):
        seconds = timed_build(variant, work / "breakdown-site", env).seconds
        shutil.rmtree(work / "breakdown-site")
        rows.append([label, f"{seconds:.1f} s", f"{seconds / floor:.2f}×"])
    rows.append(["Python-Markdown 基线（同样的扩展）", f"{floor:.1f} s", "1.00×"])
    return "\n".join([f"### 构建时间的构成（{len(corpus.pages)} 页）", "", table(["构建", "时间", "÷ 基线"], rows)])


def _kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


def bench_search(work: Path, sizes: list[int]) -> str:
    """What search costs at each size: index build, bytes a reader downloads, time to the first result."""
    from playwright.sync_api import sync_playwright

    from opskb.reader_bench import (
        CHROMIUM_FLAGS, FIRST_SEARCH_TARGET, LATER_SEARCH_TARGET, SEARCH_QUERIES, chromium_path, search_figures, serve,
    )

    rows: list[list[str]] = []
    notes: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            for size in [0, *sizes]:
                if size == 0:
                    site, queries, pages = work / "search-site", SEARCH_QUERIES, len(list((ROOT / "docs").rglob("*.md")))
                    build = timed_build(ROOT / "mkdocs.yml", site)
                    floor = None
                else:
                    corpus = make_corpus(work / f"search-{size}", size)
                    site, pages = work / f"search-site-{size}", len(corpus.pages)
                    # The site's queries and the corpus's own terms, alternating: vocabulary that grows.
                    own = [term for term in corpus.terms if term.isascii()][:len(SEARCH_QUERIES)]
                    queries = [q for pair in zip(SEARCH_QUERIES, own) for q in pair]
                    build = timed_build(corpus.root / "mkdocs.yml", site)
                    floor = markdown_floor(corpus)
                index_seconds = build_index(site).seconds  # the indexing step alone, run again
                words = len(index_words(site))
                with serve(site) as base:
                    figures = search_figures(browser, base, queries)
                later = figures.later_bytes
                target_ms = 50 if size <= 100 else 150
                cold, warm = statistics.median(figures.first_result_ms), statistics.median(figures.repeat_result_ms)
                rows.append([
                    "本站" if size == 0 else f"{pages:,} 页", f"{build.seconds:.1f} s",
                    f"{build.seconds / floor:.2f}×" if floor else "–", f"{index_seconds:.1f} s", f"{words:,}",
                    f"{_index_bytes(site) / 2**20:.1f} MiB", _kb(figures.load_index_bytes), _kb(figures.first_bytes),
                    f"{_kb(statistics.median(later))} / {_kb(max(later))}", f"{cold:.0f} ms / {warm:.0f} ms",
                ])
                if figures.load_index_bytes or figures.first_bytes > FIRST_SEARCH_TARGET or max(later) > LATER_SEARCH_TARGET:
                    notes.append(f"- {rows[-1][0]}：传输量未达标。")
                if figures.missed:
                    notes.append(f"- {rows[-1][0]}：没有结果的查询：{'、'.join(figures.missed)}。")
                if cold > target_ms:
                    notes.append(f"- {rows[-1][0]}：首条结果中位数 {cold:.0f} ms，超过 {target_ms} ms。")
                if floor and size == 1000 and build.seconds / floor > 2:
                    notes.append(f"- 1,000 页构建是基线的 {build.seconds / floor:.2f} 倍，超过 2 倍。")
                shutil.rmtree(site)
        finally:
            browser.close()
    return "\n".join([
        "### 搜索（Pagefind 索引，Material 的搜索框）", "",
        "生成语料保留本站的全部页面，再加上生成的页面；每页带几个生成的术语（拉丁字母造词和「已有词 + 后缀」的中文名称），"
        "术语总数约为页数的 3 倍，所以索引的词汇随规模增长。查询交替使用本站的读者查询和语料自己的术语；"
        "传输量是浏览器实际收到的字节（JavaScript 经 gzip，Pagefind 的文件本身已压缩）。「首条结果」从最后一次按键到第一条结果出现，"
        "前者是每个查询第一次（要下载新的索引块），后者是同样的查询再搜一次。", "",
        table(["规模", "构建", "÷ 基线", "建索引", "索引词数", "索引文件", "只读页面下载索引", "首次搜索传输",
               "之后每次（中位数 / 最大）", "首条结果（中位数：首次 / 再次）"], rows),
        "", *(notes or ["- 全部达标。"]),
        f"- 目标：只读页面不下载索引；首次搜索 ≤ {FIRST_SEARCH_TARGET // 1024} KB，之后每次 ≤ {LATER_SEARCH_TARGET // 1024} KB；"
        "首条结果中位数本站 ≤ 50 ms、3,000 页 ≤ 150 ms；1,000 页构建 ≤ 2 倍 Python-Markdown 基线。",
    ])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _serving(root: Path, port: int, env: dict[str, str], flags: list[str]) -> Iterator[subprocess.Popen[str]]:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", **env}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *flags],
                               cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for(url: str, needle: str, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in _fetch(url):
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def bench_serve(work: Path, edits: int = 3) -> str:
    """Time from saving a page to `mkdocs serve` serving the rebuilt page, on a copy of the site."""
    copy = work / "serve"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", ".git", "test-artifacts", ".*cache*"))
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(copy / "clone")], check=True)
    (copy / "clone" / ".git").rename(copy / ".git")  # the real history, for the last-updated dates
    shutil.rmtree(copy / "clone")
    page = copy / "docs/modules/user-operations/rfm.md"
    rows = []
    settings: list[tuple[str, dict[str, str], list[str]]] = [
        ("make serve（默认）", {}, []),
        ("OPSKB_GIT_DATES=false", {"OPSKB_GIT_DATES": "false"}, []),
        ("OPSKB_GIT_DATES=false，--dirty --no-strict", {"OPSKB_GIT_DATES": "false"}, ["--dirty", "--no-strict"]),
    ]
    for label, env, flags in settings:
        port = _free_port()
        url = f"http://127.0.0.1:{port}/modules/user-operations/rfm/"
        times = []
        with _serving(copy, port, env, flags):
            if _wait_for(url, "RFM", 120) is None:
                raise RuntimeError("mkdocs serve 在 120 秒内没有开始提供页面")
            original = page.read_text(encoding="utf-8")
            for n in range(edits):
                marker = f"基准标记{len(rows)}{n}号"
                page.write_text(original + f"\n{marker}。\n", encoding="utf-8")
                seconds = _wait_for(url, marker, 60)
                times.append(seconds if seconds is not None else float("inf"))
                time.sleep(1)
            page.write_text(original, encoding="utf-8")
        rows.append([label, f"{statistics.median(times):.2f} s", f"{max(times):.2f} s", "< 2 s"])
    return "\n".join([
        "### 编辑预览（保存页面 → mkdocs serve 返回新页面）", "",
        table(["设置", "中位数", "最长", "目标"], rows),
    ])


def bench_reader(work: Path, runs: int) -> str:
    from opskb.reader_bench import format_reader_figures, reader_figures

    site = work / "site-reader"
    timed_build(ROOT / "mkdocs.yml", site)
    return "### 读者侧（Lighthouse 移动端与搜索响应）\n\n" + format_reader_figures(reader_figures(site, runs=runs))


TOOLS = ROOT / "overrides" / "assets" / "javascripts" / "tools"
_IMPORT = re.compile(r"""^import\s[^"']*["'](\.[^"']+)["']""", re.M)


def script_graph(entry: Path) -> list[Path]:
    """A module and every module it imports, relatively, as the browser loads them."""
    seen: list[Path] = []
    stack = [entry.resolve()]
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.append(path)
        stack += [(path.parent / name).resolve() for name in _IMPORT.findall(path.read_text(encoding="utf-8"))]
    return seen


def _order_rows(count: int, seed: int) -> Iterator[tuple[str, str, int, float]]:
    """`count` orders of 2024, shaped like an export: ~count/5 customers, a few heavy buyers, cents.
    Rows of (order, customer, day since 1970-01-01, amount)."""
    rng = random.Random(seed)
    customers = max(1, count // 5)
    start = 19723  # 2024-01-01 as days since 1970-01-01
    for n in range(count):
        customer = int(customers * rng.random() ** 2)  # skewed: some customers buy far more often
        yield f"O{n:07d}", f"C{customer:06d}", start + rng.randrange(366), round(rng.lognormvariate(4.5, 0.8), 2)


def synthetic_orders(count: int, seed: int = 11) -> str:
    """The orders of `_order_rows` as a CSV export."""
    lines = ["订单号,客户ID,下单日期,实付金额"]
    for order, customer, day, amount in _order_rows(count, seed):
        lines.append(f"{order},{customer},{time.strftime('%Y-%m-%d', time.gmtime(day * 86400))},{amount:.2f}")
    return "\n".join(lines) + "\n"


def synthetic_workbook(path: Path, count: int, seed: int = 11) -> Path:
    """The same orders as an Excel workbook (.xlsx): date cells in a date format, amounts as numbers."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("订单")
    sheet.append(["订单号", "客户ID", "下单日期", "实付金额"])
    epoch = dt.date(1970, 1, 1)
    for order, customer, day, amount in _order_rows(count, seed):
        date = WriteOnlyCell(sheet, epoch + dt.timedelta(days=day))
        date.number_format = "yyyy/m/d"
        sheet.append([order, customer, date, amount])
    book.save(path)
    return path


# In the page of a tool, on bytes fetched before the clock starts: reading (decode or unpack, parse,
# check every row) and the tool's analysis, each timed separately.
_IN_PAGE = """async ([url, tool]) => {
  const {decode, parseDelimited, guessColumns, readRecords, parseDate} = await import('/assets/javascripts/calculators/csv.js');
  const {isZip, readWorkbook} = await import('/assets/javascripts/calculators/xlsx.js');
  const {analyse} = await import('/assets/javascripts/calculators/rfm.js');
  const {cohortTable} = await import('/assets/javascripts/calculators/cohort.js');
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const t0 = performance.now();
  const rows = isZip(bytes) ? readWorkbook(bytes).rows : parseDelimited(decode(bytes).text).rows;
  const {records, problems} = readRecords(rows, guessColumns(rows[0].cells));
  const t1 = performance.now();
  const day = parseDate('2024-12-31');
  const size = tool === 'rfm' ? analyse(records, day).customers.length : cohortTable(records, day, 'month').cohorts.length;
  const t2 = performance.now();
  if (problems.length) throw new Error(problems[0].message);
  return [t1 - t0, t2 - t1, size];
}"""

# From the file input's change event to the frame after the results were shown.
_WATCH_WHOLE = """() => {
  const results = document.querySelector('.opskb-tool__results');
  window.__opskbShown = new Promise(done => new MutationObserver(() => {
    if (!results.hidden) requestAnimationFrame(() => setTimeout(() => done(performance.now())));
  }).observe(results, {attributes: true, attributeFilter: ['hidden']}));
  document.querySelector('.opskb-tool__file').addEventListener('change', () => { window.__opskbChosen = performance.now() }, {capture: true});
}"""


_WHOLE_TIME = """async () => {
  const late = new Promise((_, fail) => setTimeout(() => fail(new Error('结果 120 秒内没有出现')), 120000));
  return (await Promise.race([window.__opskbShown, late])) - window.__opskbChosen;
}"""


def tool_weights() -> list[list[str]]:
    """Per calculator page: the modules it loads (its tool module and their imports) and the stylesheet."""
    from opskb.rules import CALCULATORS

    css = ROOT / "overrides/assets/stylesheets/calculators.css"
    weights = []
    for name in CALCULATORS:
        files = script_graph(TOOLS / f"{name}.js") + [css]
        raw = sum(f.stat().st_size for f in files)
        packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
        weights.append([name, str(len(files) - 1), f"{raw:,} B", f"{packed:,} B"])
    return weights


def bench_calculators(work: Path, orders: int = 100_000, throttles: tuple[int, ...] = (1, 4), rounds: int = 3) -> str:
    """Script weight each calculator adds; reading and analysing `orders` orders (CSV and .xlsx) in the RFM
    and cohort tools, in headless Chromium with the CPU throttled: the parts, and the whole page."""
    from playwright.sync_api import sync_playwright

    from opskb.reader_bench import CHROMIUM_FLAGS, chromium_path, serve

    site = work / "site-calculators"
    timed_build(ROOT / "mkdocs.yml", site, {"OPSKB_GIT_DATES": "false"})
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    exports = {"CSV": site / "bench-orders.csv", "xlsx": site / "bench-orders.xlsx"}
    exports["CSV"].write_text(synthetic_orders(orders), encoding="utf-8")
    synthetic_workbook(exports["xlsx"], orders)
    cases = [("rfm", "CSV"), ("rfm", "xlsx"), ("cohort", "CSV"), ("cohort", "xlsx")]
    rows = []
    sizes: dict[str, int] = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            version = browser.version
            for rate in throttles:
                for tool, kind in cases:
                    page = browser.new_page()
                    cdp = page.context.new_cdp_session(page)
                    page.goto(f"{base}/tools/{tool}/", wait_until="networkidle")
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                    parts = [page.evaluate(_IN_PAGE, [f"/{exports[kind].name}", tool]) for _ in range(rounds)]
                    sizes[tool] = parts[0][2]
                    whole = []
                    for _ in range(rounds):
                        page.goto(f"{base}/tools/{tool}/", wait_until="networkidle")
                        page.evaluate(_WATCH_WHOLE)
                        page.locator(".opskb-tool__file").set_input_files(str(exports[kind]))
                        whole.append(page.evaluate(_WHOLE_TIME))
                    read = statistics.median(p[0] for p in parts)
                    analysed = statistics.median(p[1] for p in parts)
                    both = statistics.median(p[0] + p[1] for p in parts)
                    rows.append([f"{rate}×", {"rfm": "RFM 分群", "cohort": "留存同期群"}[tool], kind, f"{read:.0f} ms",
                                 f"{analysed:.0f} ms", f"{both:.0f} ms", f"{statistics.median(whole):.0f} ms"])
                    page.close()
        finally:
            browser.close()
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    megabytes = {kind: path.stat().st_size / 2**20 for kind, path in exports.items()}
    shutil.rmtree(site)
    return "\n".join([
        "### 计算器", "",
        "每个计算器页面额外加载的脚本与样式（工具模块及其导入的全部模块，含打包进来的 fflate 解压部分，再加 calculators.css；"
        "其他页面不加载；字节数逐个文件相加，gzip 为逐个文件压缩后相加）：", "",
        table(["计算器", "模块数", "未压缩", "gzip 后"], tool_weights()), "",
        f"{orders:,} 笔订单（{sizes.get('rfm', 0):,} 位客户，按月 {sizes.get('cohort', 0)} 个同期群；CSV {megabytes['CSV']:.1f} MiB，"
        f".xlsx {megabytes['xlsx']:.1f} MiB，由 openpyxl 写出），Chromium {version} 无头模式，"
        f"CPU 降速用 CDP Emulation.setCPUThrottlingRate（4× 约相当于中端手机），各取 {rounds} 次的中位数。"
        "「读取」是解码或解压、解析并逐行校验，「计算」是 RFM 打分分群或按月的同期群表；"
        "「整页」从选定文件（change 事件）到结果画出后的下一帧，含读文件和渲染。", "",
        table(["CPU 降速", "工具", "文件", "读取", "计算", "读取 + 计算", "整页（选文件到出结果）"], rows),
        "", "- 目标：4× 降速下 RFM 的读取 + 计算 < 1 s（CSV 与 .xlsx）。",
        *([f"- 测量前后的 1 分钟平均负载 {load_before:.1f} 和 {load_after:.1f}（{os.cpu_count()} 核）：负载高于核数时，数字偏大且波动大。"]
          if load_before is not None and load_after is not None else []),
    ])


SECTIONS = ["rules", "hooks", "scaling", "breakdown", "search", "serve", "reader", "calculators"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opskb bench", description="打印网站的速度与体积数据。")
    parser.add_argument("--sizes", default="100,1000,3000", help="规模扩展表的页数（逗号分隔）")
    parser.add_argument("--search-sizes", default="1000,3000", help="搜索部分的生成语料页数（逗号分隔；本站总会测）")
    parser.add_argument("--skip", default="", help=f"跳过的部分（逗号分隔）：{', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse 每页运行次数，取中位数")
    args = parser.parse_args(argv)
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if unknown := skip - set(SECTIONS):
        parser.error(f"未知的部分：{', '.join(sorted(unknown))}")
    sizes = [int(size) for size in args.sizes.split(",")]
    search_sizes = [int(size) for size in args.search_sizes.split(",") if size.strip()]
    print(f"## 基准数据（{time.strftime('%Y-%m-%d')}，{os.cpu_count()} 核，Python {sys.version.split()[0]}）\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="opskb-bench-") as tmp:
        work = Path(tmp)
        steps: dict[str, Callable[[], str]] = {
            "rules": lambda: bench_rules(work),
            "hooks": lambda: bench_hooks(work),
            "scaling": lambda: bench_scaling(work, sizes),
            "breakdown": lambda: bench_breakdown(work),
            "search": lambda: bench_search(work, search_sizes),
            "serve": lambda: bench_serve(work),
            "reader": lambda: bench_reader(work, args.runs),
            "calculators": lambda: bench_calculators(work),
        }
        for name in SECTIONS:
            if name not in skip:
                try:
                    print(steps[name]() + "\n", flush=True)
                except (RuntimeError, subprocess.SubprocessError, OSError) as error:
                    print(f"opskb-bench：{name} 部分失败：{error}", file=sys.stderr)
                    return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
