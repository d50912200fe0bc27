"""The built site: strict build, navigation, anchors, images, no other host.

Every page in the nav and linked from its chapter index is rule N001–N006 of the check."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import load_config

from conftest import Build



class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def nav_pages(nav: list) -> list[str]:
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages += nav_pages(value)
        else:
            pages.append(value)
    return pages


def test_strict_build_succeeds_without_warnings(build: Build) -> None:
    assert build.returncode == 0, build.output
    assert not re.search(r"^(WARNING|ERROR)\s+-", build.output, re.MULTILINE), build.output
    assert (build.site / "index.html").is_file()


def test_maintainer_pages_are_built_but_not_in_the_reader_navigation(root: Path, site: Path) -> None:
    config = load_config(str(root / "mkdocs.yml"))
    assert "contributing/performance.md" not in nav_pages(config["nav"])
    assert (site / "contributing/performance/index.html").is_file()
    section = Tags((site / "contributing/rules/index.html").read_text(encoding="utf-8")).tags
    nav_links = [a.get("href") or "" for tag, a in section if tag == "a" and "md-nav__link" in (a.get("class") or "")]
    footer = [a.get("href") or "" for tag, a in section if tag == "a" and "md-footer__link" in (a.get("class") or "")]
    assert "../style-guide/" in nav_links  # the contributor section's own nav is there …
    assert not [href for href in nav_links + footer if "performance" in href]  # … without the benchmark page
    assert 'href="performance/"' in (site / "contributing/index.html").read_text(encoding="utf-8")


def test_headings_get_readable_unicode_anchors(site: Path) -> None:
    html = (site / "modules/user-operations/lifecycle/index.html").read_text(encoding="utf-8")
    assert 'id="用户生命周期模型"' in html
    assert not re.search(r'<h[2-4] id="_\d+"', html), "a heading lost its Chinese anchor"


def test_images_from_top_level_img_are_published_and_linked(root: Path, site: Path) -> None:
    for image in (root / "img").iterdir():
        assert (site / "img" / image.name).read_bytes() == image.read_bytes()
    page = site / "modules/user-operations/lifecycle/index.html"
    srcs = [a["src"] for tag, a in Tags(page.read_text(encoding="utf-8")).tags if tag == "img"]
    assert "../../../img/user-lifecycle.svg" in srcs
    assert (page.parent / "../../../img/user-lifecycle.svg").resolve().is_file()


def test_no_built_file_loads_anything_from_another_host(site: Path) -> None:
    loaders = {"script": "src", "img": "src", "source": "src", "iframe": "src", "embed": "src",
               "video": "src", "audio": "src", "object": "data"}
    offenders: list[str] = []
    for page in site.rglob("*.html"):
        for tag, attrs in Tags(page.read_text(encoding="utf-8")).tags:
            url = attrs.get(loaders.get(tag, "")) or ""
            if tag == "link" and (attrs.get("rel") or "") not in ("canonical", "alternate", "prev", "next"):
                url = attrs.get("href") or ""
            if urlsplit(url).netloc or url.startswith("//"):
                offenders.append(f"{page.relative_to(site)}: <{tag}> {url}")
    for sheet in site.rglob("*.css"):
        for url in re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)", sheet.read_text(encoding="utf-8")):
            offenders.append(f"{sheet.relative_to(site)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_every_page_has_a_meta_description(site: Path) -> None:
    missing = []
    for page in site.rglob("index.html"):
        metas = [a for t, a in Tags(page.read_text(encoding="utf-8")).tags if t == "meta" and a.get("name") == "description"]
        if not metas or not (metas[0].get("content") or "").strip():
            missing.append(str(page.relative_to(site)))
    assert not missing, missing
