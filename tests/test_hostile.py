"""Hostile pull requests: every input is applied to a copy of the site and built end to end.

Each input either fails the build in Chinese naming its file, or builds and, opened in headless
Chromium, shows no dialog, runs no script, asks no other host for anything, and publishes no file of
the build machine. Harmless look-alikes still build. Inputs that do not interact are batched into
one copy (three builds in all), but each is judged on its own: its own file named, its own page opened.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, Build, mkdocs_build, open_tab
from opskb.reader_bench import serve

CANARY = "opskb-canary-7f3a"  # an environment variable of the build; must never reach the site
PAYLOAD = "window.__pwned=1;alert(1)"
_IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".site-*", "test-artifacts", ".*cache*", "__pycache__")
SKIP = "N001,N005,N006,T001,E"  # pages outside the nav and index: not what these builds are about


@dataclass(frozen=True)
class Hostile:
    name: str  # also the file: docs/NAME.md for a page
    text: str = ""  # a page's Markdown
    path: str = ""  # another file (relative to the repository root) instead of a page
    data: bytes = b""
    link: str = ""  # make `path` a symlink to this target
    redirect: str = ""  # a redirect_maps entry `old.md: TARGET` in mkdocs.yml
    nav_title: str = ""  # a nav entry with this title (for the page `text`)
    term: str = ""  # a term appended to includes/terms.yml (YAML lines)


def page(name: str, body: str, front: str = "") -> Hostile:
    head = f"---\n{front}---\n\n" if front else ""
    return Hostile(name, f"{head}# 测试页面\n\n正文。\n\n{body}\n")


HOST = "https://evil.example"
# Found by the page rules and the site rules before anything is rendered.
BY_RULES = [
    page("script-tag", "<script>" + PAYLOAD + "</script>"),
    page("img-onerror", '<img src="../img/rfm-segments.svg" alt="图" onerror="' + PAYLOAD + '">'),
    page("js-link", "[点我](javascript:alert(1))"),
    page("iframe", f'<iframe src="{HOST}"></iframe>'),
    page("object", f'<object data="{HOST}/x.swf"></object>'),
    page("embed", f'<embed src="{HOST}/x.swf">'),
    page("form", f'<form action="{HOST}"><input name="q"></form>'),
    page("base-tag", f'<base href="{HOST}/">'),
    page("remote-image", f"![图]({HOST}/x.png)"),
    page("data-image", "![图](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)"),
    page("attr-onclick", "正文。\n{: onclick=\"" + PAYLOAD + "\" }"),
    page("attr-href", "[链接](index.md){: href=\"javascript:alert(1)\" }"),
    page("attr-style", "正文。\n{: style=\"background:url(" + HOST + "/x)\" }"),
    page("lightbox-caption", '![图](../img/rfm-segments.svg){: data-title="<img src=x onerror=alert(1)>" }'),
    page("lightbox-description", '![图](../img/rfm-segments.svg){: data-description="<img src=x onerror=alert(1)>" }'),
    page("front-template", "正文。", front="template: ../../../../etc/passwd\n"),
    page("front-scripts", "正文。", front="scripts: [\"" + HOST + "/x.js\"]\n"),
    page("front-styles", "正文。", front="styles: [\"" + HOST + "/x.css\"]\n"),
    page("front-calculator", "正文。", front="glightbox: true\n"),
    page("front-title-break", "正文。", front="title: '\"><script>alert(1)</script>'\n"),
    page("front-description-break", "正文。", front="description: '\"><img src=x onerror=alert(1)>'\n"),
    Hostile("front-multimarkdown", "template: ../../../../etc/passwd\n\n# 测试页面\n\n正文。\n"),
    page("snippet-passwd", '--8<-- "/etc/passwd"'),
    page("snippet-environ", '--8<-- "../../../../proc/self/environ"'),
    page("snippet-git", '--8<-- "../.git/config"'),
    page("snippet-config", '--8<-- "../mkdocs.yml"'),
    page("snippet-block", "--8<--\n/etc/hostname\n--8<--"),
    page("snippet-url", f'--8<-- "{HOST}/x.md"'),
    page("snippet-missing-block", "--8<--\nno-such-file.md\n--8<--"),
    page("deep-list", "\n".join("  " * n + "- 项" for n in range(2000))),
    page("svg-style-mutation", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
    page("footnote-html", "正文[^1]。\n\n[^1]: 注释 <img src=x onerror=alert(1)>"),
    page("admonition-html", '!!! note "提示"\n\n    <details open ontoggle=alert(1)><summary>x</summary></details>'),
    page("svg-inline", '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'),
    page("math-inline", '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'),
    page("link-space", "[点](<javascript:alert(1)>)"),
    page("vbscript-link", '<a href="vbscript:msgbox(1)">点</a>'),
    page("reference-next-line", "[点][r]\n\n[r]:\n  javascript:alert(1)"),
    page("deep-quote", ">" * 5000 + " 引用"),
    page("deep-quote-short", ">" * 100 + " 引用"),
    page("deep-list-one-line", "- " * 200 + "项"),
    page("long-line", "长" * 1_300_000),
    page("bracket-flood", "\n".join(["[" * 150] * 20)),
    page("tag-flood", "\n\n".join(["<a" * 1500] * 2)),
    page("long-heading-id", "## 标题 {#" + "a" * 200_000),
    Hostile("html-page", path="docs/evil.html", data=b"<script>alert(1)</script>"),
    Hostile("svg-in-docs", path="docs/assets/evil.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    Hostile("theme-bundle", path="docs/assets/javascripts/bundle.f00d.min.js", data=b"alert(1)"),
    Hostile("theme-stylesheet", path="docs/assets/stylesheets/main.f00d.min.css", data=b"body{}"),
    Hostile("search-worker", path="docs/search/search_index.json", data=b"{}"),
    Hostile("docs-js", path="docs/assets/evil.js", data=b"alert(1)"),
    Hostile("docs-hidden", path="docs/.hidden.md", data=b"# x\n"),
    Hostile("extra-css-remote", path="docs/assets/extra.css", data=b"@import url(https://evil.example/x.css);\nbody { background: url(//evil.example/p.png) }\n"),
    Hostile("examples-hidden", path="examples/.env.csv", data=b"SECRET=1\n"),
    Hostile("includes-hidden", path="includes/.abbr.md", data=b"*[LTV]: <img src=x onerror=alert(1)>\n"),
    Hostile("img-hidden", path="img/.evil.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    Hostile("symlink-passwd", path="docs/passwd.md", link="/etc/passwd"),
    Hostile("symlink-environ", path="img/environ.svg", link="/proc/self/environ"),
    Hostile("symlink-git", path="docs/assets/git", link="../../.git"),
    Hostile("symlink-include", path="includes/leak.txt", link="/etc/passwd"),
    Hostile("symlink-example", path="examples/leak.csv", link="/proc/self/environ"),
    Hostile("svg-script", path="img/s1.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    Hostile("svg-foreign", path="img/s2.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/></foreignObject></svg>'),
    Hostile("svg-other-namespace", path="img/s3.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><h:iframe xmlns:h="http://www.w3.org/1999/xhtml" srcdoc="x"/></svg>'),
    Hostile("svg-animate-href", path="img/s4.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>'),
    Hostile("svg-style-import", path="img/s5.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>'),
    Hostile("svg-use-remote", path="img/s6.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="https://evil.example/a.svg#x"/></svg>'),
    Hostile("svg-entity", path="img/s7.svg", data=b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'),
    Hostile("svg-fill-url", path="img/s8.svg", data=b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p.svg#a)"/></svg>'),
]
# Pass the page rules (they read CommonMark), but the rendered HTML is not on the allowlist.
BY_SANITISER = [
    page("img-slash", "文<img/src=x onerror=alert(1)>字"),
    page("comment-trick", "<!--><img src=x onerror=alert(1)>-->"),
    page("meta-refresh", f'<meta http-equiv="refresh" content="0;url={HOST}">'),
    page("link-stylesheet", f'<link rel="stylesheet" href="{HOST}/x.css">'),
    page("style-import", f"<style>@import '{HOST}/x.css';</style>"),
    page("srcset", f'<img src="../img/rfm-segments.svg" alt="图" srcset="{HOST}/x.png 2x">'),
    page("video-poster", f'<video poster="{HOST}/x.png"></video>'),
    page("style-url", f'<p style="background:url({HOST}/x.png)">字</p>'),
    page("lightbox-remote", f'<a class="glightbox" href="https://www.youtube.com/watch?v=x">视频</a>'),
    page("theme-class", '<div class="md-search" data-md-component="search">x</div>'),
    page("theme-id", '<p id="__config">x</p>'),
    page("footnote-slash", "正文[^1]。\n\n[^1]: 注释 <img/src=x onerror=alert(1)>"),
    page("admonition-off-syntax", "!!!note\n    <img src=x onerror=alert(1)>"),
    page("details-off-syntax", "???note\n    <a href=\"javascript:alert(1)\">点</a>"),
    page("entity-colon", "<a href=\"javascript&#58;alert(1)\">点</a>"),
    page("tab-in-scheme", "<a href=\"java\tscript:alert(1)\">点</a>"),
    page("attr-unquoted-event", "<p/onmouseover=alert(1)>字</p>"),
    page("picture-source", f'<picture><source srcset="{HOST}/x.png"><img src="../img/rfm-segments.svg" alt="图"></picture>'),
    page("audio-remote", f'<audio src="{HOST}/x.mp3" autoplay></audio>'),
    page("input-autofocus", '<input autofocus onfocus=alert(1)>'),
    Hostile("redirect-javascript", redirect="javascript:alert(1)"),
    Hostile("redirect-remote", redirect=f"{HOST}/phish"),
    Hostile("redirect-missing", redirect="no-such-page.md"),
    Hostile("nav-title-markup", "# 测试页面\n\n正文。\n", nav_title="<img src=x onerror=alert(1)>"),
    Hostile("term-markup", term="  - id: evil-term\n    name: 坏术语\n    abbr: EVL\n    definition: <img src=x onerror=alert(1)>\n"
                                "    see: index.md\n    group: 用户与增长\n"),
    page("table-cell-slash", "| 甲 | 乙 |\n| --- | --- |\n| <img/src=x onerror=alert(1)> | 2 |"),
    page("def-list-html", "术语\n:   释义 <img/src=x onerror=alert(1)>"),
    page("attr-theme-id", "## 小节 {: #__search }\n\n正文。"),
    page("attr-theme-class", "正文。\n{: .md-search }"),
    page("abbr-definition", "LTV 很重要。\n\n*[LTV]: <img src=x onerror=alert(1)>"),
    page("textarea-breakout", '<textarea></textarea><img src=x onerror=alert(1)></textarea>'),
    page("data-link", '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">点</a>'),
]
# Harmless look-alikes: they build, and the browser sees nothing run.
HARMLESS = [
    page("code-block", "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```"),
    page("inline-code", "提到 `<script>` 和 `onerror=` 时用行内代码。"),
    page("escaped-text", "文中写 &lt;script&gt;alert(1)&lt;/script&gt; 只是文字。"),
    page("attr-list-ordinary", "## 小节 {: #my-section .lead }\n\n正文。\n{: .note }"),
    page("footnote-ordinary", "正文[^1]。\n\n[^1]: 一条普通的脚注，见 [首页](index.md)。"),
    page("admonition-ordinary", '!!! tip "提示"\n\n    提示框里的 **粗体** 和 `代码`。'),
    page("external-link", "参见[一篇文章](https://example.com/article)。"),
    page("image-ordinary", "![RFM 八类客户](../img/rfm-segments.svg){: width=\"600\" }"),
    page("heading-escaped", "## 标题 &lt;img src=x onerror=alert(1)&gt;\n\n正文。"),
    page("code-title-escaped", '```python title="<img src=x onerror=alert(1)>"\nprint(1)\n```'),
    page("table-align", "| 甲 | 乙 |\n| :-- | --: |\n| 1 | 2 |"),
]


def _apply(root: Path, inputs: list[Hostile]) -> None:
    config = root / "mkdocs.yml"
    redirects = {f"gone-{item.name}.md": item.redirect for item in inputs if item.redirect}
    if redirects:
        text = config.read_text(encoding="utf-8")
        entries = "".join(f"\n        {old}: '{new}'" for old, new in redirects.items())
        config.write_text(text.replace("redirect_maps: {}", "redirect_maps:" + entries), encoding="utf-8")
    nav = [f"  - '{item.nav_title}': {item.name}.md\n" for item in inputs if item.nav_title]
    if nav:
        with config.open("a", encoding="utf-8") as out:
            out.writelines(nav)
    terms = "".join(item.term for item in inputs if item.term)
    if terms:
        with (root / "includes/terms.yml").open("a", encoding="utf-8") as out:
            out.write(terms)
    for item in inputs:
        if item.redirect or item.term:
            continue
        target = root / (item.path or f"docs/{item.name}.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.link:
            target.symlink_to(item.link)
        elif item.path:
            target.write_bytes(item.data)
        else:
            target.write_text(item.text, encoding="utf-8")


def _copy(tmp: Path, inputs: list[Hostile], nav: bool) -> Path:
    root = tmp / "repo"
    shutil.copytree(ROOT, root, symlinks=True, ignore=_IGNORE)
    _apply(root, inputs)
    if nav:
        with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.writelines(f"  - 测试 {n}: {item.name}.md\n" for n, item in enumerate(inputs) if not item.path)
    return root


def _build(tmp: Path, inputs: list[Hostile], nav: bool = False) -> Build:
    root = _copy(tmp, inputs, nav)
    env = {"OPSKB_SKIP_RULES": SKIP, "OPSKB_GIT_DATES": "false", "OPSKB_CANARY": CANARY}
    return mkdocs_build(root, tmp / "site", env=env)


def _named(build: Build, item: Hostile) -> bool:
    lines = build.output.splitlines()
    if item.redirect or item.nav_title:
        wanted = item.redirect or item.nav_title
        return any(line.startswith("mkdocs.yml:") and "错误" in line and wanted[:20] in line for line in lines)
    if item.term:
        return any(line.startswith("includes/terms.yml:") and "错误" in line for line in lines)
    where = item.path or f"docs/{item.name}.md"
    return any(line.startswith(f"{where}:") and "错误" in line for line in lines)


HOSTILE = BY_RULES + BY_SANITISER


@dataclass(frozen=True)
class Verdicts:
    rules: Build  # every hostile input at once: the page and site rules stop the build before rendering
    render: Build | None  # the inputs the rules did not name: the sanitiser must stop this build
    left: list[str]  # names of those inputs


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> Verdicts:
    rules = _build(tmp_path_factory.mktemp("hostile-rules"), HOSTILE)
    left = [item for item in HOSTILE if not _named(rules, item)]
    render = _build(tmp_path_factory.mktemp("hostile-render"), left) if left else None
    return Verdicts(rules, render, [item.name for item in left])


@pytest.fixture(scope="module")
def harmless_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return _build(tmp_path_factory.mktemp("harmless"), HARMLESS, nav=True)


def test_there_are_at_least_sixty_hostile_inputs() -> None:
    names = [item.name for item in HOSTILE + HARMLESS]
    assert len(HOSTILE) >= 60 and len(set(names)) == len(names)


@pytest.mark.parametrize("item", HOSTILE, ids=[item.name for item in HOSTILE])
def test_every_hostile_input_fails_the_build_naming_its_file(verdicts: Verdicts, item: Hostile) -> None:
    """Named by the rules, or else by the sanitiser; never a traceback, never a published site."""
    for build in filter(None, (verdicts.rules, verdicts.render)):
        assert build.returncode != 0
        assert "Traceback" not in build.output and "RecursionError" not in build.output, build.output[-3000:]
        assert not build.site.exists() or not any(build.site.glob("**/*.html"))
    if item.name in verdicts.left:
        assert verdicts.render is not None and _named(verdicts.render, item), \
            f"{item.name}: named neither by the rules nor by the sanitiser:\n{verdicts.render.output[-3000:] if verdicts.render else ''}"


def test_the_sanitiser_catches_what_the_rules_cannot_see(verdicts: Verdicts) -> None:
    """The inputs written to slip past the CommonMark rules do slip past them, and the sanitiser names them."""
    slipping = {"img-slash", "comment-trick", "meta-refresh", "srcset", "style-url", "footnote-slash", "theme-class"}
    assert slipping <= set(verdicts.left)
    assert verdicts.render is not None and "ERROR   -  安全检查发现" in verdicts.render.output


def test_harmless_look_alikes_build(harmless_build: Build) -> None:
    assert harmless_build.returncode == 0, harmless_build.output[-3000:]


def test_no_file_of_the_machine_is_published(harmless_build: Build) -> None:
    for path in harmless_build.site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"root:x:0:0" not in data and CANARY.encode() not in data, path
            assert not path.is_symlink(), path


@pytest.fixture(scope="module")
def harmless_server(harmless_build: Build) -> Iterator[str]:
    assert harmless_build.returncode == 0, harmless_build.output[-3000:]
    with serve(harmless_build.site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("item", HARMLESS, ids=[item.name for item in HARMLESS])
def test_a_page_that_builds_runs_nothing_and_loads_nothing_from_elsewhere(browser: object, harmless_server: str, item: Hostile) -> None:
    tab = open_tab(browser)
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.page.add_init_script("window.__csp=[];document.addEventListener('securitypolicyviolation',"
                             "e=>window.__csp.push(e.violatedDirective+' '+e.blockedURI))")
    try:
        tab.page.goto(f"{harmless_server}/{item.name}/")
        tab.page.wait_for_load_state("networkidle")
        for image in tab.page.locator("article a.glightbox").all():
            image.click()
            tab.page.wait_for_timeout(300)
        assert dialogs == []
        assert tab.page.evaluate("window.__pwned") is None
        assert tab.page.evaluate("window.__csp") == []
        elsewhere = [url for url in tab.requests if not url.startswith((harmless_server, "data:"))]
        assert elsewhere == []
    finally:
        tab.page.context.close()



def test_a_maintainer_must_approve_changes_to_what_checks_the_site() -> None:
    """The gate runs the base branch's code; CODEOWNERS makes changing that code need a maintainer."""
    rules = {}
    for line in (ROOT / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *owners = line.split()
            rules[pattern] = owners
    for path in ("/hooks/", "/opskb/", "/mkdocs.yml", "/includes/", "/overrides/", "/docs/assets/", "/.github/"):
        assert rules.get(path), f"CODEOWNERS does not cover {path}"
    assert "Require review from Code Owners" in (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_the_real_site_passes_the_sanitiser_unchanged(build: Build) -> None:
    """No false positive: every page of the site builds, and what it publishes is what it rendered."""
    assert build.returncode == 0, build.output[-3000:]
    assert "S004" not in build.output
    rfm = (build.site / "modules/user-operations/rfm/index.html").read_text(encoding="utf-8")
    assert '<a class="glightbox"' in rfm and 'class="headerlink"' in rfm and "<abbr title=" in rfm
    assert "<html><head></head><body>" not in rfm  # the lightbox plugin's stray wrapper is gone


def test_the_head_holds_only_what_the_theme_writes(build: Build) -> None:
    """The last check before a page is written: metadata that broke out of its attribute shows up in <head>."""
    from opskb.csp import head_problems

    for path in build.site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' not in html:  # a redirect page: no head of the theme's
            assert head_problems(html) == [], path
    start = '<html><head><meta charset="utf-8"><meta name="description" content="x">'
    for breakout in ('<base href="https://evil.example/">', '<meta http-equiv="refresh" content="0;url=https://evil.example">',
                     '<script src="https://evil.example/x.js"></script>', '<link rel="stylesheet" href="//evil.example/x.css">',
                     '<img src=x onerror=alert(1)>'):
        assert head_problems(f"{start}{breakout}</head><body></body></html>"), breakout


def test_a_symlink_recorded_in_git_is_refused_even_when_checked_out_as_a_file(tmp_path: Path) -> None:
    """On a checkout without symlink support git writes the link as a small file holding its target."""
    import subprocess

    from opskb.site import check_tree

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/passwd.md").write_text("/etc/passwd", encoding="utf-8")  # what such a checkout leaves
    run = lambda *args: subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    blob = run("hash-object", "-w", "docs/passwd.md").stdout.strip()
    run("update-index", "--add", "--cacheinfo", f"120000,{blob},docs/passwd.md")
    assert not (tmp_path / "docs/passwd.md").is_symlink()
    assert [(f.path, f.rule) for f in check_tree(tmp_path, "docs")] == [("docs/passwd.md", "F005")]


def test_the_policy_is_filled_in_on_build_and_left_out_of_the_local_preview(tmp_path: Path) -> None:
    import importlib.util
    from types import SimpleNamespace

    from opskb import csp

    spec = importlib.util.spec_from_file_location("sanitize_hook", ROOT / "hooks/sanitize.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><script>x()</script></body></html>'
    for command, expected in (("build", "script-src 'self' 'wasm-unsafe-eval' 'sha256-"), ("serve", None)):
        hook.on_startup(command=command, dirty=False)
        hook.on_config(SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml")))
        hook._state["own"] = {"x()"}  # as if written in overrides/
        marked = hook._protect(page, "index.html")
        assert marked.index(csp.PLACEHOLDER) > marked.index('<meta charset="utf-8">')
        (tmp_path / "index.html").write_text(marked, encoding="utf-8")
        hook.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
        written = (tmp_path / "index.html").read_text(encoding="utf-8")
        assert csp.PLACEHOLDER not in written
        if expected:
            assert expected + csp.sha256("x()") in written
        else:
            assert "Content-Security-Policy" not in written
