"""The page and image rules, called directly: seed defects, each rule and its look-alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opskb.cli import check_site, report
from opskb.rules import RULES, Finding, check_image_file, check_page, check_pages, decode
from opskb.site import Site, check_loaded

IMAGES = ["img/user-lifecycle.svg", "img/用户 生命周期.png", "img/RFM-Chart.png"]
SEED = Path(__file__).parent / "fixtures" / "seed-notes.md"


def rules_at(text: str, path: str = "docs/page.md") -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in check_page(text, path, IMAGES).findings]


def test_seed_notes_report_exactly_their_known_defects() -> None:
    numbered = [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 19, 20, 21, 22, 24, 27, 28, 29, 30, 31,
                32, 33, 34, 36, 38, 40, 44, 45, 49, 53, 54, 57, 61, 62, 67, 71, 77, 78, 81, 82, 83,
                86, 87, 88, 96, 98, 99, 100, 101, 103]
    empty = [5, 6, 7, 8, 9, 10, 11, 12, 13, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 36, 57,
             60, 61, 77, 78, 81, 82, 83, 96, 98, 99, 100, 101, 103]
    expected = sorted(
        [("H007", n) for n in numbered]
        + [("H009", n) for n in empty]
        + [("H002", n) for n in (15, 38, 86, 103)]        # four more top-level parts
        + [("H008", 82), ("H008", 83), ("H008", 98)]       # 「3.活动运营」「4.产品运营」「1.1.用户价值」 twice
        + [("H010", 60), ("H004", 88), ("I001", 65)]       # ➤➤➤, H2 → H4, the missing jpg
    )
    findings = check_page(SEED.read_text(encoding="utf-8"), "notes.md", []).findings
    assert sorted((f.rule, f.line) for f in findings) == expected
    missing = next(f for f in findings if f.rule == "I001")
    assert "img/用户生命周期1.jpg" in missing.message and missing.col == 1


def test_the_sites_own_pages_and_images_have_no_findings(root: Path) -> None:
    assert [f.format() for f in check_site(root)] == []


# (rule, failing page, line reported, nearest harmless look-alike that must pass)
CASES = [
    ("H001", "正文。\n", 1, "# 标题\n\n正文。\n"),
    ("H002", "# 甲\n\n文。\n\n# 乙\n\n文。\n", 5, "# 甲\n\n文。\n\n## 乙\n\n文。\n"),
    ("H003", "## 乙\n\n文。\n\n# 甲\n\n文。\n", 1, "# 甲\n\n文。\n\n## 乙\n\n文。\n"),
    ("H004", "# 甲\n\n文。\n\n#### 丁\n\n文。\n", 5, "# 甲\n\n文。\n\n```md\n#### 丁\n```\n"),
    ("H005", "# 一\n\n文。\n\n## 二\n\n文。\n\n### 三\n\n文。\n\n#### 四\n\n文。\n\n##### 五\n\n文。\n", 17,
     "# 一\n\n文。\n\n## 二\n\n文。\n\n### 三\n\n文。\n\n#### 四\n\n文。\n"),
    ("H006", "# 甲\n\n文。\n\n## ➤➤➤\n\n文。\n", 5, "# 甲\n\n文。\n\n## 3 个误区\n\n文。\n"),
    ("H007", "# 甲\n\n文。\n\n## 1.1.概念\n\n文。\n", 5, "# 甲\n\n文。\n\n## 2024 年的变化\n\n文。\n"),
    ("H007", "# 甲\n\n文。\n\n## （1）市场\n\n文。\n", 5, "# 甲\n\n文。\n\n## 市场（Marketing）\n\n文。\n"),
    ("H007", "# 甲\n\n文。\n\n## 二、用户运营\n\n文。\n", 5, "# 甲\n\n文。\n\n## 用户运营二三事\n\n文。\n"),
    ("H007", "# 甲\n\n文。\n\n## 第 3 章 留存\n\n文。\n", 5, "# 甲\n\n文。\n\n## 第三方渠道\n\n文。\n"),
    ("H008", "# 甲\n\n文。\n\n## 留存\n\n文。\n\n## 留存\n\n文。\n", 9, "# 甲\n\n文。\n\n## 留存\n\n文。\n\n## 留存率\n\n文。\n"),
    ("H009", "# 甲\n\n文。\n\n## 乙\n\n## 丙\n\n文。\n", 5, "# 甲\n\n文。\n\n## 乙\n\n### 丙\n\n文。\n"),
    ("H009", "# 甲\n\n文。\n\n## 乙\n\n<!-- 待写 -->\n", 5, "# 甲\n\n文。\n\n## 乙\n\n<!-- 注 -->\n\n文。\n"),
    ("H010", "# 甲\n\n文。\n\n## ★ 重点 ★\n\n文。\n", 5, "# 甲\n\n文。\n\n## 重点（Key）\n\n文。\n"),
    ("I001", "# 甲\n\n![生命周期曲线](../img/missing.svg)\n", 3,
     "# 甲\n\n```md\n![生命周期曲线](../img/missing.svg)\n```\n"),
    ("I001", "# 甲\n\n![图表](../img/rfm-chart.png)\n", 3, "# 甲\n\n![图表](../img/RFM-Chart.png)\n"),
    ("I001", "# 甲\n\n<!-- ![x](../img/none.png) -->\n\n![图](../img/nope.png?v=2)\n", 5,
     "# 甲\n\n<!-- ![x](../img/none.png) -->\n\n![图](../img/user-lifecycle.svg?v=2#top)\n"),
    ("I002", "# 甲\n\n![曲线](user-lifecycle.svg)\n", 3, "# 甲\n\n![曲线](../img/user-lifecycle.svg)\n"),
    ("I002", "# 甲\n\n![曲线](../../img/user-lifecycle.svg)\n", 3, "# 甲\n\n![生命周期](../img/%E7%94%A8%E6%88%B7%20%E7%94%9F%E5%91%BD%E5%91%A8%E6%9C%9F.png)\n"),
    ("I002", "# 甲\n\n![曲线](/img/user-lifecycle.svg)\n", 3, "# 甲\n\n![生命周期](<../img/用户 生命周期.png>)\n"),
    ("I003", "# 甲\n\n![曲线](https://cdn.example.com/a.png)\n", 3, "# 甲\n\n[原图出处](https://example.com/a.png)\n"),
    ("I003", "# 甲\n\n<img src=\"//cdn.example.com/a.png\" alt=\"曲线\">\n", 3, "# 甲\n\n<img src=\"../img/user-lifecycle.svg\" alt=\"曲线\">\n"),
    ("I004", "# 甲\n\n![](../img/user-lifecycle.svg)\n", 3, "# 甲\n\n![五个阶段的活跃度曲线](../img/user-lifecycle.svg)\n"),
    ("I004", "# 甲\n\n![user-lifecycle.svg](../img/user-lifecycle.svg)\n", 3, "# 甲\n\n![user lifecycle curve](../img/user-lifecycle.svg)\n"),
    ("I001", "# 甲\n\n![曲线][ref]\n\n[ref]: ../img/gone.svg\n", 3, "# 甲\n\n![曲线][ref]\n\n[ref]: ../img/user-lifecycle.svg\n"),
    ("S001", "# 甲\n\n<script>alert(1)</script>\n", 3, "# 甲\n\n```html\n<script>alert(1)</script>\n```\n"),
    ("S001", "# 甲\n\n文<iframe src=\"x\"></iframe>\n", 3, "# 甲\n\n文 `<iframe>` 标签\n"),
    ("S002", "# 甲\n\n<img src=\"../img/user-lifecycle.svg\" alt=\"曲线\" onerror=\"alert(1)\">\n", 3,
     "# 甲\n\n<img src=\"../img/user-lifecycle.svg\" alt=\"曲线\" title=\"onerror\">\n"),
    ("S003", "# 甲\n\n[点我](javascript:alert(1))\n", 3, "# 甲\n\n[点我](rfm.md)：讲 javascript: 协议\n"),
    ("F002", "---\ndescription: [未闭合\n---\n\n# 甲\n\n文。\n", 2, "---\ndescription: 一句话\n---\n\n# 甲\n\n文。\n"),
]


@pytest.mark.parametrize(("rule", "bad", "line", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_the_mistake_and_passes_its_look_alike(rule: str, bad: str, line: int, good: str) -> None:
    found = check_page(bad, "docs/page.md", IMAGES).findings
    assert (rule, line) in [(f.rule, f.line) for f in found], [f.format() for f in found]
    assert all(f.path == "docs/page.md" for f in found)
    assert check_page(good, "docs/page.md", IMAGES).findings == []


def test_images_inside_admonitions_are_checked_with_their_true_column() -> None:
    page = "# 甲\n\n!!! example \"示例\"\n\n    ![曲线](../img/gone.svg)\n\n    ```md\n    # 不是标题\n    ```\n"
    found = check_page(page, "docs/page.md", IMAGES).findings
    assert [(f.rule, f.line, f.col) for f in found] == [("I001", 5, 5)]


def test_headings_inside_html_comments_and_front_matter_are_ignored() -> None:
    page = "---\ntitle: '# 不是标题'\n---\n\n# 甲\n\n<!--\n## 注释里的标题\n-->\n\n文。\n"
    assert check_page(page, "docs/page.md", IMAGES).findings == []


def test_image_file_rules() -> None:
    assert [f.rule for f in check_image_file("img/a.bmp", b"BM")] == ["I005"]
    assert [f.rule for f in check_image_file("img/a.png", b"x" * (600 * 1024))] == ["I006"]
    assert [f.rule for f in check_image_file("img/a.png", b"", symlink_outside=True)] == ["I007"]
    evil = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert [f.rule for f in check_image_file("img/a.svg", evil)] == ["I009"]
    onload = b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'
    assert [f.rule for f in check_image_file("img/a.svg", onload)] == ["I009"]
    remote = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>'
    assert [f.rule for f in check_image_file("img/a.svg", remote)] == ["I009"]
    fine = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>t</title><defs><linearGradient id="g">'
            b'<stop offset="0" stop-color="#fff"/></linearGradient></defs><rect fill="url(#g)" width="1" height="1"/></svg>')
    assert check_image_file("img/a.svg", fine) == []
    palette = b'<svg xmlns="http://www.w3.org/2000/svg"><style>svg { --fg: #111 } @media (prefers-color-scheme: dark) { svg { --fg: #eee } }</style><rect/></svg>'
    assert check_image_file("img/a.svg", palette) == []
    # An allowlist, not a blocklist: links, animation, another namespace, styles are all refused.
    for hostile in (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"/></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><x:p xmlns:x="http://www.w3.org/1999/xhtml"/></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:red"/></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://x.example/p.svg#a) }</style></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: u\\72l(https://x.example/p) }</style></svg>'):
        assert [f.rule for f in check_image_file("img/a.svg", hostile)] == ["I009"], hostile


def test_unused_images_are_warnings_and_used_ones_are_not() -> None:
    pages = {"docs/a.md": "# 甲\n\n![曲线](../img/used.svg)\n".encode()}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    findings = check_pages(pages, {"img/used.svg": (svg, False), "img/spare.svg": (svg, False)})
    assert [(f.rule, f.path, f.severity) for f in findings] == [("I008", "img/spare.svg", "warning")]


def test_a_misspelled_image_is_reported_once_and_the_right_one_is_not_called_unused() -> None:
    pages = {"docs/a.md": "# 甲\n\n![分层结果](../img/rfm-segmnets.svg)\n".encode()}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    findings = check_pages(pages, {"img/rfm-segments.svg": (svg, False), "img/spare.svg": (svg, False)})
    assert [(f.rule, f.path) for f in findings] == [("I001", "docs/a.md"), ("I008", "img/spare.svg")]
    assert "是否想用 img/rfm-segments.svg" in findings[0].message


@pytest.mark.parametrize(
    ("data", "rule"),
    [(b"# \xff\xfe bad\n", "F001"), (b"# a\x00b\n", "F001"), (b"", None), ("# 甲\n\n文。\n".encode("utf-16"), "F001")],
    ids=["not-utf8", "nul-byte", "empty", "utf16"],
)
def test_unreadable_pages_get_a_finding_not_a_traceback(data: bytes, rule: str | None) -> None:
    text, problems = decode(data, "docs/x.md")
    assert [p.rule for p in problems] == ([rule] if rule else [])
    if text is not None:
        check_page(text, "docs/x.md", IMAGES)


def test_extreme_inputs_do_not_raise() -> None:
    check_page("# 甲\n\n" + "字" * 1_000_000 + "\n", "docs/x.md", IMAGES)
    check_page("# 甲\n\n" + "".join("  " * i + "- 项\n" for i in range(400)), "docs/x.md", IMAGES)
    check_page("# 甲\n\n" + ">" * 5000 + " 引\n", "docs/x.md", IMAGES)
    check_page("---\n" + "a: [" * 100 + "\n---\n", "docs/x.md", IMAGES)


fragments = st.sampled_from([
    "# 标题\n", "## 二\n", "#### 四\n", "```\n", "~~~\n", "<!--\n", "-->\n", "---\n", "!!! note\n",
    "    ![a](../img/x.png)\n", "![](<>)\n", "<img src=x onerror=y>\n", "[r]: ../img/a.svg\n", "- 列表\n",
    "> 引用\n", "| a | b |\n|---|---|\n", "\n", "文字 LTV（留存）\n", "<script>\n", "[x](javascript:1)\n",
])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(fragments, max_size=30), st.text(max_size=200))
def test_random_markdown_never_raises(parts: list[str], noise: str) -> None:
    result = check_page("".join(parts) + noise, "docs/a/b.md", IMAGES)
    assert all(isinstance(f, Finding) and f.rule in RULES and f.line >= 1 and f.col >= 1 for f in result.findings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    check_pages({"docs/a.md": data}, {"img/a.svg": (data, False)})


def test_each_finding_is_one_line_locally_and_one_annotation_on_github() -> None:
    finding = Finding("docs/a.md", 3, 5, "I001", "找不到图片 100%")
    assert report([finding], github=False) == ["docs/a.md:3:5: 错误 I001 找不到图片 100%"]
    # On GitHub the annotation itself reads like the local line: the log says it once, with the place.
    assert report([finding], github=True) == ["::error file=docs/a.md,line=3,col=5,title=I001::docs/a.md:3:5: 错误 I001 找不到图片 100%25"]


def test_text_from_a_pull_request_cannot_break_out_of_its_line_or_annotation() -> None:
    hostile = Finding("docs/a,b:c\n::error::x.md", 1, 1, "H001", "标题\r\n::set-output name=x::1")
    for line in report([hostile], github=False) + report([hostile], github=True):
        assert "\n" not in line and "\r" not in line
    annotation = report([hostile], github=True)[0]
    assert annotation.startswith("::error file=docs/a%2Cb%3Ac%0A%3A%3Aerror%3A%3Ax.md,line=1,col=1,title=H001::")


def test_cli_reports_on_a_broken_copy_of_the_site(tmp_path: Path, root: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "img").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# 甲\n\n文。\n\n#### 丁\n\n文。\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    result = subprocess.run([sys.executable, "-m", "opskb.cli", "--root", str(tmp_path)],
                            capture_output=True, text=True, env=env, cwd=root)
    assert result.returncode == 1
    assert "::error file=docs/index.md,line=5,col=1,title=H004::docs/index.md:5:1: 错误 H004" in result.stdout
    assert result.stdout.count("H004") == 2  # the annotation, and the title it carries
    assert "校验未通过" in result.stdout
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- the rule catalogue

# A site for the catalogue's examples: a page (docs/page.md, or mkdocs.yml for YAML examples), a
# home page that links it and uses the one image, and a nav listing both.
HOME = "# 首页\n\n[页面](page.md)\n\n![用户生命周期曲线](../img/user-lifecycle.svg)\n"
NAV = "site_name: 示例\nnav:\n  - 首页: index.md\n  - 页面: page.md\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def example_site(rule_syntax: str, example: str) -> list[Finding]:
    page = example + "\n" if rule_syntax == "markdown" else "# 页面\n\n正文。\n"
    config = NAV if rule_syntax == "markdown" else example
    site = Site({"docs/index.md": HOME.encode(), "docs/page.md": page.encode()},
                {"img/user-lifecycle.svg": (SVG, False)}, config=config, sources={})
    return check_loaded(site)


def test_every_rule_is_documented() -> None:
    """The catalogue page is generated from these fields: a rule added without them fails here."""
    for rule in RULES.values():
        assert rule.id[0].isupper() and rule.id[1:].isdigit() and len(rule.id) == 4, rule.id
        assert rule.severity in ("error", "warning"), rule.id
        assert rule.title.strip() and len(rule.doc) >= 10, f"{rule.id}: 缺少说明（Rule.doc）"
        assert bool(rule.bad) == bool(rule.good), f"{rule.id}: 示例要成对（bad 与 good）"


def test_rule_catalogue_examples_behave_as_documented() -> None:
    examples = 0
    for rule in RULES.values():
        if not rule.bad:
            continue
        bad = example_site(rule.syntax, rule.bad)
        assert rule.id in [f.rule for f in bad], f"{rule.id}: the 错误 example is not reported: {[f.format() for f in bad]}"
        good = example_site(rule.syntax, rule.good)
        assert good == [], f"{rule.id}: the 正确 example is reported: {[f.format() for f in good]}"
        examples += 1
    assert examples >= 20  # the page, nav, link, YAML and typesetting rules all carry examples


def test_the_catalogue_page_is_generated_from_every_rule(site: Path) -> None:
    html = (site / "contributing/rules/index.html").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f">{rule.id} {rule.title}<" in html.replace("&lt;", "<").replace("&gt;", ">"), rule.id
    assert "rules-catalogue" not in html


def test_a_new_rule_appears_in_the_catalogue_without_editing_the_page() -> None:
    from opskb.catalogue import render
    from opskb.rules import Rule

    text = render([*RULES.values(), Rule("Z001", "warning", "新规则", "一条新规则的说明，写明检查什么和怎样修正。")])
    assert "### Z001 新规则\n\n级别：警告。一条新规则的说明" in text
    assert "## 其他规则（Z）" in text


def test_links_to_sections_a_hook_writes_are_checked_against_the_generated_text() -> None:
    home = "# 首页\n\n[规则](contributing/rules.md#n001-页面不在导航中)与[另一条](contributing/rules.md#n009-链接指向不存在的描点)。\n"
    site = Site({"docs/index.md": home.encode(), "docs/contributing/rules.md": b"# \xe8\xa7\x84\xe5\x88\x99\n\n<!-- rules-catalogue -->\n"}, {})
    links = [f for f in check_loaded(site) if f.rule.startswith("N00") and f.rule in ("N008", "N009")]
    assert [(f.rule, f.col) for f in links] == [("N009", home.split("\n")[2].index("contributing/rules.md#n009") + 1)]
    assert "是否想写 #n009-链接指向不存在的锚点" in links[0].message


def test_an_image_in_docs_has_one_owner_rule() -> None:
    """A referenced image under docs/ is I002's (at the reference); an unreferenced one is N007's."""
    page = "# 首页\n\n![分层图](chart.png)\n"
    site = Site({"docs/index.md": page.encode()}, {}, files=["docs/chart.png", "docs/stray.webp", "docs/.hidden.png"],
                config=NAV.replace("  - 页面: page.md\n", ""))
    assert [(f.path, f.rule) for f in check_loaded(site)] == [("docs/index.md", "I002"), ("docs/stray.webp", "N007")]


def test_a_new_folder_needs_an_index_and_the_nav_advice_says_how_to_start_a_group() -> None:
    pages = {"docs/index.md": b"# \xe9\xa6\x96\xe9\xa1\xb5\n\n\xe6\xad\xa3\xe6\x96\x87\xe3\x80\x82\n",
             "docs/growth/loops.md": "# 增长回路\n\n正文。\n".encode()}
    findings = check_loaded(Site(pages, {}, config=NAV.replace("  - 页面: page.md\n", "")))
    assert [(f.path, f.rule) for f in findings] == [("docs/growth/loops.md", "N001"), ("docs/growth/loops.md", "N006")]
    assert "「- 增长回路: growth/loops.md」" in findings[0].message and "先写「- 组名:」" in findings[0].message
    assert "请新建 docs/growth/index.md" in findings[1].message
