"""The last word on what a page may contain: its rendered HTML through an allowlist sanitiser.

The page rules (opskb.rules) read the Markdown with a different parser than the one that renders it,
so they can only give early, precise messages. What guarantees safety is this module: every page's
rendered content (Python-Markdown, its extensions, snippets, footnotes, term links, the lightbox)
goes through nh3 (ammonia, an HTML5 parser and sanitiser) with an explicit list of the tags,
attributes, values and URL schemes this site legitimately produces. The sanitiser's output is what
gets published; anything it had to remove is also an error that fails the build, naming the page
and, where it can be traced, the source line.

    safe, problems = clean(html)       # what the page publishes; [] for a clean page
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from opskb.rules import CALCULATORS

# --------------------------------------------------------------------------- the allowlist

# What Material's Markdown (Python-Markdown with toc, abbr, admonition, attr_list, def_list, footnotes,
# tables, pymdownx.details/highlight/superfences/snippets), the glossary, the term links, the
# calculators' placeholders and the lightbox produce. Nothing else.
TAGS = frozenset({
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul",
})
_COMMON = {"id", "class", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": set(_COMMON),
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "details": {"open"},
    "time": {"datetime"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}
# Attributes that only ever take these values (the lightbox's options, set by mkdocs-glightbox, and
# the calculators' names). The lightbox inserts `data-title`/`data-description` as HTML: never allowed.
ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "a": {"data-type": {"image"}, "data-width": {"auto"}, "data-height": {"auto"}, "data-desc-position": {"bottom"}},
    "div": {"data-calculator": set(CALCULATORS)},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_STYLE = re.compile(r"\s*text-align:\s*(?:left|right|center);?\s*")
_SIZE = re.compile(r"\d{1,5}(?:\.\d{1,4})?(?:px|%)?")
_ID = re.compile(r"[^\s\"'<>&`]{1,200}")
_CLASS = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]{0,80}")
# Classes that switch on behaviour or furniture of the theme or its plugins. Material's own `md-*`
# classes never come from a page, but for the button styles it offers pages; the lightbox's
# `glightbox` and the calculators' placeholder are checked where they are used (`_element_problems`).
_RESERVED_CLASS = re.compile(r"md-|glightbox|gslide|goverlay|gbtn|gclose|gnext|gprev|tabbed-|__")
MATERIAL_CONTENT_CLASSES = frozenset({"md-button", "md-button--primary"})  # Material's styles meant for pages


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """Values of allowed attributes, checked one by one (None removes the attribute)."""
    if name == "style":
        return value if _STYLE.fullmatch(value) else None
    if name in ("width", "height"):
        return value if _SIZE.fullmatch(value.strip()) else None
    if name == "id":
        return value if _ID.fullmatch(value) else None
    if name == "class":
        classes = value.split()
        return value if all(_CLASS.fullmatch(c) for c in classes) else None
    if name == "src":
        return value if _local(value) else None
    if name == "loading":
        return value if value in ("lazy", "eager") else None
    if name == "start":
        return value if value.isdigit() and len(value) < 7 else None
    if name == "open":
        return value if value in ("", "open") else None
    if name == "datetime":
        return value if re.fullmatch(r"[0-9T:+.Z-]{4,35}", value) else None
    if name.startswith("aria-"):
        return value if len(value) <= 300 else None
    return value


def _local(url: str) -> bool:
    """A relative reference to a file of this site: no scheme, no host, not from the root."""
    stripped = url.strip()
    if not stripped or any(ord(ch) < 33 for ch in stripped) or "\\" in stripped:
        return False
    parts = urlsplit(stripped)
    return not parts.scheme and not parts.netloc and not stripped.startswith("/")


def sanitize(html: str) -> str:
    """The page's HTML as the allowlist lets it through (what the site publishes)."""
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style", "template", "textarea", "title", "noscript", "xmp", "iframe",
                            "noembed", "noframes", "plaintext", "object", "embed", "svg", "math"},
        attributes=attributes,
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=None,
        tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()}
                              for tag, allowed in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
    )


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Problem:
    """Something the sanitiser removed or an element used out of place, with what to look for in the source."""

    message: str  # Chinese, says what and why
    needle: str  # text to find the source line by ("<svg", "onclick", a URL)


@dataclass(frozen=True)
class _Element:
    tag: str
    attrs: tuple[tuple[str, str], ...]


class _Events(HTMLParser):
    """Start tags with their attributes, and the text, as Python's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(_Element(tag, tuple((name, value or "") for name, value in attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _events(html: str) -> _Events:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WRAPPER_OPEN, _WRAPPER_CLOSE = "<html><head></head><body>", "</body></html>"


def unwrap(html: str) -> str:
    """mkdocs-glightbox re-serialises pages with a stray `<html><head></head><body>` around them (hooks
    after it may have added to either end); drop the wrapper, keep everything else."""
    start = html.find(_WRAPPER_OPEN)
    if start < 0 or html[:start].strip():
        return html
    end = html.find(_WRAPPER_CLOSE, start)
    if end < 0:
        return html
    return html[:start] + html[start + len(_WRAPPER_OPEN): end] + html[end + len(_WRAPPER_CLOSE):]


def check_html(html: str) -> list[Problem]:
    """What the sanitiser would remove from `html`, and elements used where they may not be."""
    return clean(html)[1]


def clean(html: str) -> tuple[str, list[Problem]]:
    """The sanitised HTML (what is published), and what the sanitiser had to remove from `html`.

    Both sides are read by the same tokenizer and compared element by element (tag and attributes,
    in order) and by their text; HTML that the HTML5 parser reads differently (comment tricks,
    `<img/src=…>`, mis-nested SVG) shows up as a difference too.
    """
    cleaned = sanitize(html)
    if cleaned == _COMMENT.sub("", html):
        # Nothing removed: the HTML5 parser read back exactly what was written (comments aside), so
        # only the use of allowed names needs looking at. The usual case, and four times faster.
        return cleaned, _element_problems(_events(cleaned).elements)
    before = _events(html)
    after = _events(cleaned)
    problems: list[Problem] = []
    kept = list(after.elements)
    position = 0
    for element in before.elements:
        match = _find(kept, position, element)
        if match is None:
            problems.append(_removed(element, kept[position] if position < len(kept) else None))
            continue
        position = match + 1
    if not problems:
        text_before = "".join("".join(before.text).split())
        text_after = "".join("".join(after.text).split())
        if text_before != text_after:
            problems.append(Problem(f"页面中有会被当作代码执行或被浏览器另行解析的内容（如 <script>、<style> 或注释技巧）；"
                                    f"清理后文字有出入：「{_first_difference(text_before, text_after)}」。请删除这段 HTML。", ""))
    problems.extend(_element_problems(after.elements))
    unique: list[Problem] = []
    for problem in problems:
        if problem not in unique:
            unique.append(problem)
    return cleaned, unique


def _find(elements: list[_Element], start: int, wanted: _Element) -> int | None:
    """Index of `wanted` (same tag and attributes) at or after `start`, looking a few elements ahead."""
    for index in range(start, min(len(elements), start + 3)):
        if elements[index] == wanted:
            return index
    return None


def _removed(element: _Element, counterpart: _Element | None) -> Problem:
    tag = element.tag
    if tag not in TAGS:
        return Problem(f"页面不允许使用 <{tag}> 标签，发布时会被删除（只允许 Markdown 生成的常见标签）；请改用 Markdown，或删除它。", f"<{tag}")
    kept = dict(counterpart.attrs) if counterpart is not None and counterpart.tag == tag else {}
    for name, value in element.attrs:
        if kept.get(name) == value:
            continue
        if name.startswith("on"):
            return Problem(f"<{tag}> 的属性 {name}= 会执行脚本；请删除它。", name)
        if name in ("href", "src"):
            return Problem(f"<{tag}> 的 {name}=「{_short(value)}」不是允许的地址（只允许本站的相对路径，链接可用 https、http、mailto；"
                           f"图片只能来自本站）；请改为普通链接或 img/ 中的图片。", value[:40] or name)
        if name == "style":
            return Problem(f"<{tag}> 的 style=「{_short(value)}」不允许（页面只能用表格对齐生成的样式）；请删除它。", "style")
        return Problem(f"<{tag}> 的属性 {name}=「{_short(value)}」不允许（属性只能写 id、class 和图片的 width、height）；请删除它。", name)
    return Problem(f"<{tag}> 在浏览器中的位置与写法不符（HTML 嵌套错误或未闭合）；请检查这段 HTML。", f"<{tag}")


def _element_problems(elements: Iterable[_Element]) -> list[Problem]:
    """Allowed tags and attributes used for something else: theme classes, the lightbox, ids."""
    problems = []
    for element in elements:
        attrs = dict(element.attrs)
        classes = attrs.get("class", "").split()
        for name in classes:
            if (_RESERVED_CLASS.match(name) and name not in MATERIAL_CONTENT_CLASSES
                    and not (name == "glightbox" and element.tag == "a")):
                problems.append(Problem(f"class「{name}」是主题或灯箱保留的类名，页面中不能使用；请换一个名称。", name))
        if element.tag == "a" and ("glightbox" in classes or any(n.startswith("data-") for n in attrs)):
            href = attrs.get("href", "")
            # GLightbox opens a video host's player or any other address in a frame: local files only
            # (an image it shows; anything else it would frame, which the policy's frame-src refuses).
            if not _local(href):
                problems.append(Problem(f"灯箱链接只能指向本站 img/ 中的图片，不能是「{_short(href)}」；请删除 class 或改为普通链接。", href[:40] or "glightbox"))
        if "data-calculator" in attrs and (element.tag != "div" or classes != ["opskb-calculator"] or len(attrs) != 2):
            problems.append(Problem("计算器占位符只能正好写成 <div class=\"opskb-calculator\" data-calculator=\"名称\"></div>。", "data-calculator"))
        ident = attrs.get("id", "")
        if ident.startswith("__") or ident in ("search", "top"):
            problems.append(Problem(f"id「{ident}」是主题保留的锚点；请换一个。", ident))
    return problems


def _short(text: str, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_difference(a: str, b: str) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return _short(a[index:index + 40])


# --------------------------------------------------------------------------- where in the source


def locate(source: str, needle: str) -> tuple[int, int] | None:
    """1-based (line, column) of the first line of the Markdown source containing `needle`."""
    if not needle:
        return None
    lowered = needle.lower()
    for number, line in enumerate(source.split("\n"), start=1):
        col = line.lower().find(lowered)
        if col >= 0:
            return number, col + 1
    return None


# --------------------------------------------------------------------------- front matter

# Keys a page's front matter may set, and what their values may be. Everything else (template,
# scripts, styles, anything a build hook sets for itself) is refused.
FRONT_MATTER_KEYS = ("title", "description", "hide", "search")
HIDE_VALUES = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})
_PLAIN = re.compile(r"[^<>\"`\x00-\x1f\x7f\u2028\u2029]*")
FRONT_MATTER_MAX = 300  # characters of one value


def front_matter_problems(meta: Mapping[object, object]) -> list[tuple[str, str]]:
    """(key, Chinese message) for each front matter entry that is not on the list or not a plain value."""
    problems: list[tuple[str, str]] = []
    allowed = "、".join(FRONT_MATTER_KEYS)
    for key, value in meta.items():
        name = str(key)
        if name not in FRONT_MATTER_KEYS:
            problems.append((name, f"页首元数据不允许「{_short(name)}」；只能写 {allowed}（构建钩子自己设置的项也不能由页面写）。"))
        elif name in ("title", "description"):
            if not isinstance(value, str) or not _PLAIN.fullmatch(value) or len(value) > FRONT_MATTER_MAX:
                problems.append((name, f"{name} 必须是一行不超过 {FRONT_MATTER_MAX} 字的纯文字，不含 < > \" ` 和换行；请改写。"))
        elif name == "hide":
            if not isinstance(value, list) or not all(isinstance(v, str) and v in HIDE_VALUES for v in value):
                problems.append((name, f"hide 是一个列表，只能包含 {'、'.join(sorted(HIDE_VALUES))}；请改写。"))
        elif name == "search":
            ok = isinstance(value, dict) and all(
                (k == "exclude" and isinstance(v, bool)) or (k == "boost" and isinstance(v, (int, float)) and not isinstance(v, bool))
                for k, v in value.items())
            if not ok:
                problems.append((name, "search 只能写 exclude: true/false 或 boost: 数字；请改写。"))
    return problems


def plain_title_problem(title: str) -> str | None:
    """Why a title (page, heading, navigation) cannot go into the theme's HTML as it is, if it cannot.

    Titles reach the navigation, the table of contents and <title> unescaped, so `<`, `>` and `"`
    would be markup there."""
    if re.search(r"[<>\"\x00-\x1f\x7f]", title):
        return "含有 < > \" 或控制字符，会原样进入网页代码；请去掉这些字符（要提到 HTML 标签，写在正文的行内代码里）。"
    return None
