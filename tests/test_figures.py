"""The figures (img/*.svg): what they say agrees with their pages, and a reader on a phone can read them,
in light and dark, and enlarge them in the lightbox."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import ARTIFACTS, SETTLED, open_tab, page_urls
from opskb.figures import site_path, size_figures, view_box_size

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PHONE = (360, 740)
MIN_TEXT_PX = 12
MIN_CONTRAST = 4.5


# --------------------------------------------------------------------------- the figures' words


def texts(figure: str) -> list[str]:
    root = ElementTree.parse(ROOT / "img" / figure).getroot()
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def desc(figure: str) -> str:
    root = ElementTree.parse(ROOT / "img" / figure).getroot()
    return "".join(root.find(f"{SVG}desc").itertext())


def table(page: str, header: str) -> list[list[str]]:
    """The rows of the page's Markdown table whose first header cell is `header`."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if re.match(rf"\|\s*{header}\s*\|", line))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_rfm_figure_names_the_eight_segments_as_the_table_does() -> None:
    rows = table("modules/user-operations/rfm.md", "客户类别")
    words = texts("rfm-segments.svg")
    names = [w for w in words if w.endswith("客户") and len(w) == 6]
    assert sorted(names) == sorted(row[0] for row in rows)
    for name, rfm, *_ in rows:
        r, f, m = rfm.split()
        # Each cell: the segment's name, then its R, F and M as the table's column gives them.
        assert words[words.index(name) + 1] == f"R{r} F{f} M{m}", name
        assert f"{name}：R{r}F{f}M{m}" in desc("rfm-segments.svg")


def test_lifecycle_figure_has_the_stages_and_actions_of_the_overview_table() -> None:
    rows = table("modules/user-operations/lifecycle.md", "阶段")
    words = texts("user-lifecycle.svg")
    stages = [row[0] for row in rows]
    assert [w for w in words if w in stages][:5] == stages  # the curve's bands, left to right
    for stage, _rule, _metrics, actions in rows:
        assert actions in words, f"{stage}: 「{actions}」 not in the figure"
        assert f"{stage}——{actions}" in desc("user-lifecycle.svg")


def test_pyramid_figure_has_the_tiers_and_strategies_of_the_strategy_table() -> None:
    rows = table("modules/user-operations/pyramid.md", "层级")
    strategies = {row[0]: row[2] for row in rows if len(row) == 3}
    words = texts("user-value-pyramid.svg")
    assert [w for w in words if w in strategies] == list(strategies)  # top to bottom
    described = desc("user-value-pyramid.svg")
    for tier, cell in strategies.items():
        shown = re.search(rf"{re.escape(tier)}——([^；。]+)", described)
        assert shown, tier
        for phrase in shown.group(1).split("、"):
            assert phrase in cell, f"{tier}: 「{phrase}」 is not one of the page's strategies"
            assert any(phrase in word for word in words), f"{tier}: 「{phrase}」 described but not drawn"


def test_aarrr_figure_has_the_five_stages_in_the_pages_order() -> None:
    headings = re.findall(r"^## (\S+)（(\w+)）$", (ROOT / "docs/modules/user-operations/aarrr.md").read_text(encoding="utf-8"), re.M)
    words = texts("aarrr-funnel.svg")
    stages = [(w, words[n + 1]) for n, w in enumerate(words[:-1]) if (w, words[n + 1]) in headings]
    assert stages == headings[:5] and len(stages) == 5


# --------------------------------------------------------------------------- sizes on the page


def test_view_box_size_reads_the_drawing_size() -> None:
    assert view_box_size(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 632"/>') == (480, 632)
    assert view_box_size(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0,0,10.5,2"/>') == (10.5, 2)
    assert view_box_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="10"/>') is None
    assert view_box_size(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"/>') is None
    assert view_box_size(b"not svg") is None


def test_site_path_resolves_links_as_the_browser_does() -> None:
    assert site_path("modules/user-operations/rfm/", "../../../img/x.svg") == "img/x.svg"
    assert site_path("", "img/x.svg?v=2#top") == "img/x.svg"
    assert site_path("glossary/", "../../x.svg") is None
    assert site_path("glossary/", "https://example.com/x.svg") is None
    assert site_path("glossary/", "/img/x.svg") is None


def test_size_figures_sizes_only_unsized_svg_figures() -> None:
    sizes = {"img/a.svg": (480.0, 632.0)}
    html = ('<p><img alt="甲" src="../img/a.svg"></p><img src="../img/a.svg" width="100"/>'
            '<img src="../img/b.svg"><img src="../img/a.png"><img src="https://example.com/img/a.svg">')
    out = size_figures(html, "glossary/", sizes.get)
    assert '<img alt="甲" src="../img/a.svg" width="480" height="632">' in out
    assert out.count('width="480"') == 1 and '<img src="../img/a.svg" width="100"/>' in out
    assert out.endswith('<img src="../img/b.svg"><img src="../img/a.png"><img src="https://example.com/img/a.svg">')


# --------------------------------------------------------------------------- in the browser

# Every <text> of the SVG document open in the tab: its size in viewBox units (font size times the
# transforms between it and the root), its colour, and what is painted under five points of its box
# (the first filled shape, or null where only the page shows through), with the drawing fitted to the window.
SVG_TEXTS = """() => {
  const root = document.documentElement;
  const box = root.viewBox.baseVal;  // fit the drawing in the window: points outside it hit nothing
  const fit = Math.min(innerWidth / box.width, innerHeight / box.height);
  root.setAttribute('width', box.width * fit); root.setAttribute('height', box.height * fit);
  const toRoot = root.getScreenCTM().inverse();
  const under = (x, y, self) => {
    for (const e of document.elementsFromPoint(x, y)) {
      if (e === root || self.contains(e) || e.localName === 'text' || e.localName === 'tspan') continue;
      const style = getComputedStyle(e);
      if (style.fill && style.fill !== 'none' && !style.fill.startsWith('url')) {
        return [style.fill, parseFloat(style.fillOpacity) * parseFloat(style.opacity)];
      }
    }
    return null;
  };
  return {
    viewBox: root.viewBox.baseVal.width,
    texts: [...document.querySelectorAll('text')].map(t => {
      const m = toRoot.multiply(t.getScreenCTM());
      const r = t.getBoundingClientRect();
      const points = [[.5, .5], [.08, .5], [.92, .5], [.5, .25], [.5, .75]];
      return {
        text: t.textContent, fill: getComputedStyle(t).fill,
        size: parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)),
        under: points.map(([fx, fy]) => under(r.left + fx * r.width, r.top + fy * r.height, t)),
      };
    }),
  };
}"""

FIGURES_ON_PAGE = """() => [...document.querySelectorAll('article img')]
  .filter(img => new URL(img.src).pathname.endsWith('.svg'))
  .map(img => [img.src, img.getBoundingClientRect().width])"""

# Mean lightness (0–255) of a PNG screenshot, decoded by the browser (from bytes, not a data: URL,
# which the site's Content Security Policy does not let the page fetch).
MEAN_LIGHTNESS = """async b64 => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d'); ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
  return sum / (data.length / 4);
}"""


def rgb(css: str) -> tuple[float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)[:3]]
    return (values[0], values[1], values[2])


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(fill: str, alpha: float, page: tuple[float, float, float]) -> tuple[float, float, float]:
    top = rgb(fill)
    return tuple(alpha * t + (1 - alpha) * p for t, p in zip(top, page))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def figures_on_pages(browser: object, server: str) -> dict[str, list[tuple[str, float]]]:
    """Every SVG figure on every published page at 360 px: {page: [(figure URL, rendered width)]}."""
    tab = open_tab(browser, *PHONE)
    found: dict[str, list[tuple[str, float]]] = {}
    for url in page_urls(ROOT):
        tab.page.goto(server + url, wait_until="load")
        overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
        if figures := [tuple(f) for f in tab.page.evaluate(FIGURES_ON_PAGE)]:
            found[url] = figures
    tab.page.context.close()
    assert tab.errors == []
    return found


def page_backgrounds(browser: object, server: str) -> dict[str, tuple[float, float, float]]:
    """The page background in the light and the dark scheme, as the site paints it."""
    backgrounds = {}
    for scheme in ("light", "dark"):
        tab = open_tab(browser, *PHONE, scheme=scheme)
        tab.page.goto(server + "/modules/user-operations/rfm/")
        backgrounds[scheme] = rgb(tab.page.evaluate("getComputedStyle(document.body).backgroundColor"))
        tab.page.context.close()
    return backgrounds


@pytest.mark.browser
def test_every_figure_reads_at_12px_on_a_360px_phone_with_4_5_contrast_in_light_and_dark(
    browser: object, server: str, figures_on_pages: dict[str, list[tuple[str, float]]],
) -> None:
    assert len({src for figures in figures_on_pages.values() for src, _ in figures}) >= 4
    backgrounds = page_backgrounds(browser, server)
    small: list[str] = []
    faint: list[str] = []
    for scheme in ("light", "dark"):  # the figure's own palette follows the reader's system scheme
        tab = open_tab(browser, scheme=scheme)
        for url, figures in figures_on_pages.items():
            for src, width in figures:
                tab.page.goto(src)
                drawn = tab.page.evaluate(SVG_TEXTS)
                assert drawn["texts"], src
                name = src.rsplit("/", 1)[-1]
                for text in drawn["texts"]:
                    px = text["size"] * width / drawn["viewBox"]
                    if scheme == "light" and px < MIN_TEXT_PX:
                        small.append(f"{url} {name}「{text['text']}」{px:.1f}px")
                    # The site's own toggle can differ from the system scheme, so text must hold on
                    # either page background: wherever the page shows through, both are checked.
                    for page_scheme, page in backgrounds.items():
                        worst = min(
                            contrast(rgb(text["fill"]), blend(*under, page) if under else page)
                            for under in text["under"]
                        )
                        if worst < MIN_CONTRAST:
                            faint.append(f"{name} ({scheme} figure on {page_scheme} page)「{text['text']}」{worst:.2f}")
        tab.page.context.close()  # (a bare SVG document asks for /favicon.ico: its 404 is no error here)
    assert small == [], "\n".join(small)
    assert faint == [], "\n".join(faint)


@pytest.mark.browser
@pytest.mark.parametrize("system", ["light", "dark"])
def test_figures_follow_the_scheme_the_reader_picks_without_white_panels(browser: object, server: str, system: str) -> None:
    """An <img>'s SVG takes the colour scheme the page uses (Material sets color-scheme with its toggle),
    so a figure follows both the system setting and the reader's choice in the header."""
    ARTIFACTS.mkdir(exist_ok=True)
    tab = open_tab(browser, *PHONE, scheme=system)
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/")
    figure = page.locator("article img[src$='rfm-segments.svg']")
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=figure.element_handle())
    lightness = {}
    for step in ("system", "toggled"):
        if step == "toggled":
            other = "default" if system == "dark" else "slate"  # what the header's toggle does
            page.evaluate(f"document.querySelector('input[name=__palette][data-md-color-scheme={other}]').click()")
            page.wait_for_function(SETTLED)
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        shot = figure.screenshot(path=str(ARTIFACTS / f"figure-rfm-360-{system}-{scheme}.png"))
        lightness[scheme] = page.evaluate(MEAN_LIGHTNESS, base64.b64encode(shot).decode())
    page.context.close()
    assert tab.errors == []
    # The former figures were white panels: about 245 in either scheme.
    assert set(lightness) == {"default", "slate"}
    assert lightness["default"] > 190 and lightness["slate"] < 90, lightness


def lightbox_image(page: object) -> object:
    image = page.locator(".gslide.current .gslide-image img")
    image.wait_for(state="visible")
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )
    return image


@pytest.mark.browser
def test_lightbox_enlarges_a_figure_twice_on_desktop_and_phone(browser: object, server: str) -> None:
    # Desktop: the lightbox opens it larger, a click zooms to its natural size (twice its drawing).
    tab = open_tab(browser, 1280, 900)
    page = tab.page
    page.goto(server + "/modules/user-operations/rfm/")
    figure = page.locator("article img[src$='rfm-segments.svg']")
    inline = figure.bounding_box()["width"]
    figure.click()
    image = lightbox_image(page)
    opened = image.bounding_box()["width"]
    image.click()
    page.wait_for_function("() => document.querySelector('.gslide.current.zoomed') !== null")
    zoomed = page.evaluate("document.querySelector('.gslide.current .gslide-image img').getBoundingClientRect().width")
    page.context.close()
    assert opened > inline and zoomed >= 2 * inline - 1, (inline, opened, zoomed)

    # Phone: the lightbox fills the screen's width and a pinch enlarges it further.
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, has_touch=True, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(server + "/modules/user-operations/rfm/")
    figure = page.locator("article img[src$='rfm-segments.svg']")
    inline = figure.bounding_box()["width"]
    figure.tap()
    image = lightbox_image(page)
    box = image.bounding_box()
    assert box["width"] >= PHONE[0] - 1 > inline
    cdp = context.new_cdp_session(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def fingers(kind: str, apart: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x - apart, "y": y, "id": 1}, {"x": x + apart, "y": y, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    fingers("touchStart", 30)
    for apart in range(35, 95, 5):  # fingers spread to three times their distance
        fingers("touchMove", apart)
        page.wait_for_timeout(16)
    fingers("touchEnd", 0)
    pinched = image.bounding_box()["width"]
    context.close()
    assert pinched >= 2 * inline, (inline, pinched)
