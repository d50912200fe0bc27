"""The Content Security Policy every page carries, as the first element of its <head>.

GitHub Pages sets no headers, so the policy is a `<meta http-equiv="Content-Security-Policy">`.
Scripts run only from the site itself and from the inline scripts the theme, its plugins and
overrides/ write (by their SHA-256 hashes); no plugins, no <base>, no form targets, images and
fetches from the site only. WebAssembly compilation ('wasm-unsafe-eval') and workers from the site
stay allowed for the search engine.

The hashes are the union over the whole site: with instant navigation the first page's policy stays
in force while Material swaps in other pages and runs their scripts, so every page carries the same
list. Each page is written with a placeholder (`mark`) and the policy is filled in once every page
is known (`fill`). An inline script that is not one the theme writes stops the build (`unknown`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

PLACEHOLDER = "opskb-csp-pending"
META = '<meta http-equiv="Content-Security-Policy" content="{}">'
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta charset=\"utf-8\">", re.IGNORECASE)


def policy(script_hashes: Iterable[str]) -> str:
    hashes = " ".join(f"'sha256-{digest}'" for digest in sorted(set(script_hashes)))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'wasm-unsafe-eval'{' ' + hashes if hashes else ''}",
        "worker-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Material and the lightbox set style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@dataclass(frozen=True)
class InlineScript:
    attrs: tuple[tuple[str, str], ...]
    text: str

    @property
    def runs(self) -> bool:
        """Whether a browser executes it (a JSON data block such as Material's __config does not)."""
        kind = dict(self.attrs).get("type", "").strip().lower()
        return kind in ("", "module", "text/javascript", "application/javascript")


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[InlineScript] = []
        self._open: tuple[tuple[str, str], ...] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            pairs = tuple((name, value or "") for name, value in attrs)
            if not any(name == "src" for name, _ in pairs):
                self._open, self._text = pairs, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append(InlineScript(self._open, "".join(self._text)))
            self._open = None


def inline_scripts(html: str) -> list[InlineScript]:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser.found


# The inline scripts the theme and its plugins write, by the hash of their text with the page's
# base URL ("." / "../.." / "/" ...) written as ".". Material: the storage helpers in <head>, the
# palette, the tabbed-anchor fix; mkdocs-glightbox: its start-up call. overrides/ is the project's
# own: any inline script written verbatim in a template there is known as well. A theme update that
# changes one of these stops the build with the new value to check and put here.
KNOWN = frozenset({
    "apoQPHefCNWjxbCm+HzVDOAW4CSVWhY7VylQjgOFyfk=",  # Material: __md_scope, __md_get, __md_set
    "DrEMJJ29sL7vIloQzly+VUGMxKcBTMII+OfW7Y8AkG4=",  # Material: palette from local storage
    "/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8=",  # Material: checked tab from the location hash
    "ppMapdXPIFI2gP+LvBsEW2hyw1bDkoppemYWYJpzj/I=",  # mkdocs-glightbox: GLightbox(options)
})
_BASE = re.compile(r'new URL\("[\w./-]*",location\)')  # ".", "../..", "/" (404 page), "/site/"


def fingerprint(text: str) -> str:
    return sha256(_BASE.sub('new URL(".",location)', text))


def overrides_scripts(overrides: Path) -> set[str]:
    """Texts of the inline scripts written verbatim in the templates under overrides/."""
    found: set[str] = set()
    if overrides.is_dir():
        for template in sorted(overrides.rglob("*.html")):
            if template.is_file() and not template.is_symlink():
                found.update(script.text for script in inline_scripts(template.read_text(encoding="utf-8")))
    return found


def unknown(scripts: Iterable[InlineScript], own: set[str]) -> list[InlineScript]:
    """Inline scripts that are neither the theme's nor written in overrides/."""
    return [s for s in scripts if not (s.text in own or fingerprint(s.text) in KNOWN
                                       or (not s.runs and dict(s.attrs).get("id") == "__config"))]


def mark(html: str) -> str | None:
    """The page with the policy's placeholder at the top of <head> (after `<meta charset>`, which must
    stay within the first 1024 bytes), before anything that loads; None without a <head>."""
    head = _HEAD.search(html)
    if head is None:
        return None
    at = head.end()
    if charset := _CHARSET.match(html, at):
        at = charset.end()
    return html[:at] + META.format(PLACEHOLDER) + html[at:]


def fill(html: str, script_hashes: Iterable[str]) -> str:
    return html.replace(META.format(PLACEHOLDER), META.format(policy(script_hashes)), 1)


# --------------------------------------------------------------------------- what <head> may hold

HEAD_TAGS = frozenset({"meta", "link", "title", "script", "style"})
LINK_RELS = frozenset({"stylesheet", "icon", "prev", "next", "canonical", "alternate", "manifest", "preload", "modulepreload"})


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.done = True
        if not self.done and tag not in ("html", "head"):
            self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def head_problems(html: str) -> list[str]:
    """Chinese descriptions of what in the page's <head> is not what the theme writes: another tag,
    a second policy or a refresh, a stylesheet or script from another host (front matter or titles that
    broke out of their attribute would show up here)."""
    end = html.find("<body")
    parser = _Head()
    parser.feed(html[: end if end >= 0 else len(html)])
    problems: list[str] = []
    for tag, attrs in parser.tags:
        if tag not in HEAD_TAGS:
            problems.append(f"<head> 中出现了 <{tag}>")
        elif tag == "meta" and attrs.get("http-equiv", "").lower() not in ("", "content-security-policy"):
            problems.append(f"<head> 中出现了 <meta http-equiv=\"{attrs['http-equiv']}\">")
        elif tag == "link":
            rels = set(attrs.get("rel", "").lower().split())
            href = attrs.get("href", "")
            remote = bool(re.match(r"^\s*(?:[a-zA-Z][\w+.-]*:|//)", href))
            if not rels or not rels <= LINK_RELS or (remote and rels != {"canonical"} and rels != {"alternate"}):
                problems.append(f"<head> 中的 <link rel=\"{attrs.get('rel', '')}\" href=\"{href[:60]}\"> 不是主题写的")
        elif tag == "script" and re.match(r"^\s*(?:[a-zA-Z][\w+.-]*:|//)", attrs.get("src", "")):
            problems.append(f"<head> 中的脚本来自其他网站：{attrs['src'][:60]}")
    if sum(1 for tag, attrs in parser.tags if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy") > 1:
        problems.append("<head> 中有不止一条内容安全策略")
    return problems
