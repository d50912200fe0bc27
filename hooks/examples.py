"""Publish the worked examples' sample data and SQL (examples/*.csv, *.sql) as site/examples/, for
download from the RFM and LTV pages; opskb.publish decides which files may go."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from opskb.publish import beside_docs, downloads


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name in downloads(Path(config.config_file_path).parent / "examples"):
        files.append(beside_docs("examples", name, config))
    return files
