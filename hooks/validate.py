"""Run every rule (opskb.site) before MkDocs renders anything, and write the rule catalogue page.

Findings are printed once, in Chinese (opskb.cli.emit); the build then stops with one Chinese line.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from opskb.catalogue import MARKER, PAGE, render
from opskb.cli import counts, emit
from opskb.site import check_site, skip_from_env

def on_pre_build(config: MkDocsConfig) -> None:
    root = Path(config.config_file_path).resolve().parent
    docs = Path(os.path.relpath(Path(config.docs_dir).resolve(), root)).as_posix()
    findings = check_site(root, docs_dir=docs, skip=skip_from_env())
    emit(findings)
    errors, warnings = counts(findings)
    if errors or (warnings and config.strict):
        strict = "，严格构建中警告同样会让构建失败" if warnings and config.strict else ""
        raise PluginError(f"页面校验发现 {errors} 个错误、{warnings} 个警告（见上方以「文件:行:列」开头的各行{strict}）；修正后再构建。")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == PAGE:
        return markdown.replace(MARKER, render())
    return markdown
