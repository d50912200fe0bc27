"""The built site: strict build, navigation, anchors, images, no other host, search tokens."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import material
from mkdocs.config import load_config

from conftest import Build
from opskb.search_index import patch_worker

HAN = re.compile(r"[\u4e00-\u9fff]")


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


def test_every_page_is_in_the_nav_and_every_nav_entry_exists(root: Path) -> None:
    config = load_config(str(root / "mkdocs.yml"))
    in_nav = nav_pages(config["nav"])
    on_disk = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md"))
    assert sorted(in_nav) == on_disk
    assert len(in_nav) == len(set(in_nav)), "a page is listed twice in the nav"


def test_every_folder_has_an_index_linking_its_pages(root: Path) -> None:
    docs = root / "docs"
    for folder in [d for d in docs.rglob("*") if d.is_dir() and any(d.glob("*.md"))]:
        index = folder / "index.md"
        assert index.is_file(), f"{folder} has no index.md"
        text = index.read_text(encoding="utf-8")
        for page in folder.glob("*.md"):
            if page.name != "index.md":
                assert f"({page.name}" in text, f"{index} does not link {page.name}"


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


def test_search_separator_splits_acronyms_out_of_chinese_punctuation(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert index["config"]["pipeline"] == [], "a stemmer breaks queries such as 'retention'"
    tokens = {t.lower() for doc in index["docs"] for t in separator.split(doc["title"] + " " + doc["text"]) if t}
    assert {"ltv", "rfm", "aarrr", "arpu", "留存", "客单价", "分群"} <= tokens
    glued = [t for t in tokens if "ltv" in t and t != "ltv"]
    assert not [t for t in glued if re.search(r"[（）：。，]", t)], glued


def test_search_index_stores_chinese_as_utf8(site: Path) -> None:
    raw = (site / "search/search_index.json").read_bytes()
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(HAN.findall(raw.decode("utf-8"))) > 10_000


def test_every_page_has_a_meta_description(site: Path) -> None:
    missing = []
    for page in site.rglob("index.html"):
        metas = [a for t, a in Tags(page.read_text(encoding="utf-8")).tags if t == "meta" and a.get("name") == "description"]
        if not metas or not (metas[0].get("content") or "").strip():
            missing.append(str(page.relative_to(site)))
    assert not missing, missing


def test_each_page_intro_is_indexed_with_the_page_itself(site: Path) -> None:
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    pages = {doc["location"]: doc for doc in docs if "#" not in doc["location"]}
    assert "Retention" in pages["modules/user-operations/aarrr/"]["text"]
    assert not any(doc["location"] == "modules/user-operations/aarrr/#aarrr-模型" for doc in docs)
    assert any(doc["location"] == "modules/user-operations/aarrr/#留存retention" for doc in docs)


def test_search_worker_segments_chinese_queries_to_their_last_word(root: Path, site: Path) -> None:
    shipped = next(Path(material.__file__).parent.glob("templates/assets/javascripts/workers/search.*.min.js"))
    published = site / "assets/javascripts/workers" / shipped.name
    assert published.read_text(encoding="utf-8") == patch_worker(shipped.read_text(encoding="utf-8"))
    assert published.read_bytes() != shipped.read_bytes()
    assert patch_worker(published.read_text(encoding="utf-8")) == published.read_text(encoding="utf-8")  # idempotent
    assert patch_worker("function f(t){return t}") is None
