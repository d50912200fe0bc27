"""Publish the top-level img/ folder as site/img/.

Pages link images relatively (`../img/x.svg` from docs/, `../../img/x.svg` one folder down), which
also renders on GitHub. Registering each image with the src_uri those links resolve to
(`../img/x.svg`, relative to docs/) lets MkDocs validate and rewrite them like any other file.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel


def on_files(files: Files, config: MkDocsConfig) -> Files:
    img = Path(config.config_file_path).parent / "img"
    for path in sorted(img.rglob("*")):
        # Symlinks leaving img/ are rejected by the validator; never publish one regardless.
        if not path.is_file() or not path.resolve().is_relative_to(img.resolve()):
            continue
        rel = path.relative_to(img).as_posix()
        files.append(
            File(
                f"../img/{rel}",
                src_dir=config.docs_dir,
                dest_dir=config.site_dir,
                use_directory_urls=False,
                dest_uri=f"img/{rel}",
                inclusion=InclusionLevel.INCLUDED,
            )
        )
    return files
