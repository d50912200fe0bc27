"""Sanitise every page as the last step, and give every page its Content Security Policy.

The logic lives in opskb.sanitize (allowlist, front matter) and opskb.csp (policy, inline scripts);
this hook feeds them each page and stops the build with Chinese `file:line:col` findings (rule S004).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from opskb import csp
from opskb.cli import emit
from opskb.rules import Finding
from opskb.sanitize import clean, front_matter_problems, locate, plain_title_problem, unwrap

_state: dict[str, Any] = {}
_command: dict[str, str] = {}  # survives the rebuilds of `mkdocs serve` (on_config clears _state)


def on_startup(command: str, dirty: bool) -> None:
    _command["name"] = command


def _path(page: Page, config: MkDocsConfig) -> str:
    root = Path(config.config_file_path).resolve().parent
    try:
        return Path(page.file.abs_src_path or "").resolve().relative_to(root).as_posix()
    except ValueError:
        return page.file.src_uri


def _source(page: Page) -> str:
    try:
        return Path(page.file.abs_src_path or "").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return page.markdown or ""


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    _state.clear()
    _state.update(findings=[], hashes=set(), own=csp.overrides_scripts(root / "overrides"))
    return config


@event_priority(-100)
def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Navigation titles reach every page's HTML as they are written: plain text only."""
    source = Path(config.config_file_path).read_text(encoding="utf-8", errors="replace")

    def walk(items: list[Any]) -> None:
        for item in items:
            if item.title and (problem := plain_title_problem(str(item.title))):
                line, col = locate(source, str(item.title)[:20]) or (1, 1)
                _state["findings"].append(Finding("mkdocs.yml", line, col, "S004", f"导航标题「{item.title}」{problem}"))
            walk(getattr(item, "children", None) or [])
    walk(nav.items)
    return nav


@event_priority(100)  # first: the page's own metadata, before hooks add theirs (scripts, glightbox)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    path = _path(page, config)
    source = _source(page)
    for key, message in front_matter_problems(page.meta):
        line, col = locate(source, f"{key}:") or (1, 1)
        _state["findings"].append(Finding(path, line, col, "S004", message))
    return markdown


@event_priority(-100)  # after every plugin and hook that changes the content (the lightbox, term links)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    html = unwrap(html)
    path = _path(page, config)
    source = _source(page)
    safe, problems = clean(html)
    for problem in problems:
        where = locate(source, problem.needle)
        suffix = "" if where else "（源文件中找不到对应的写法：可能来自 --8<-- 片段、术语数据或 Markdown 扩展的写法）"
        _state["findings"].append(Finding(path, *(where or (1, 1)), "S004", problem.message + suffix))
    titles = [("页面标题", page.title or "")] + [("标题", item.title) for item in _toc(page.toc)]
    for what, title in titles:
        if problem := plain_title_problem(title):
            line, col = locate(source, title[:20]) or (1, 1)
            _state["findings"].append(Finding(path, line, col, "S004", f"{what}「{title}」{problem}"))
    return safe


def _toc(items: Any) -> list[Any]:
    found = []
    for item in items or []:
        found.append(item)
        found.extend(_toc(item.children))
    return found


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """Every page is rendered by now: stop before any page is written if one had to be cleaned."""
    findings = sorted(set(_state.get("findings", [])))
    if findings:
        emit(findings)
        raise PluginError(f"安全检查发现 {len(findings)} 个问题（见上方以「文件:行:列」开头的各行，规则 S004）；"
                          "页面中只能出现 Markdown 生成的内容，修正后再构建。")
    return env


def _protect(output: str, where: str) -> str:
    scripts = csp.inline_scripts(output)
    strangers = csp.unknown(scripts, _state.get("own", set()))
    if strangers:
        text = " ".join(strangers[0].text.split())[:80]
        raise PluginError(f"{where} 含有不认识的内联脚本「{text}」（指纹 {csp.fingerprint(strangers[0].text)}）："
                          "页面内容中不能有脚本；若是主题升级带来的，请核对后把指纹加入 opskb/csp.py 的 KNOWN。")
    _state["hashes"].update(csp.sha256(s.text) for s in scripts if s.runs)
    if head := csp.head_problems(output):
        raise PluginError(f"{where}：{head[0]}；页首元数据或标题中的字符可能改变了网页结构，请检查这一页的 title、description 和标题。")
    marked = csp.mark(output)
    if marked is None:
        raise PluginError(f"{where} 没有 <head>，无法加入内容安全策略；请检查 overrides/ 中的模板。")
    return marked


@event_priority(-100)  # after mkdocs-glightbox has added its start-up script
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _protect(output, _path(page, config))


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return _protect(output_content, template_name) if template_name.endswith(".html") else output_content


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    """Every page known: the same policy, with every inline script's hash, on every page.

    Not in the local preview (`mkdocs serve`): its live reload is an inline script the server adds to
    every page as it sends it, which the policy would block. Everything else is checked all the same."""
    preview = _command.get("name") == "serve"
    for page in sorted(Path(config.site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if csp.PLACEHOLDER in text:
            filled = text.replace(csp.META.format(csp.PLACEHOLDER), "", 1) if preview else csp.fill(text, _state.get("hashes", set()))
            page.write_text(filled, encoding="utf-8")
