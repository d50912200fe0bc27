"""The whole book as one PDF (`python -m opskb pdf`), read back with poppler's tools as a reader's viewer
would: it opens, has every reader page of the nav in order, Chinese text that can be copied, fonts
inside the file, and links between chapters that land."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import installed_chromium, missing
from opskb.config import NavEntry, parse_config
from opskb.pdf import PDF_NAME, PdfError, main, make_pdf

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = ("contributing/",)  # the contributors' guide stays on the site (mkdocs.yml: print-site exclude)


def poppler(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    if path is None:
        missing(f"没有找到 {tool}：请运行 apt-get install poppler-utils")
    return subprocess.run([path, *args], capture_output=True, text=True, check=True).stdout


def reader_pages() -> list[str]:
    """The nav's pages in reading order, without the ones the book leaves out."""
    config = parse_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config.nav

    def walk(entries: list[NavEntry] | tuple[NavEntry, ...]) -> list[str]:
        return [path for entry in entries for path in ([entry.path] if entry.path else []) + walk(entry.children)]

    return [path for path in walk(config.nav) if not path.startswith(LEFT_OUT)]


def heading(page: str) -> str:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Path:
    chromium = installed_chromium()
    if chromium is None:
        missing("没有找到 Chromium：请运行 apt-get install chromium")
    # The real command, in its own process: the suite's browser fixture keeps Playwright's sync API
    # running in this one, and a second sync session cannot start inside it.
    folder = tmp_path_factory.mktemp("book")
    shutil.copytree(site, folder / "site")
    result = subprocess.run(
        [sys.executable, "-m", "opskb", "pdf", "--site-dir", str(folder / "site")],
        cwd=ROOT, env={**os.environ, "CHROMIUM_PATH": chromium}, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "site" / PDF_NAME


pytestmark = pytest.mark.browser


def test_the_pdf_opens_as_a_tagged_a4_book_with_its_title(book: Path) -> None:
    info = dict(re.findall(r"^([\w ]+):\s+(.*)$", poppler("pdfinfo", str(book)), re.M))
    assert info["Title"] == "运营知识库"
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")
    assert int(info["Pages"]) > len(reader_pages())


def test_every_reader_page_of_the_nav_starts_a_pdf_page_in_nav_order(book: Path) -> None:
    pages = [squeeze(page) for page in poppler("pdftotext", "-layout", str(book), "-").split("\f")]
    titles = [heading(page) for page in reader_pages()]
    assert len(titles) > 30
    # Page 1 is the cover, then the table of contents; the book starts where the home page does.
    at = next(n for n in range(1, len(pages)) if pages[n].startswith(squeeze(titles[0])))
    found: list[str] = []
    for title in titles:
        match = next((n for n in range(at, len(pages)) if pages[n].startswith(squeeze(title))), None)
        if match is None:
            break
        found.append(title)
        at = match + 1
    assert found == titles, f"missing or out of order from 「{titles[len(found)]}」" if len(found) < len(titles) else ""
    config = parse_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    left_out = [heading(e.path) for top in config.nav or [] for e in (top, *top.children) if e.path and e.path.startswith(LEFT_OUT)]
    assert left_out
    for title in [*left_out, "贡献指南"]:  # its pages, and the nav section's heading
        assert not any(page.startswith(squeeze(title)) for page in pages), title


def test_the_table_of_contents_lists_the_reader_pages(book: Path) -> None:
    first = squeeze(poppler("pdftotext", "-layout", "-f", "2", "-l", "4", str(book), "-"))
    assert first.startswith("目录")
    for title in ["用户生命周期价值（LTV）", "RFM模型", "A/B测试", "术语表"]:
        assert title in first, title


def test_chinese_text_can_be_extracted_and_searched(book: Path) -> None:
    text = squeeze(poppler("pdftotext", "-layout", str(book), "-"))
    assert "RFM模型是衡量客户价值和客户状态最常用的方法之一" in text
    assert "重要价值客户" in text and "一般挽留客户" in text  # the RFM table and its figure
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 50_000
    assert "\ufffd" not in text  # no glyph that lost its character


def test_fonts_are_embedded_with_their_characters(book: Path) -> None:
    lines = poppler("pdffonts", str(book)).splitlines()[2:]
    assert lines
    # Columns from the right: emb sub uni object ID. Every font is in the file and maps to Unicode.
    for line in lines:
        emb, _sub, uni = line.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), line


def test_links_between_chapters_land_inside_the_pdf(book: Path) -> None:
    data = book.read_bytes()
    links = re.findall(rb"/Subtype /Link\n(?:/[^\n]*\n)*?/Dest /([^\s/>]+)", data)
    assert len(links) > 500, len(links)  # the table of contents and the cross-references
    dests = re.search(rb"/Dests (\d+) 0 R", data)
    assert dests
    table = re.search(rb"\n" + dests.group(1) + rb" 0 obj\n<<(.*?)>>\nendobj", data, re.S)
    assert table
    named = set(re.findall(rb"/([^\s/\[\]<>()]+) \[", table.group(1)))
    assert set(links) <= named, sorted(set(links) - named)[:5]
    assert b"127.0.0.1" not in data  # no link back to the server it was printed from
    assert b"/Outlines" in data  # bookmarks: the viewer's sidebar follows the headings


def test_pdf_command_says_what_to_do_without_a_built_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PdfError, match="python -m opskb build"):
        make_pdf(tmp_path, "/usr/bin/chromium")
    assert main(["--site-dir", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "没有生成 PDF" in err and "Traceback" not in err
    assert not (tmp_path / PDF_NAME).exists()


def test_the_home_page_download_button_leads_to_the_pdf(book: Path) -> None:
    home = (book.parent / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="md-button" href="([^"]+)">下载全书 PDF</a>', home)
    assert links == [PDF_NAME]
    assert (book.parent / links[0]).is_file()
