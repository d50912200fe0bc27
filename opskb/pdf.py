"""`python -m opskb pdf`: the whole knowledge base as one PDF, site/yunying-zhishiku.pdf.

A strict build with the print-site plugin switched on (OPSKB_PDF=true) puts every reader page, in nav
order and with a table of contents, on one page (print_page/); headless Chromium, the browser the
tests use, prints that page (styled for print by overrides/assets/stylesheets/print.css, one of extra_css) to a tagged PDF with an
outline, its Chinese text selectable and its fonts embedded. The site itself is built without the
print page; the PDF is written into it (default site/) only once it is complete.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from opskb.launcher import ROOT

PDF_NAME = "yunying-zhishiku.pdf"  # at the site root: <site_url>/yunying-zhishiku.pdf
PRINT_PAGE = "print_page/"
TITLE = "运营知识库"

# Before printing, on the whole-book page:
# - print-site starts its script after every </head> of the page, and glightbox leaves a stray
#   <html><head> in each page with a figure, so the table of contents can be made more than once:
#   keep the first;
# - a nav section whose pages are all excluded (the contributors' guide) leaves an empty heading: drop it
#   and its entry;
# - figures are not links in print (the lightbox's anchors); links into the book point at their
#   anchor (internal PDF links), links to other files of the site at the published site, or become
#   plain text when its address is unknown; links to pages left out of the book become plain text;
# - collapsed boxes open, every image loaded, fonts ready, the document's title the book's.
# Returns what could not be resolved: images that failed, and internal links without a target.
PREPARE = """async ({title, siteUrl}) => {
  document.querySelectorAll('#print-page-toc nav > ul:not(:first-of-type)').forEach(ul => ul.remove());
  for (const section of document.querySelectorAll('#print-site-page section.md-section')) {
    if (section.querySelector('section.print-page:not(.md-section)')) continue;
    document.querySelectorAll('#print-page-toc a').forEach(a => {
      if (new URL(a.href).hash === '#' + section.id) a.closest('li').remove();
    });
    section.remove();
  }
  document.querySelectorAll('a.glightbox').forEach(a => a.replaceWith(...a.childNodes));
  for (const a of [...document.querySelectorAll('a[href]')]) {
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) continue;
    if (url.pathname === location.pathname && url.hash) a.setAttribute('href', url.hash);
    else if (siteUrl) a.href = new URL(url.pathname.slice(1) + url.search + url.hash, siteUrl).href;
    else a.replaceWith(...a.childNodes);
  }
  const pages = [...document.querySelectorAll('#print-site-page section.print-page[id]')].map(s => s.id);
  for (const a of [...document.querySelectorAll('#print-site-page a[href^="#"]')]) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!id || document.getElementById(id)) continue;
    const page = pages.filter(p => id.startsWith(p + '-')).sort((x, y) => y.length - x.length)[0];
    const inner = page && document.getElementById(page).querySelector(`[id="${CSS.escape(id.slice(page.length + 1))}"]`);
    if (inner) inner.id = id;  // print-site prefixes links to footnote references, not their ids
    else if (!page) a.replaceWith(...a.childNodes);  // a page left out of the book
  }
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  await Promise.all([...document.images].map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  })));
  await document.fonts.ready;
  document.title = title;
  const targetless = [...document.querySelectorAll('#print-site-page a[href^="#"]')]
    .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
    .filter(id => id && !document.getElementById(id));
  return {
    images: [...document.images].filter(img => !img.naturalWidth).map(img => img.getAttribute('src')),
    links: [...new Set(targetless)],
  };
}"""


class PdfError(Exception):
    """A problem the person running the command can fix; the message says how, in Chinese."""


def chinese_fonts() -> list[str] | None:
    """Font families that cover Simplified Chinese (fontconfig), or None where fc-list is missing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    result = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False)
    return sorted({line.strip() for line in result.stdout.splitlines() if line.strip()})


def build_book(staging: Path) -> None:
    """Strict build of the site with the whole-book page into `staging`."""
    env = {**os.environ, "OPSKB_PDF": "true", "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0 or not (staging / PRINT_PAGE / "index.html").is_file():
        sys.stderr.write(result.stdout + result.stderr)
        raise PdfError("全书页面构建失败，没有生成 PDF；请按上方的提示修正（先运行 python -m opskb build 查看问题）。")


def print_book(site: Path, output: Path, chromium: str, site_url: str = "") -> None:
    """Print `site`'s whole-book page to `output` with headless Chromium; links to the site's other
    files point at `site_url` (the published address, empty when unknown)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from opskb.reader_bench import CHROMIUM_FLAGS, serve

    with serve(site) as url, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        except PlaywrightError as error:
            raise PdfError(f"无法启动 Chromium（{chromium}）：{error.message.splitlines()[0]}") from error
        try:
            page = browser.new_page(locale="zh-CN", color_scheme="light")
            page.goto(f"{url}/{PRINT_PAGE}", wait_until="load", timeout=120_000)
            found = page.evaluate(PREPARE, {"title": TITLE, "siteUrl": site_url})
            if found["images"]:
                raise PdfError(f"全书页面中有图片加载失败：{', '.join(found['images'])}；请检查图片链接。")
            if found["links"]:
                raise PdfError(f"全书页面中有 {len(found['links'])} 个链接找不到目标：{'、'.join('#' + link for link in found['links'][:10])}；请检查页面间的链接。")
            page.pdf(path=str(output), format="A4", print_background=True, prefer_css_page_size=True,
                     outline=True, tagged=True)
        finally:
            browser.close()


def make_pdf(site_dir: Path, chromium: str) -> Path:
    """Build the book, print it, and put the PDF in `site_dir` (which must hold a built site)."""
    if not (site_dir / "index.html").is_file():
        raise PdfError(f"{site_dir} 中没有构建好的网站：请先运行 python -m opskb build，再运行 python -m opskb pdf。")
    if not Path(chromium).exists() and shutil.which(chromium) is None:
        raise PdfError("没有找到 Chromium：请运行 apt-get install chromium，或用 CHROMIUM_PATH 指定浏览器路径。")
    if chinese_fonts() == []:
        raise PdfError("系统中没有中文字体，PDF 里的中文会显示成方框：请运行 apt-get install fonts-noto-cjk 后重试。")
    with tempfile.TemporaryDirectory(prefix="opskb-pdf-") as temp:
        staging = Path(temp) / "site"
        build_book(staging)
        printed = Path(temp) / PDF_NAME
        print_book(staging, printed, chromium, os.environ.get("SITE_URL", ""))
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            raise PdfError("Chromium 没有生成有效的 PDF；请重试，或用 CHROMIUM_PATH 换一个浏览器。")
        target = site_dir / PDF_NAME
        partial = target.with_name(f".{PDF_NAME}.partial")
        shutil.copyfile(printed, partial)
        partial.replace(target)  # never a half-written PDF in the site
        return target


def main(argv: list[str]) -> int:
    from opskb.reader_bench import chromium_path

    parser = argparse.ArgumentParser(prog="python -m opskb pdf", description=f"把全书打印成一个 PDF（{PDF_NAME}），放进构建好的网站。")
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="构建好的网站（默认 site/），PDF 写在它的根目录")
    args = parser.parse_args(argv)
    try:
        target = make_pdf(args.site_dir.resolve(), chromium_path())
    except PdfError as error:
        print(f"没有生成 PDF：{error}", file=sys.stderr, flush=True)
        return 1
    size = target.stat().st_size / 1_000_000
    print(f"PDF 已生成：{target}（{size:.1f} MB）。发布后的地址是网站根目录下的 {PDF_NAME}。", flush=True)
    return 0
