"""Every rule over a whole checkout, as `python -m opskb check` and the build run them.

Pages and images (opskb.rules), mkdocs.yml and its nav (opskb.config), the site rules below
(pages in the nav, chapter indexes, images dropped into docs/, links between pages),
typesetting (opskb.typeset), the term data and formulas (opskb.term_checks), computed blocks
(opskb.computed) and the notes' map (opskb.seedmap). `load_site` reads a checkout; `check_loaded` works on what was read, so a test
can check a site held in memory.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pathspec

from opskb.catalogue import PAGE as CATALOGUE_PAGE
from opskb.catalogue import render as render_catalogue
from opskb.computed import Source, check_blocks, load_sources, parse_blocks
from opskb.config import CONFIG_FILE, NavEntry, SiteConfig, parse_config
from opskb.glossary import GLOSSARY_PAGE, render_glossary
from opskb.rules import IMAGE_FORMATS, Finding, PageResult, check_limits, check_page, closest, decode, page_results
from opskb.seedmap import MAP_FILE, Topic, check_topics, parse_map
from opskb.term_checks import check_terms
from opskb.terms import TERMS_FILE, Glossary, parse_terms
from opskb.typeset import check_typesetting

SKIP_ENV = "OPSKB_SKIP_RULES"  # comma-separated rule IDs or prefixes, e.g. "E" (the pull-request gate)
_UNPUBLISHED = pathspec.gitignore.GitIgnoreSpec.from_lines([".*", "/templates/"])  # MkDocs' default exclude_docs


@dataclass
class Site:
    """A checkout as the rules see it; paths are relative to the repository root, POSIX style."""

    pages: dict[str, bytes]  # docs/**/*.md
    images: dict[str, tuple[bytes, bool]]  # img/** → (bytes, symlink leaving img/)
    files: list[str] = field(default_factory=list)  # every other file under docs/
    config: str | None = None  # mkdocs.yml
    sources: dict[str, Source] | None = None  # computed-block sources; None: blocks not checked
    source_findings: list[Finding] = field(default_factory=list)  # example scripts or the map that failed to load
    topics: list[Topic] | None = None  # the notes' map; None: not checked
    exists: Callable[[str], bool] = lambda path: True  # is this repository path a file (snippets)
    terms: bytes | None = None  # includes/terms.yml; None: missing (G001)
    tree: list[Finding] = field(default_factory=list)  # symlinks, hidden files, file types (check_tree)
    with_terms: bool = False  # check the term data and formulas (load_site does; an in-memory test site may not)


@dataclass(frozen=True)
class Summary:
    """What a check looked at, for the line that says all is well."""

    pages: int
    images: int
    nav: int
    blocks: int


def skip_from_env(env: dict[str, str] | os._Environ[str] = os.environ) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(SKIP_ENV, "").split(",") if part.strip())


def _skipped(rule: str, skip: Iterable[str]) -> bool:
    return any(rule.startswith(prefix) for prefix in skip)


def load_site(root: Path, docs_dir: str | None = None, img_dir: str = "img", skip: Iterable[str] = ()) -> Site:
    """Read a checkout. Example scripts run only when computed blocks are checked (not skipped)."""
    skip = tuple(skip)
    config_path = root / CONFIG_FILE
    config = config_path.read_text(encoding="utf-8", errors="replace") if config_path.is_file() else None
    if docs_dir is None:
        docs_dir = parse_config(config).docs_dir if config is not None else "docs"
    docs = root / docs_dir
    pages: dict[str, bytes] = {}
    files: list[str] = []
    for path in sorted(docs.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".md" and path.is_file() and not path.is_symlink():  # never read through a link (F005)
            pages[rel] = path.read_bytes()
        else:
            files.append(rel)
    images: dict[str, tuple[bytes, bool]] = {}
    img_root = (root / img_dir).resolve()
    for path in sorted((root / img_dir).rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        target = path.resolve()
        outside = path.is_symlink() and not target.is_relative_to(img_root)
        images[rel] = (b"" if outside or not target.is_file() else target.read_bytes(), outside)
    sources, source_findings = (None, [])
    if not (_skipped("E001", skip) and _skipped("E002", skip)):
        sources, source_findings = load_sources(root)
    topics = None
    if not _skipped("E003", skip) and (root / MAP_FILE).is_file():
        topics, map_findings = parse_map((root / MAP_FILE).read_text(encoding="utf-8", errors="replace"))
        source_findings = source_findings + map_findings
    terms_path = root / TERMS_FILE
    parsed = parse_config(config) if config is not None else SiteConfig()
    return Site(pages, images, files, config, sources, source_findings, topics,
                exists=lambda path: (root / path).is_file() and not (root / path).is_symlink(),
                terms=terms_path.read_bytes() if terms_path.is_file() else None, with_terms=True,
                tree=check_tree(root, docs_dir, parsed.assets))


def check_site(root: Path, docs_dir: str | None = None, img_dir: str = "img", skip: Iterable[str] = ()) -> list[Finding]:
    return check_loaded(load_site(root, docs_dir, img_dir, skip), skip)


def summarize(site: Site) -> Summary:
    config = parse_config(site.config) if site.config is not None else SiteConfig()
    blocks = sum(len(parse_blocks(text, path)[0]) for path, data in site.pages.items()
                 if (text := decode(data, path)[0]) and check_limits(text, path) is None)
    return Summary(len(site.pages), len(site.images), len(config.nav_pages()), blocks)


def check_loaded(site: Site, skip: Iterable[str] = ()) -> list[Finding]:
    skip = tuple(skip)
    config = parse_config(site.config) if site.config is not None else SiteConfig(nav=None)
    findings, results = page_results(site.pages, site.images, site.exists)
    findings += config.findings
    # A page over the limits (F007, reported by page_results) is not given to any other rule.
    texts = {path: text for path, data in site.pages.items()
             if (text := decode(data, path)[0]) is not None and check_limits(text, path) is None}
    for path, text in texts.items():
        findings += check_typesetting(text, path)
    docs = config.docs_dir
    published = {path: result for path, result in results.items() if not _UNPUBLISHED.match_file(_in_docs(path, docs))}
    if site.config is not None and config.nav is not None:
        findings += check_nav(config, published, docs)
    findings += check_indexes(published, docs)
    findings += check_stray_images(site.files, config, results, docs)
    if site.with_terms:
        findings += check_terms(site.terms, texts, docs)
    findings += check_links(published, site.images, site.files, docs, site.exists, generated_anchors(site.terms))
    findings += site.source_findings
    findings += site.tree
    findings += check_redirects(config, published, docs)
    if site.sources is not None:
        for path, text in texts.items():
            findings += check_blocks(text, path, site.sources)
    if site.topics is not None:
        findings += check_topics(site.topics, {path: result.anchors for path, result in results.items()}, docs)
    return sorted({f for f in findings if not _skipped(f.rule, skip)})


def _in_docs(path: str, docs: str) -> str:
    return path.removeprefix(f"{docs}/")


# --------------------------------------------------------------------------- nav (N001, N002, N004)


def check_nav(config: SiteConfig, pages: dict[str, PageResult], docs: str) -> list[Finding]:
    findings: list[Finding] = []
    on_disk = {_in_docs(path, docs): path for path in pages}
    listed: dict[str, int] = {}
    meant = set(config.meant)  # a page a broken entry means is reported there, not again as N001
    for entry in config.nav_pages():
        assert entry.path is not None
        if entry.path not in on_disk:
            suggestion = closest(entry.path, on_disk)
            meant.add(suggestion or "")
            tip = f"是否想写 {suggestion}？" if suggestion else "请修正路径，或补上这个页面。"
            findings.append(Finding(CONFIG_FILE, entry.line, entry.col, "N002", f"导航中的 {entry.path} 在 {docs}/ 中不存在；{tip}"))
        elif entry.path in listed:
            findings.append(Finding(CONFIG_FILE, entry.line, entry.col, "N004",
                                    f"{entry.path} 已在第 {listed[entry.path]} 行列入导航；请删去这一行。"))
        listed.setdefault(entry.path, entry.line)
    exempt = pathspec.gitignore.GitIgnoreSpec.from_lines(config.not_in_nav.splitlines())
    for rel, path in sorted(on_disk.items()):
        if rel not in listed and rel not in meant and not exempt.match_file(rel):
            result = pages[path]
            findings.append(Finding(path, result.title_line, 1, "N001", _nav_advice(config, rel, result.title)))
    return findings


def _nav_advice(config: SiteConfig, page: str, title: str | None) -> str:
    """Which line to add to mkdocs.yml, and after which line: beside its folder's last page."""
    folder = posixpath.dirname(page)
    name = title or posixpath.splitext(posixpath.basename(page))[0]
    line = f"- {name}: {page}"
    siblings = [entry for entry in config.nav_pages() if posixpath.dirname(entry.path or "") == folder]
    if siblings:
        last: NavEntry = max(siblings, key=lambda entry: entry.line)
        return (f"本页不在导航中；请在 mkdocs.yml 第 {last.line} 行（{last.path}）之后加一行「{line}」，"
                f"和第 {last.line} 行左边对齐（缩进 {last.indent} 个空格）。")
    return (f"本页不在导航中；请在 mkdocs.yml 的 nav:（第 {config.nav_line} 行起）中合适的位置加一行「{line}」。"
            f"新目录通常自成一组：先写「- 组名:」，下一行起多缩进一级列出 {folder}/index.md 和其他页面。")


# --------------------------------------------------------------------------- chapter indexes (N005, N006)


def _link_target(href: str, page: str) -> tuple[str, str] | None:
    """(path relative to the repository, anchor) a relative link on `page` points at; None for URLs."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    target = unquote(parts.path)
    resolved = page if not target else posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
    return resolved, unquote(parts.fragment)


def check_indexes(pages: dict[str, PageResult], docs: str) -> list[Finding]:
    """Every page is linked from its folder's index.md; a sub-chapter's index from its parent's.
    The home page is not a chapter index: the top-level chapters are the navigation tabs."""
    findings: list[Finding] = []
    missing_index: set[str] = set()
    for path in sorted(pages):
        folder = posixpath.dirname(path)
        if posixpath.basename(path) == "index.md":
            folder = posixpath.dirname(folder)
            if folder in (docs, posixpath.dirname(docs)):
                continue  # the home page, or a top-level chapter
        index = f"{folder}/index.md"
        if index not in pages:
            if folder not in missing_index:
                missing_index.add(folder)
                findings.append(Finding(path, 1, 1, "N006",
                                        f"目录 {folder}/ 没有 index.md；请新建 {index}，写一段本章介绍，并链接本目录的每个页面。"))
            continue
        linked = {target[0] for link in pages[index].links if (target := _link_target(link.href, index))}
        if path not in linked:
            title = pages[path].title or posixpath.basename(path)
            href = posixpath.relpath(path, folder)
            findings.append(Finding(path, pages[path].title_line, 1, "N005",
                                    f"{index} 没有链接本页；请在其中加一行「- [{title}]({href})：一句话介绍。」。"))
    return findings


# --------------------------------------------------------------------------- stray images (N007)


def _is_image(path: str) -> bool:
    ext = posixpath.splitext(path)[1].lower()
    return ext in IMAGE_FORMATS or (mimetypes.guess_type(path)[0] or "").startswith("image/")


def check_stray_images(files: list[str], config: SiteConfig, pages: dict[str, PageResult], docs: str) -> list[Finding]:
    """An image under docs/ that nothing in the config uses. One owner per case: a page's reference
    to it is I002's (at the reference), and other file types belong to the docs/ allowlist."""
    used = {f"{docs}/{asset}" for asset in config.assets}
    referenced = {path for result in pages.values() for path in result.misplaced}
    findings = []
    for path in files:
        if not _is_image(path) or path in used or path in referenced:
            continue
        if any(part.startswith(".") for part in path.split("/")):
            continue  # hidden files are not published; the allowlist rules cover them
        name = posixpath.basename(path)
        findings.append(Finding(path, 1, 1, "N007",
                                f"图片要放在仓库顶层的 img/：请把它移到 img/{name}，再在页面中用相对路径引用"
                                f"（{docs}/ 下的页面写 ../img/{name}，每深一层目录多一个 ../）；没有页面要用它就删除。"))
    return findings


# --------------------------------------------------------------------------- links (N008, N009, N010)

_GENERATED_ANCHORS = ("fn:", "fnref:", "__")  # footnotes and Material's own ids


def generated_anchors(terms: bytes | None = None) -> dict[str, set[str]]:
    """Anchors of sections a build hook writes into a page (docs-relative page → ids), which the
    page's source does not show: the rule catalogue, and the glossary's terms (from `terms`, the
    bytes of includes/terms.yml). Each generator that adds sections adds its page here."""
    generated = {CATALOGUE_PAGE: check_page(f"# 校验规则\n\n{render_catalogue()}", CATALOGUE_PAGE).anchors}
    glossary = _glossary(terms)
    if glossary is not None:
        generated[GLOSSARY_PAGE] = check_page(f"# 术语表\n\n{render_glossary(glossary, lambda term: '')}", GLOSSARY_PAGE).anchors
    return generated


def _glossary(terms: bytes | None) -> Glossary | None:
    try:
        return parse_terms(terms.decode("utf-8-sig"))[0] if terms is not None else None
    except UnicodeDecodeError:
        return None  # reported by check_terms (G001)


def check_links(pages: dict[str, PageResult], images: dict[str, tuple[bytes, bool]], files: list[str], docs: str,
                exists: Callable[[str], bool] = lambda path: True,
                generated: dict[str, set[str]] | None = None) -> list[Finding]:
    """Links between pages and to files: the page or file must exist, and so must the anchor.
    A file beside docs/ (an image in img/, a download in examples/) needs to exist in the repository."""
    findings: list[Finding] = []
    others = set(files) | set(images)
    anchors = {path: result.anchors for path, result in pages.items()}
    for page, extra in (generated if generated is not None else generated_anchors()).items():
        if f"{docs}/{page}" in anchors:
            anchors[f"{docs}/{page}"] = anchors[f"{docs}/{page}"] | extra
    for page, result in sorted(pages.items()):
        for link in result.links:
            problem = _link_problem(link.href, page, anchors, others, docs, exists)
            if problem:
                rule, message = problem
                findings.append(Finding(page, link.line, link.col, rule, message))
    return findings


def _link_problem(href: str, page: str, pages: dict[str, set[str]], others: set[str], docs: str,
                  exists: Callable[[str], bool]) -> tuple[str, str] | None:
    href = href.strip()
    target = _link_target(href, page)
    if target is None or not href or href == "#":
        return None
    path, anchor = target
    written = urlsplit(href).path
    if written.startswith("/") or written.endswith("/") or written.endswith((".html", ".htm")) or (
        written and not posixpath.splitext(written)[1]
    ):
        meant = _page_for_url(written, page, pages, docs)
        tip = f"请改为「{meant}」。" if meant else "请写目标页面源文件（.md）的相对路径。"
        return "N010", f"站内链接「{href}」写成了网址；{tip}"
    if path.endswith(".md") and path not in pages:
        suggestion = closest(path, pages)
        tip = f"是否想链接 {posixpath.relpath(suggestion, posixpath.dirname(page))}？" if suggestion else "请修正路径，或删去链接。"
        return "N008", f"链接「{href}」指向的 {path} 不存在；{tip}"
    if path == ".." or path.startswith("../"):
        return "N008", f"链接「{href}」指向仓库之外；请链接本站的页面，或写完整的网址。"
    outside_docs = not path.startswith(f"{docs}/") and not path.startswith("img/")
    if not path.endswith(".md") and path not in others and not (outside_docs and exists(path)):
        suggestion = closest(path, others)
        tip = f"是否想链接 {posixpath.relpath(suggestion, posixpath.dirname(page))}？" if suggestion else "请修正路径，或删去链接。"
        return "N008", f"链接「{href}」指向的 {path} 不在网站中；{tip}"
    if anchor and path in pages and not anchor.startswith(_GENERATED_ANCHORS) and anchor not in pages[path]:
        suggestion = closest(anchor, pages[path])
        tip = f"是否想写 #{suggestion}？" if suggestion else "请链接到这一页现有的标题。"
        where = "本页" if path == page else f"{path} 中"
        return "N009", f"{where}没有锚点「#{anchor}」（标题可能改了名）；{tip}"
    return None


def _page_for_url(url: str, page: str, pages: dict[str, set[str]], docs: str) -> str | None:
    """The relative .md link a URL-style link means (`/glossary/` → `../glossary.md`), if any."""
    stem = url.removesuffix("/").removesuffix(".html").removesuffix(".htm").removesuffix("/index")
    base = docs if url.startswith("/") else posixpath.dirname(page)
    stem = posixpath.normpath(posixpath.join(base, stem.lstrip("/"))) if stem.strip("/") else docs
    for candidate in (f"{stem}.md", f"{stem}/index.md"):
        if candidate in pages:
            return posixpath.relpath(candidate, posixpath.dirname(page))
    return None


# --------------------------------------------------------------------------- the content tree (F004–F006, F008)

CONTENT_FOLDERS = ("img", "includes", "examples")  # besides docs/: published or embedded
# Where the theme, its plugins and the build hooks write files of their own: nothing under docs/ may
# land there (a page there turns a theme file's path into a folder).
RESERVED = ("assets/javascripts/", "assets/stylesheets/", "assets/images/", "search/", "img/", "examples/")
_CSS_IMPORT = re.compile(r"@import|expression\s*\(|behavior\s*:|-moz-binding|\\", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.IGNORECASE)


def check_tree(root: Path, docs: str, assets: Iterable[str] = ()) -> list[Finding]:
    """What lies in the content folders besides pages and images: symlinks (on disk or as git records
    them), hidden files, files docs/ may not hold, and style sheets that load from elsewhere."""
    findings: list[Finding] = []
    linked: set[str] = set()
    allowed = set(assets)
    for folder in (docs, *CONTENT_FOLDERS):
        top = root / folder
        if top.is_symlink():
            linked.add(folder)
            continue
        for current, dirs, names in os.walk(top, followlinks=False):
            for name in sorted(dirs + names):
                path = Path(current) / name
                rel = path.relative_to(root).as_posix()
                if path.is_symlink():
                    linked.add(rel)
                elif name.startswith("."):
                    findings.append(Finding(rel, 1, 1, "F006", f"{rel} 是隐藏文件（以 . 开头）；内容目录中不允许隐藏文件，请删除或改名。"))
            dirs[:] = [d for d in dirs if not d.startswith(".") and not (Path(current) / d).is_symlink()]
            if folder != docs:
                continue
            for name in sorted(names):
                path = Path(current) / name
                if name.startswith(".") or path.is_symlink():
                    continue
                rel = path.relative_to(root).as_posix()
                inside = rel.removeprefix(f"{docs}/")
                findings.extend(_docs_file_problems(path, rel, inside, allowed))
    linked |= _git_symlinks(root, (docs, *CONTENT_FOLDERS))
    for rel in sorted(linked):
        findings.append(Finding(rel, 1, 1, "F005", f"{rel} 是符号链接；内容目录中不允许符号链接（可能把仓库外的文件发布出去），请提交真实的文件。"))
    return findings


def _docs_file_problems(path: Path, rel: str, inside: str, allowed: set[str]) -> list[Finding]:
    if inside.endswith(".md"):
        if inside.startswith(RESERVED):
            return [Finding(rel, 1, 1, "F004", f"{inside} 所在的目录留给主题和构建生成的文件，页面不能放在这里；请移到其他目录。")]
        return []
    if _is_image(rel):
        return []  # N007 owns images dropped into docs/
    if inside not in allowed:
        return [Finding(rel, 1, 1, "F004", f"docs/ 中只能放 Markdown 页面和 mkdocs.yml 的 extra_css 列出的样式表，{inside} 会被原样发布而不经检查；"
                                           "请删除它（图片放 img/，下载数据放 examples/）。")]
    if inside.startswith(RESERVED):
        return [Finding(rel, 1, 1, "F004", f"{inside} 与主题或构建生成的文件位置相同，会替换它们；请改放到 assets/ 下的其他名字。")]
    if inside.endswith(".css"):
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return [Finding(rel, 1, 1, "F008", "读不到这个样式表；请确认它是普通的文本文件。")]
        for number, line in enumerate(text.split("\n"), start=1):
            bad = _CSS_IMPORT.search(line) or next((m for m in _CSS_URL.finditer(line) if not _local_css_url(m.group(2))), None)
            if bad:
                return [Finding(rel, number, bad.start() + 1, "F008", "样式表不能用 @import、反斜杠转义或指向其他网站的 url()；"
                                                                      "网站不从其他网站加载任何内容，请删除这一处或改为本站的相对路径。")]
    return []


def _local_css_url(url: str) -> bool:
    url = url.strip()
    if url.startswith("#") or url.lower().startswith("data:image/"):
        return True
    parts = urlsplit(url)
    return bool(url) and not parts.scheme and not parts.netloc and not url.startswith(("/", "\\"))


def _git_symlinks(root: Path, folders: Iterable[str]) -> set[str]:
    """Paths git records with the symlink mode (120000): a checkout without symlink support (Windows)
    writes them as small text files, which the file system check alone would miss."""
    if not (root / ".git").exists():
        return set()
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-s", "-z", "--", *folders],
                                capture_output=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    found = set()
    for record in listed.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        if meta.startswith(b"120000"):
            found.add(name.decode("utf-8", errors="replace"))
    return found


# --------------------------------------------------------------------------- redirects (N011)


def check_redirects(config: SiteConfig, pages: dict[str, PageResult], docs: str) -> list[Finding]:
    """Each redirect leads from a page that is gone to a page of this site."""
    findings = []
    on_disk = {_in_docs(path, docs) for path in pages}
    for old, new, line, col in config.redirects:
        target = urlsplit(new)
        if target.scheme or target.netloc or new.startswith(("/", "\\")) or "\\" in new or not target.path.endswith(".md"):
            findings.append(Finding(CONFIG_FILE, line, col, "N011", f"重定向目标「{new}」不是 docs/ 中页面的 .md 路径；重定向只能指向本站现有的页面。"))
        elif posixpath.normpath(unquote(target.path)) not in on_disk:
            suggestion = closest(target.path, on_disk)
            tip = f"是否想写 {suggestion}？" if suggestion else "请指向现有的页面。"
            findings.append(Finding(CONFIG_FILE, line, col, "N011", f"重定向目标 {target.path} 在 {docs}/ 中不存在；{tip}"))
        if not old.endswith(".md") or old in on_disk or old.startswith(("/", "../")) or "\\" in old:
            findings.append(Finding(CONFIG_FILE, line, 1, "N011", f"重定向的旧地址「{old}」要写成已删除或改名的页面的 .md 路径（相对于 {docs}/），不能是现有页面。"))
    return findings
