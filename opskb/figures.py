"""Figures (img/*.svg) as pages show them: at the size they are drawn for, never wider than the column.

Each figure is drawn on a viewBox sized for a phone's column (480 units wide, text ≥ 19 units, so
≥ 12 CSS px at 328 px) and declares twice that as its natural size, which the lightbox uses to
enlarge it. Pages show it at its viewBox size: the hook writes that size on the page's <img>, so a
desktop column does not blow a portrait figure up, the browser reserves its height before it loads,
and a phone scales it down to the column (the theme caps images at 100% width).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from xml.etree import ElementTree

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\ssrc=(["'])([^"']+)\1""", re.IGNORECASE)
_SIZED = re.compile(r"""\s(?:width|height)=""", re.IGNORECASE)


def view_box_size(svg: bytes) -> tuple[float, float] | None:
    """The width and height of an SVG's viewBox, or None when it has none (or is not an SVG)."""
    try:
        root = ElementTree.fromstring(svg)
    except (ElementTree.ParseError, ValueError):
        return None
    parts = (root.get("viewBox") or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None


def site_path(page_url: str, src: str) -> str | None:
    """Where a page's relative image link points in the site (`img/x.svg`), None for other links."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/", src, re.IGNORECASE):
        return None
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    path = posixpath.normpath(posixpath.join(base, src.split("#", 1)[0].split("?", 1)[0]))
    return None if path.startswith("..") else path


def size_figures(html: str, page_url: str, size_of: Callable[[str], tuple[float, float] | None]) -> str:
    """Give every <img> of an SVG figure that has no size of its own `width`/`height` = its viewBox.

    `size_of` maps a site path (`img/x.svg`) to the figure's viewBox size, None when it is unknown.
    """
    def sized(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if src is None or _SIZED.search(tag):
            return tag
        path = site_path(page_url, src.group(2))
        size = size_of(path) if path and path.lower().endswith(".svg") else None
        if size is None:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return f'{tag[:end].rstrip()} width="{size[0]:g}" height="{size[1]:g}"{tag[end:]}'

    return _IMG.sub(sized, html)
