"""Publish the worked examples' sample data and SQL (examples/*.csv, *.sql) as site/examples/.

Pages link them relatively (`../../../examples/orders.csv` from docs/modules/user-operations/),
which also works on GitHub; like hooks/images.py, each file is registered with the src_uri those
links resolve to, so MkDocs validates the links. opskb.downloads decides what may be published.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from opskb.downloads import downloads


def on_files(files: Files, config: MkDocsConfig) -> Files:
    folder = Path(config.config_file_path).parent / "examples"
    for name in downloads(folder):
        files.append(
            File(
                f"../examples/{name}",
                src_dir=config.docs_dir,
                dest_dir=config.site_dir,
                use_directory_urls=False,
                dest_uri=f"examples/{name}",
                inclusion=InclusionLevel.INCLUDED,
            )
        )
    return files
