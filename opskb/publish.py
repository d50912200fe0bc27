"""Files from outside docs/ that the site publishes: images (img/) and the worked examples' data.

Pages link them relatively (`../img/x.svg` from docs/, `../../../examples/orders.csv` from
docs/modules/user-operations/), which also works when the Markdown is read on GitHub. Registering
each file with the src_uri those links resolve to lets MkDocs validate and rewrite the links like
any other. Only regular files are published; which ones is decided by the hook's own filter.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

DOWNLOAD_TYPES = frozenset({".csv", ".sql"})


def beside_docs(folder: str, rel: str, config: MkDocsConfig) -> File:
    """A file of the repository's top-level `folder`, published at site/<folder>/<rel>."""
    return File(
        f"../{folder}/{rel}",
        src_dir=config.docs_dir,
        dest_dir=config.site_dir,
        use_directory_urls=False,
        dest_uri=f"{folder}/{rel}",
        inclusion=InclusionLevel.INCLUDED,
    )


def downloads(folder: Path) -> list[str]:
    """Names of the files in examples/ the site offers for download: regular files directly in the
    folder with an extension on DOWNLOAD_TYPES; never a symlink, a hidden file or anything else."""
    if not folder.is_dir():
        return []
    return sorted(
        path.name
        for path in folder.iterdir()
        if path.suffix.lower() in DOWNLOAD_TYPES
        and not path.name.startswith(".")
        and not path.is_symlink()
        and path.is_file()
    )
