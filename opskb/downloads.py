"""Which files of examples/ the site offers for download (the worked examples' data and SQL).

Only regular files directly in examples/ with an extension on DOWNLOAD_TYPES are published; a
symlink, a hidden file or anything else a pull request adds there stays in the repository.
"""

from __future__ import annotations

from pathlib import Path

DOWNLOAD_TYPES = frozenset({".csv", ".sql"})


def downloads(folder: Path) -> list[str]:
    """Names of the files in `folder` that may be published, sorted."""
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
