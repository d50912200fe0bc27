"""Publish the top-level img/ folder as site/img/, and load the lightbox only where there are images.

Pages link images relatively (`../img/x.svg` from docs/, `../../img/x.svg` one folder down), which
also renders on GitHub. Registering each image with the src_uri those links resolve to
(`../img/x.svg`, relative to docs/) lets MkDocs validate and rewrite them like any other file.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from opskb.figures import size_figures, view_box_size
from opskb.publish import beside_docs


def on_files(files: Files, config: MkDocsConfig) -> Files:
    img = Path(config.config_file_path).parent / "img"
    for path in sorted(img.rglob("*")):
        # Symlinks and hidden files are rejected by the validator (F005, F006); never publish one regardless.
        rel = path.relative_to(img)
        if (not path.is_file() or path.is_symlink() or any(part.startswith(".") for part in rel.parts)
                or not path.resolve().is_relative_to(img.resolve())):
            continue
        files.append(beside_docs("img", path.relative_to(img).as_posix(), config))
    return files


@event_priority(10)  # before the plugins: the lightbox reads the meta, the whole-book page copies the HTML
def on_page_content(html: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    # Figures show at the size they are drawn for (their viewBox), capped to the column by the theme.
    img = Path(config.config_file_path).parent / "img"

    def size_of(site_path: str) -> tuple[float, float] | None:
        path = img / site_path.removeprefix("img/")
        if not site_path.startswith("img/") or not path.is_file():
            return None
        return view_box_size(path.read_bytes())

    html = size_figures(html, page.url, size_of)
    # A page without images needs no lightbox: mkdocs-glightbox skips its 70 KB of script and style
    # on pages whose meta says `glightbox: false` (most pages, the home page included).
    if "<img" not in html:
        page.meta.setdefault("glightbox", False)
    return html
