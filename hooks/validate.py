"""Run the page and image rules (opskb.rules) before MkDocs renders anything."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from opskb.cli import check_site, report

# Under `mkdocs.` so that warnings count for --strict.
log = logging.getLogger("mkdocs.hooks.validate")


def on_pre_build(config: MkDocsConfig) -> None:
    root = Path(config.config_file_path).parent
    docs = Path(config.docs_dir).relative_to(root).as_posix()
    findings = check_site(root, docs_dir=docs)
    for line in report(findings, github=os.environ.get("GITHUB_ACTIONS") == "true"):
        print(line, flush=True)
    errors = [f for f in findings if f.severity == "error"]
    for warning in (f for f in findings if f.severity == "warning"):
        log.warning(warning.format())
    if errors:
        raise PluginError(f"页面校验发现 {len(errors)} 个错误（见上方 文件:行:列）；修正后再构建。")
