"""Page and image rules of the knowledge base.

Every rule is a plain function over text (a page's Markdown, an image's bytes) that returns
findings. The MkDocs hook and the command line both call `check_site`, so a contributor sees the
same messages in `mkdocs build`, in pre-commit and on the pull request.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pymdownx.slugs import slugify as _pymdownx_slugify

Severity = Literal["error", "warning"]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: 10× faster


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    rule: str
    message: str

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def format(self) -> str:
        level = "错误" if self.severity == "error" else "警告"
        return f"{self.path}:{self.line}:{self.col}: {level} {self.rule} {self.message}"

    def github(self) -> str:
        # Workflow commands: newlines and % must be escaped or the annotation is cut short.
        msg = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        kind = "error" if self.severity == "error" else "warning"
        return f"::{kind} file={self.path},line={self.line},col={self.col},title={self.rule}::{msg}"


_RULE_LIST = [
    Rule("F001", "error", "文件无法按 UTF-8 文本读取"),
    Rule("F002", "error", "页首元数据（front matter）格式错误"),
    Rule("F003", "error", "引用的文件片段不存在"),
    Rule("H001", "error", "页面没有一级标题"),
    Rule("H002", "error", "页面有多个一级标题"),
    Rule("H003", "error", "第一个标题不是一级标题"),
    Rule("H004", "error", "标题跳级"),
    Rule("H005", "error", "标题层级过深"),
    Rule("H006", "error", "标题为空或只有符号"),
    Rule("H007", "error", "标题含手写编号"),
    Rule("H008", "error", "同页标题锚点重复"),
    Rule("H009", "error", "空章节"),
    Rule("H010", "error", "标题含装饰符号"),
    Rule("I001", "error", "图片文件不存在"),
    Rule("I002", "error", "图片路径不在顶层 img/ 目录"),
    Rule("I003", "error", "外部或内嵌图片"),
    Rule("I004", "error", "图片缺少替代文字"),
    Rule("I005", "error", "图片格式不允许"),
    Rule("I006", "error", "图片文件过大"),
    Rule("I007", "error", "img/ 中的符号链接指向仓库外"),
    Rule("I008", "warning", "图片未被任何页面使用"),
    Rule("I009", "error", "SVG 含脚本或外部引用"),
    Rule("S001", "error", "页面含危险 HTML 标签"),
    Rule("S002", "error", "HTML 含事件处理属性"),
    Rule("S003", "error", "javascript: 链接"),
    Rule("G001", "error", "术语数据文件无法读取或不是合法的 YAML"),
    Rule("G002", "error", "术语数据结构错误"),
    Rule("G003", "error", "术语缺少必填字段或字段类型错误"),
    Rule("G004", "error", "术语有未知字段"),
    Rule("G005", "error", "术语文字跨行或含尖括号"),
    Rule("G006", "error", "术语 id 格式错误"),
    Rule("G007", "error", "术语的分组不存在"),
    Rule("G008", "error", "术语的详解链接格式错误"),
    Rule("G009", "error", "术语 id、名称、缩写或别称重复"),
    Rule("G010", "error", "术语的详解页面或锚点不存在"),
    Rule("G011", "error", "页面自行定义缩写"),
    Rule("G012", "error", "页面公式与术语表口径不一致"),
    Rule("G013", "error", "术语表公式无法解析或左边不是该术语"),
    Rule("G014", "error", "术语表页面缺少生成位置标记"),
    Rule("K001", "error", "未知的计算器"),
    Rule("K002", "error", "计算器占位符写法不对"),
]
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}

IMAGE_FORMATS = frozenset({".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"})
IMAGE_MAX_BYTES = 500 * 1024
MAX_HEADING_LEVEL = 4
# The 工具 chapter's calculators: a page embeds one with exactly this line (hooks/calculators.py loads
# overrides/assets/javascripts/tools/NAME.js for it).
CALCULATORS = ("rfm", "ltv", "cohort", "ab-test")
CALCULATOR_PLACEHOLDER = '<div class="opskb-calculator" data-calculator="{}"></div>'
UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "form", "frame", "frameset", "base"})

# Inline parsing is half the cost of a page; `_inline_tokens` runs it only where a rule can look.
# Tables need no rule of their own (as paragraphs they are content all the same), and the table
# rule, tried on every line, costs a fifth of the parse.
_md = MarkdownIt("commonmark", {"html": True}).disable("inline")
# Python-Markdown renders javascript: links that markdown-it would silently drop: keep them to flag.
_md.validateLink = lambda url: True
_HAND_NUMBERING = re.compile(
    r"""^(?:
        \d+(?:[.．]\d+)*\s*[.．、)）]        # 1.  1.1.  1、  1)
      | \d+(?:[.．]\d+)+(?=\s|[^\d.．])    # 1.1 标题
      | [（(]\s*[\d一二三四五六七八九十]+\s*[)）]   # （1） (一)
      | [一二三四五六七八九十百]+\s*[、.．]        # 二、
      | 第\s*[\d一二三四五六七八九十百]+\s*[章节部篇条步讲课]   # 第 3 章
      | (?:step|part|chapter|section)\s*\d+     # Step 1
      | [\u2460-\u2473\u2776-\u277f]           # ① ❶
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w\-\u00a0-\uffff]+)[^}]*\}\s*$")
_CONTAINER_OPENER = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?|===)\s")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
# Python-Markdown's abbr syntax: `*[LTV]: …` defines a tooltip for the page (G011: terms.yml does).
_ABBR_DEFINITION = re.compile(r"^\s*\*\[[^\]]+\]\s*:")
# pymdownx.snippets: `--8<-- "examples/rfm.py"` pulls a file (relative to the repository root) in.
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])([^"']+)\1""")


def default_slugify(text: str) -> str:
    """The site's heading ids (mkdocs.yml: pymdownx.slugs.slugify, case lower)."""
    return _pymdownx_slugify(case="lower")(text, "-")


@dataclass(frozen=True)
class ImageRef:
    """An image a page uses, resolved to a path relative to the repository root."""

    path: str


@dataclass
class PageResult:
    findings: list[Finding]
    images: list[ImageRef]


# --------------------------------------------------------------------------- reading


def decode(data: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """Bytes of a page to text, or a finding saying why it cannot be read."""
    if b"\x00" in data:
        return None, [Finding(path, 1, 1, "F001", "文件含二进制内容（NUL 字节），不是 Markdown 文本；请检查是否误存了图片或文档。")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Finding(path, line, 1, "F001", "文件不是 UTF-8 编码；请在编辑器中以 UTF-8 重新保存。")]


def _split_front_matter(text: str, path: str) -> tuple[str, list[Finding]]:
    """Blank out YAML front matter (keeping line numbers) and check that it parses."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return text, []
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return text, [Finding(path, 1, 1, "F002", "页首元数据以 --- 开始却没有结束的 ---；请在元数据后补一行 ---。")]
    source = "\n".join(lines[1:end])
    body = "\n" * end + "\n" + "\n".join(lines[end + 1 :])  # blanked even when broken: no phantom headings
    try:
        meta = yaml.load(source, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        try:  # rare: ask the pure-Python parser, whose marks point at the offending line
            yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = (mark.line + 2) if mark is not None else 1
            return body, [Finding(path, line, 1, "F002", "页首元数据不是合法的 YAML；请检查冒号、引号和缩进。")]
        meta = None
    if meta is not None and not isinstance(meta, dict):
        return body, [Finding(path, 2, 1, "F002", "页首元数据应是「键: 值」形式，例如 description: 一句话简介。")]
    return body, []


def _dedent_containers(text: str) -> tuple[str, list[int]]:
    """Unindent admonition/details/tab bodies so they parse as the Markdown they render as.

    Python-Markdown renders the 4-space-indented body of `!!! note` as Markdown, whereas
    CommonMark would see an indented code block and hide its images from the rules. Returns the
    new text and, for each line, how many columns were removed (to report true columns).
    """
    out: list[str] = []
    shifts: list[int] = []
    stack: list[int] = []  # indents of open containers
    fence: tuple[str, int] | None = None
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped and fence is None:
            while stack and indent < stack[-1] + 4:
                stack.pop()
        shift = min(4 * len(stack), indent) if stripped else 0
        body = line[shift:]
        out.append(body)
        shifts.append(shift)
        fence_match = _FENCE.match(body)
        if fence is not None:
            if fence_match and fence_match.group(2)[0] == fence[0][0] and len(fence_match.group(2)) >= len(fence[0]):
                fence = None
        elif fence_match:
            fence = (fence_match.group(2), indent)
        elif _CONTAINER_OPENER.match(body):
            stack.append(indent)
    return "\n".join(out), shifts


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class _Heading:
    level: int
    line: int
    col: int
    text: str
    anchor: str


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _is_decoration(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk", "Co") or char in "➤►▶▸◆◇★☆●○■□▲△※"


def check_headings(
    headings: list[_Heading], content_after: list[bool], path: str
) -> list[Finding]:
    findings: list[Finding] = []
    h1s = [h for h in headings if h.level == 1]
    if not headings or not h1s:
        findings.append(Finding(path, 1, 1, "H001", "页面没有一级标题；请在第一行写「# 页面标题」。"))
    elif headings[0].level != 1:
        first = headings[0]
        findings.append(Finding(path, first.line, first.col, "H003", f"第一个标题是 {first.level} 级；页面应以一级标题「# 页面标题」开头。"))
    for extra in h1s[1:]:
        findings.append(Finding(path, extra.line, extra.col, "H002", "一页只能有一个一级标题；请把它改为「## 」二级标题，或拆成新页面。"))
    seen: dict[str, int] = {}
    previous = 0
    for index, h in enumerate(headings):
        bare = h.text.strip()
        if not any(ch.isalnum() for ch in bare):
            findings.append(Finding(path, h.line, h.col, "H006", "标题为空或只有符号；请写出这一节讲什么。"))
        else:
            if _HAND_NUMBERING.match(bare):
                findings.append(Finding(path, h.line, h.col, "H007", f"标题「{bare}」含手写编号；请删去编号，顺序由导航和标题层级决定。"))
            if any(_is_decoration(ch) for ch in bare):
                findings.append(Finding(path, h.line, h.col, "H010", f"标题「{bare}」含装饰符号；请只保留文字。"))
        if previous and h.level > previous + 1:
            findings.append(Finding(path, h.line, h.col, "H004", f"标题从 {previous} 级跳到 {h.level} 级；请改为 {previous + 1} 级（{'#' * (previous + 1)} ）。"))
        if h.level > MAX_HEADING_LEVEL:
            findings.append(Finding(path, h.line, h.col, "H005", f"{h.level} 级标题过深；最多用到 {MAX_HEADING_LEVEL} 级，请合并或拆分章节。"))
        if h.anchor and h.anchor in seen:
            findings.append(Finding(path, h.line, h.col, "H008", f"标题锚点「#{h.anchor}」与第 {seen[h.anchor]} 行的标题重复；请改写其中一个标题。"))
        seen.setdefault(h.anchor, h.line)
        following = headings[index + 1] if index + 1 < len(headings) else None
        if not content_after[index] and (following is None or following.level <= h.level):
            findings.append(Finding(path, h.line, h.col, "H009", "这一节没有内容；请补写正文，或删去这个标题。"))
        previous = h.level
    return findings


# --------------------------------------------------------------------------- html safety


class _HtmlScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))


def _scan_html(html: str) -> list[tuple[str, list[tuple[str, str | None]], int]]:
    parser = _HtmlScan()
    parser.feed(html)
    parser.close()
    return parser.tags


def _is_javascript_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) > 31).lower()
    return cleaned.startswith(("javascript:", "vbscript:"))


# --------------------------------------------------------------------------- images


def resolve_image(src: str, page_path: str) -> tuple[str | None, str | None, str | None]:
    """Resolve an image `src` used on `page_path` (both relative to the repository root).

    Returns (rule id, message) for a bad reference, or the repository path of the image.
    """
    url = src.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") or url.startswith("//"):
        return None, "I003", f"远程图片 {url}：中国大陆与离线读者可能无法加载；请把文件存入 img/ 并用相对路径引用。"
    if parts.scheme.lower() == "data":
        return None, "I003", "内嵌的 data: 图片无法复用和审阅；请把文件存入 img/ 并用相对路径引用。"
    if _is_javascript_url(url):
        return None, "S003", "图片地址是 javascript: 链接；请删除。"
    if parts.scheme or parts.netloc:
        return None, "I003", f"图片地址 {url} 不是仓库内的相对路径；请把文件存入 img/ 并用相对路径引用。"
    target = unquote(parts.path)
    if not target:
        return None, "I001", "图片地址为空；请填写 img/ 中的文件路径。"
    depth = page_path.count("/")
    hint = "../" * depth + "img/文件名"
    if target.startswith(("/", "\\")):
        return None, "I002", f"图片用了绝对路径 {target}；请改为相对路径，例如 {hint}。"
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))
    if resolved == ".." or resolved.startswith("../"):
        return None, "I002", f"图片路径 {target} 指向仓库之外；请把文件存入 img/，并写作 {hint}。"
    if not resolved.startswith("img/"):
        return None, "I002", f"图片路径 {target} 指向 {resolved}，不在顶层 img/ 目录；请把文件移入 img/，并写作 {hint}。"
    return resolved, None, None


def _missing_image_message(resolved: str, images: Iterable[str]) -> str:
    names = list(images)
    same_but_case = [name for name in names if name.lower() == resolved.lower()]
    if same_but_case:
        return f"找不到 {resolved}：文件名大小写不符，实际文件是 {same_but_case[0]}（Linux 上区分大小写）。"
    close = difflib.get_close_matches(resolved, names, n=1, cutoff=0.6)
    tip = f"是否想用 {close[0]}？" if close else "请把图片文件放入 img/，或修正路径。"
    return f"找不到图片 {resolved}；{tip}"


def _alt_problem(alt: str, src: str) -> str | None:
    text = alt.strip()
    if not text:
        return "图片缺少替代文字；请在 ![ ] 中用一句话描述图片内容，供读屏软件和加载失败时显示。"
    name = posixpath.basename(unquote(urlsplit(src).path))
    if text in (name, posixpath.splitext(name)[0]):
        return f"替代文字「{text}」只是文件名；请描述图片内容。"
    return None


# --------------------------------------------------------------------------- pages


def _locate(lines: list[str], start: int, end: int, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` within lines[start:end]; the block start if absent."""
    for number in range(start, min(end, len(lines))):
        col = lines[number].find(needle) if needle else -1
        if col >= 0:
            return number + 1, col + 1
    return start + 1, 1


def check_page(
    text: str,
    path: str,
    images: Iterable[str] = (),
    slugify: Callable[[str], str] = default_slugify,
    exists: Callable[[str], bool] = lambda path: True,
) -> PageResult:
    """All page rules for one Markdown page.

    `path` is the page's path relative to the repository root (e.g. docs/modules/rfm.md);
    `images` are the files under img/ as repository paths (e.g. img/rfm-segments.svg);
    `exists` tells whether a repository path is a file (for snippet includes).
    """
    image_set = set(images)
    body, findings = _split_front_matter(text, path)
    body, shifts = _dedent_containers(body)
    lines = body.split("\n")
    tokens = _inline_tokens(body)
    headings: list[_Heading] = []
    content_after: list[bool] = []
    used: list[ImageRef] = []

    def col_of(line_no: int, col: int) -> int:
        return col + (shifts[line_no - 1] if 0 < line_no <= len(shifts) else 0)

    def image(src: str, alt: str | None, line_no: int, col: int) -> None:
        resolved, rule, message = resolve_image(src, path)
        where = (line_no, col_of(line_no, col))
        if rule and message:
            findings.append(Finding(path, *where, rule, message))
        elif resolved is not None:
            used.append(ImageRef(resolved))
            if resolved not in image_set:
                findings.append(Finding(path, *where, "I001", _missing_image_message(resolved, image_set)))
        if alt is not None and (problem := _alt_problem(alt, src)):
            findings.append(Finding(path, *where, "I004", problem))

    def calculator(attrs: list[tuple[str, str | None]], line_no: int, col: int, block: bool) -> None:
        values = dict(attrs)
        name = values.get("data-calculator") or ""
        where = (line_no, col_of(line_no, col))
        if name not in CALCULATORS:
            known = "、".join(CALCULATORS)
            findings.append(Finding(path, *where, "K001", f"没有名为「{name}」的计算器；data-calculator 只能是 {known} 之一。"))
            return
        exact = CALCULATOR_PLACEHOLDER.format(name)
        # Top level only: Python-Markdown passes raw HTML through there, not inside an admonition.
        alone = block and lines[line_no - 1] == exact and not shifts[line_no - 1]
        spaced = all(not (0 <= n < len(lines)) or not lines[n].strip() for n in (line_no - 2, line_no))
        if not (alone and spaced):
            findings.append(Finding(path, *where, "K002", f"计算器占位符要单独占一行、前后各空一行，并且正好写成 {exact}（顶格，不放进提示框，不加其他属性或内容）。"))

    def html(fragment: str, first_line: int, block: bool = False) -> None:
        for tag, attrs, offset in _scan_html(fragment):
            line_no = first_line + offset - 1
            snippet = f"<{tag}"
            line_no, col = _locate(lines, line_no - 1, line_no + fragment.count("\n"), snippet)
            where = (line_no, col_of(line_no, col))
            if tag in UNSAFE_TAGS:
                findings.append(Finding(path, *where, "S001", f"页面不允许使用 <{tag}> 标签（安全原因）；请改用 Markdown，或删除它。"))
            for name, value in attrs:
                if name.startswith("on"):
                    findings.append(Finding(path, *where, "S002", f"HTML 属性 {name}= 会执行脚本；请删除它。"))
                elif value and name in ("href", "src", "action", "formaction", "xlink:href", "data") and _is_javascript_url(value):
                    findings.append(Finding(path, *where, "S003", f"{name}= 使用了 javascript: 地址；请改为普通链接。"))
            if tag == "img":
                values = dict(attrs)
                image(values.get("src") or "", values.get("alt") or "", line_no, col)
            classes = (dict(attrs).get("class") or "").split()
            if "opskb-calculator" in classes or any(name == "data-calculator" for name, _ in attrs):
                calculator(attrs, line_no, col, block)

    def mark_content() -> None:
        if content_after:
            content_after[-1] = True

    for index, token in enumerate(tokens):
        start, end = token.map if token.map else (0, 1)
        if token.type == "heading_open":
            raw = _inline_text(tokens[index + 1])
            custom = _ATTR_ID.search(raw)
            title = _ATTR_ID.sub("", raw) if custom else raw
            anchor = custom.group(1) if custom else slugify(title)
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            headings.append(_Heading(int(token.tag[1:]), start + 1, col_of(start + 1, indent + 1), title, anchor))
            content_after.append(False)
        elif token.type == "html_block":
            html(token.content, start + 1, block=True)
            if not _only_comments(token.content):
                mark_content()
        elif token.type == "inline":
            for offset, text_line in enumerate(token.content.split("\n")):
                if _ABBR_DEFINITION.match(text_line):
                    line_no = start + 1 + offset
                    findings.append(Finding(path, line_no, col_of(line_no, 1), "G011", "缩写的释义只写在 includes/terms.yml 中（全站的悬停提示由它生成）；请删去这一行，把释义加入或改进术语数据。"))
            for child in token.children or []:
                if child.type == "image":
                    src = str(child.attrs.get("src", ""))
                    alt = "".join(c.content for c in child.children or [])
                    line_no, col = _locate(lines, start, end, src or f"![{alt}")
                    col = lines[line_no - 1].rfind("![", 0, col) + 1 or col  # point at the image, not its src
                    image(src, alt, line_no, col)
                elif child.type == "link_open" and _is_javascript_url(str(child.attrs.get("href", ""))):
                    line_no, col = _locate(lines, start, end, "javascript:")
                    findings.append(Finding(path, line_no, col_of(line_no, col), "S003", "链接使用了 javascript: 地址；请改为普通链接。"))
                elif child.type == "html_inline":
                    line_no, _ = _locate(lines, start, end, child.content)
                    html(child.content, line_no)
        elif token.nesting >= 0:
            mark_content()

    for number, line in enumerate(lines, start=1):
        if (match := _SNIPPET.match(line)) and not _snippet_ok(match.group(2), exists):
            findings.append(Finding(path, number, col_of(number, match.start(2) + 1), "F003", f"找不到要嵌入的文件 {match.group(2)}（路径相对于仓库根目录）；请修正路径或补上文件。"))
    findings.extend(check_headings(headings, content_after, path))
    return PageResult(sorted(set(findings)), used)


def page_headings(text: str, slugify: Callable[[str], str] = default_slugify) -> list[tuple[int, str, str]]:
    """(level, title, anchor) of every heading of a page's Markdown, with the ids the site gives them."""
    body, _findings = _split_front_matter(text, "")
    tokens = _inline_tokens(_dedent_containers(body)[0])
    found: list[tuple[int, str, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            raw = _inline_text(tokens[index + 1])
            custom = _ATTR_ID.search(raw)
            title = (_ATTR_ID.sub("", raw) if custom else raw).strip()
            found.append((int(token.tag[1:]), title, custom.group(1) if custom else slugify(title)))
    return found


def _inline_tokens(body: str) -> list[Token]:
    """Block tokens, with inline children for headings and for text that may hold an image, a link
    or HTML (`[`, `<`, or an entity that could spell either)."""
    env: dict[str, object] = {}
    tokens = _md.parse(body, env)
    for index, token in enumerate(tokens):
        if token.type == "inline" and (tokens[index - 1].type == "heading_open" or any(c in token.content for c in "[<&")):
            token.children = []
            _md.inline.parse(token.content, _md, env, token.children)
    return tokens


def _snippet_ok(target: str, exists: Callable[[str], bool]) -> bool:
    normalized = posixpath.normpath(re.sub(r"(:-?\d*)+$", "", target))  # drop a line range like :10:20
    return not normalized.startswith(("../", "/")) and exists(normalized)


def _only_comments(html: str) -> bool:
    return not re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL).strip()


# --------------------------------------------------------------------------- image files


def check_image_file(path: str, data: bytes, *, symlink_outside: bool = False) -> list[Finding]:
    """Rules for one file under img/ (path relative to the repository root)."""
    if symlink_outside:
        return [Finding(path, 1, 1, "I007", "这是指向仓库外的符号链接，不能发布；请把真实文件复制进 img/。")]
    findings: list[Finding] = []
    ext = posixpath.splitext(path)[1].lower()
    if ext not in IMAGE_FORMATS:
        allowed = "、".join(sorted(IMAGE_FORMATS))
        findings.append(Finding(path, 1, 1, "I005", f"不支持的图片格式 {ext or '（无扩展名）'}；请转换为 {allowed} 之一。"))
    if len(data) > IMAGE_MAX_BYTES:
        findings.append(Finding(path, 1, 1, "I006", f"图片 {len(data) // 1024} KB，超过每张 {IMAGE_MAX_BYTES // 1024} KB 的上限；请压缩（如转 WebP、缩小尺寸）后再提交。"))
    if ext == ".svg":
        findings.extend(_check_svg(path, data))
    return findings


def _check_svg(path: str, data: bytes) -> list[Finding]:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return [Finding(path, 1, 1, "I009", "SVG 不是合法的 XML；请用编辑器重新导出。")]
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignobject"):
            return [Finding(path, 1, 1, "I009", f"SVG 含 <{tag}>，打开图片时会执行代码；请删除后再提交。")]
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return [Finding(path, 1, 1, "I009", f"SVG 含事件属性 {local}=；请删除。")]
            if local == "href" and (urlsplit(value).scheme or value.startswith("//")):
                return [Finding(path, 1, 1, "I009", f"SVG 引用了外部资源 {value}；请把内容画进 SVG 本身。")]
        if tag == "style" and element.text and ("@import" in element.text or "url(http" in element.text):
            return [Finding(path, 1, 1, "I009", "SVG 的样式从外部加载资源（@import 或远程 url()）；请删除。")]
    return []


def check_unused_images(images: Iterable[str], used: Iterable[ImageRef]) -> list[Finding]:
    referenced = {ref.path for ref in used}
    return [
        Finding(name, 1, 1, "I008", "没有页面使用这张图片；请在页面中引用它，或删除文件。")
        for name in sorted(set(images) - referenced)
    ]


def check_pages(
    pages: Mapping[str, bytes],
    images: Mapping[str, tuple[bytes, bool]],
    exists: Callable[[str], bool] = lambda path: True,
) -> list[Finding]:
    """Every rule over a whole site: pages (path → bytes) and img/ files (path → bytes, symlink-outside)."""
    findings: list[Finding] = []
    used: list[ImageRef] = []
    for name, (data, outside) in images.items():
        findings.extend(check_image_file(name, data, symlink_outside=outside))
    for path, data in pages.items():
        text, problems = decode(data, path)
        findings.extend(problems)
        if text is not None:
            result = check_page(text, path, images.keys(), exists=exists)
            findings.extend(result.findings)
            used.extend(result.images)
    findings.extend(check_unused_images(images.keys(), used))
    return sorted(set(findings))
