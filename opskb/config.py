"""mkdocs.yml as contributors edit it: YAML syntax (Y rules) and the shape of `nav:` (N003).

MkDocs parses mkdocs.yml before any hook loads, so a broken file would only ever meet MkDocs'
English parser error. These rules run first, in `python -m opskb check`, `build` and `serve`.
The YAML is only composed into nodes, never constructed: no tag in a pull request's config
(`!!python/object/apply:…`) can run code here, and every node keeps its line and column.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from opskb.rules import Finding

CONFIG_FILE = "mkdocs.yml"
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: a 1,000-page nav in milliseconds


@dataclass(frozen=True)
class NavEntry:
    """One line of `nav:`: a page (path relative to docs/) or a section (children)."""

    title: str | None
    path: str | None
    line: int
    col: int  # of the page path (a section: of its title)
    indent: int  # spaces before the entry's "- ": where a sibling line starts
    children: tuple[NavEntry, ...] = ()

    def pages(self) -> list[NavEntry]:
        """This entry and its descendants that are pages, in nav order."""
        own = [self] if self.path is not None else []
        return own + [page for child in self.children for page in child.pages()]


@dataclass
class SiteConfig:
    """What the site rules need from mkdocs.yml."""

    docs_dir: str = "docs"
    nav: list[NavEntry] | None = None  # None: no usable nav
    nav_line: int = 1  # the line of `nav:`
    not_in_nav: str = ""
    assets: set[str] = field(default_factory=set)  # files under docs/ the config itself uses
    meant: set[str] = field(default_factory=set)  # pages a malformed entry (N003) names: not also N001
    redirects: list[tuple[str, str, int, int]] = field(default_factory=list)  # (old, new, line, col): redirects plugin
    findings: list[Finding] = field(default_factory=list)

    def nav_pages(self) -> list[NavEntry]:
        return [page for entry in self.nav or [] for page in entry.pages()]


# --------------------------------------------------------------------------- YAML syntax

# What PyYAML's problem means for someone editing a nav, most specific first.
_HINTS = [
    ("found character '\\t'", "这一行用了 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格。"),
    ("expected <block end>", "这一行的缩进和同一层的其他行没有对齐；同一层的条目左边要对齐，子条目比上一级多缩进 2 个空格。"),
    ("did not find expected '-' indicator", "列表条目要以「- 」开头，并和同一层的其他条目左边对齐。"),
    ("did not find expected key", "这一行的缩进和上一级不一致，或者漏写了「- 」；请和同一层的条目对齐。"),
    ("mapping values are not allowed", "这一行多了一个「: 」，或者缩进不对；标题里有冒号时请给标题加引号，例如 - \"甲: 乙\": a.md。"),
    ("could not find expected ':'", "这一行缺少「: 」（半角冒号加空格），或者引号没有成对。"),
    ("quoted scalar", "引号没有成对；请补上另一半引号。"),
    ("found undefined alias", "这一行的值以 * 开头；请给整个值加引号。"),
    ("cannot start any token", "这一行的值以特殊符号开头；请给整个值加引号。"),
]
_DEFAULT_HINT = "请检查这一行和上一行：只用空格缩进、同一层左边对齐、冒号后面加空格、引号成对。"


def check_syntax(text: str, path: str = CONFIG_FILE) -> tuple[yaml.Node | None, list[Finding]]:
    """The composed document, or Y001 with the line, column and a hint in Chinese."""
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:  # ask the pure-Python parser again: its wording is what the hints know
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        problem = f"{error.problem or ''} {error.context or ''}"
        # An unclosed quote is noticed at the end of the file: point at where the quote opens.
        mark = error.context_mark if "quoted scalar" in problem and error.context_mark else error.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = next((hint for needle, hint in _HINTS if needle in problem), _DEFAULT_HINT)
        return None, [Finding(path, line, col, "Y001", f"mkdocs.yml 不是合法的 YAML：{hint}")]
    except yaml.YAMLError:
        return None, [Finding(path, 1, 1, "Y001", f"mkdocs.yml 不是合法的 YAML：{_DEFAULT_HINT}")]
    if node is not None and not isinstance(node, yaml.MappingNode):
        return None, [Finding(path, 1, 1, "Y001", "mkdocs.yml 应由「键: 值」组成，例如 site_name: 运营知识库。")]
    return node, _duplicate_keys(node, path) if node is not None else []


def _duplicate_keys(node: yaml.Node, path: str) -> list[Finding]:
    findings: list[Finding] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        findings.append(Finding(path, line, key.start_mark.column + 1, "Y002",
                                                f"「{key.value}」在第 {seen[key.value]} 行已经出现过，后一个会覆盖前一个；请把两处合并为一处。"))
                    seen.setdefault(key.value, line)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return findings


# --------------------------------------------------------------------------- the settings


def _get(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def parse_config(text: str, path: str = CONFIG_FILE) -> SiteConfig:
    """Every finding about mkdocs.yml itself (Y001, Y002, N003) and what the site rules need."""
    root, findings = check_syntax(text, path)
    config = SiteConfig(findings=findings)
    if root is None:
        return config
    docs_dir = _get(root, "docs_dir")
    if isinstance(docs_dir, yaml.ScalarNode) and docs_dir.value:
        config.docs_dir = docs_dir.value.strip("/")
    not_in_nav = _get(root, "not_in_nav")
    if isinstance(not_in_nav, yaml.ScalarNode):
        config.not_in_nav = not_in_nav.value
    for key in ("extra_css", "extra_javascript"):
        node = _get(root, key)
        if isinstance(node, yaml.SequenceNode):
            config.assets |= {item.value for item in node.value if isinstance(item, yaml.ScalarNode)}
    theme = _get(root, "theme")
    for key in ("logo", "favicon"):
        node = _get(theme, key)
        if isinstance(node, yaml.ScalarNode) and node.value:
            config.assets.add(node.value)
    config.redirects = _redirects(_get(root, "plugins"))
    nav = _get(root, "nav")
    lines = text.split("\n")
    if nav is None:
        config.findings.append(Finding(path, 1, 1, "N003", "mkdocs.yml 没有 nav:（导航）；请按现有章节结构列出全部页面。"))
        return config
    config.nav_line = next(k.start_mark.line + 1 for k, v in root.value if v is nav)  # the `nav:` line
    if not isinstance(nav, yaml.SequenceNode):
        config.findings.append(Finding(path, config.nav_line, nav.start_mark.column + 1, "N003",
                                       "nav: 下面应是以「- 」开头的条目列表，每行一个「- 标题: 路径」。"))
        return config
    config.nav = _entries(nav, lines, path, config.findings, config.meant)
    return config


def _redirects(plugins: yaml.Node | None) -> list[tuple[str, str, int, int]]:
    """`redirect_maps` of the redirects plugin: (old page, target, line, col of the target)."""
    found: list[tuple[str, str, int, int]] = []
    items = plugins.value if isinstance(plugins, yaml.SequenceNode) else []
    for item in items:
        maps = _get(_get(item, "redirects"), "redirect_maps")
        if isinstance(maps, yaml.MappingNode):
            for key, value in maps.value:
                old = key.value if isinstance(key, yaml.ScalarNode) else ""
                new = value.value if isinstance(value, yaml.ScalarNode) else ""
                found.append((str(old), str(new), value.start_mark.line + 1, value.start_mark.column + 1))
    return found


# --------------------------------------------------------------------------- nav entries

_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
# Plain YAML only: a tag (`!!python/object/apply:…`, `!ENV`) in the nav could run code in MkDocs' loader.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "null", "bool", "int", "float")}


def _tagged(node: yaml.Node) -> yaml.Node | None:
    """The first node under `node` with an explicit, non-plain YAML tag."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag not in _PLAIN_TAGS:
            return current
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
    return None


def _entries(sequence: yaml.SequenceNode, lines: list[str], path: str, findings: list[Finding], meant: set[str]) -> list[NavEntry]:
    entries: list[NavEntry] = []
    for item in sequence.value:
        line, col = item.start_mark.line + 1, item.start_mark.column + 1
        text = lines[line - 1] if line <= len(lines) else ""
        indent = len(text) - len(text.lstrip(" "))

        def problem(message: str, at: yaml.Node = item) -> None:
            findings.append(Finding(path, at.start_mark.line + 1, at.start_mark.column + 1, "N003", message))

        def page_path(value: str, title: str | None, at: yaml.Node = item) -> str | None:
            return _page_path(value, title, lambda message: problem(message, at), meant)

        if (tagged := _tagged(item)) is not None:
            problem(f"导航条目中不能使用 YAML 标签（{tagged.tag}）；请只写「- 标题: 路径.md」。", tagged)
        elif isinstance(item, yaml.ScalarNode):
            if (page := page_path(item.value, None)) is not None:
                entries.append(NavEntry(None, page, line, col, indent))
        elif isinstance(item, yaml.MappingNode):
            if len(item.value) != 1:
                keys = "、".join(f"「{k.value}」" for k, _ in item.value if isinstance(k, yaml.ScalarNode))
                problem(f"这个条目写了 {len(item.value)} 对「标题: 路径」（{keys}）；每个条目单独一行，以「- 」开头。"
                        "常见原因是下一行漏写了「- 」，或者缩进没有对齐。")
                continue
            key, value = item.value[0]
            title = str(key.value) if isinstance(key, yaml.ScalarNode) else ""
            if isinstance(value, yaml.SequenceNode):
                entries.append(NavEntry(title, None, line, col, indent, tuple(_entries(value, lines, path, findings, meant))))
            elif isinstance(value, yaml.ScalarNode) and value.value not in ("", "~", "null") and value.tag.endswith(":str"):
                if (page := page_path(value.value, title, value)) is not None:
                    entries.append(NavEntry(title, page, line, value.start_mark.column + 1, indent))
            elif isinstance(value, yaml.MappingNode):
                problem(f"「{title}」下面的条目要写成列表：每行以「- 」开头，比「{title}」多缩进一级。", value)
            else:
                problem(f"「{title}」后面既没有页面路径，也没有缩进的子条目；请写成「- {title}: 路径.md」，"
                        "或者在下一行起多缩进一级列出这一组的页面。")
        else:
            problem("这一行不是导航条目；每个条目写作「- 标题: 路径.md」，分组写作「- 组名:」。")
    return entries


def _page_path(value: str, title: str | None, report: Callable[[str], None], meant: set[str]) -> str | None:
    """The docs-relative page a nav value names, or None after reporting why it is not one
    (adding to `meant` the page a malformed entry was meant to list)."""
    value = value.strip()
    shown = f"- {title}: {value}" if title is not None else f"- {value}"
    if title is None and "：" in value:
        name, _, target = value.partition("：")
        meant.add(target.strip())
        report(f"导航条目「{shown}」用了全角冒号「：」，整行会被当作文件名；请改为半角冒号加空格：- {name.strip()}: {target.strip()}")
        return None
    if title is None and (match := re.fullmatch(r"([^:]+):(\S.*)", value)) and not _URL.match(value):
        meant.add(match.group(2).strip())
        report(f"导航条目「{shown}」的冒号后面缺少空格，整行会被当作文件名；请写成：- {match.group(1).strip()}: {match.group(2)}")
        return None
    if _URL.match(value):
        report(f"导航只列本站的页面，不放网址（{value}）；外部链接请写在页面正文中。")
        return None
    fixed = value.replace("\\", "/").lstrip("/").removeprefix("docs/")
    fixed = posixpath.normpath(fixed) if fixed else fixed
    if not fixed.endswith(".md") or fixed.startswith("../"):
        report(f"导航条目「{shown}」不是页面路径；请写 docs/ 中某个 .md 文件相对于 docs/ 的路径，例如 modules/index.md。")
        return None
    if fixed != value:
        meant.add(fixed)
        example = f"- {title}: {fixed}" if title is not None else f"- {fixed}"
        report(f"导航中的路径相对于 docs/，用 / 分隔，不以 docs/ 或 / 开头；请改为「{example}」。")
        return None
    return value

