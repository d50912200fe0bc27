"""Contributor mistakes, end to end, on a copy of the site: `python -m opskb check` and the strict
build (`python -m opskb build`) both fail, name the file and line in Chinese with a rule ID, say it
once, show no traceback and publish nothing. A typo fix in a sentence from the notes passes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# What `check` and `build` read in a checkout (the package itself too: `python -m opskb` runs the copy's).
PARTS = ["docs", "img", "includes", "examples", "hooks", "opskb", "overrides", "tests/fixtures",
         "mkdocs.yml", "requirements.lock", "pyproject.toml"]
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str


def site_copy(root: Path, dest: Path) -> Path:
    for part in PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / part)
    return dest


def opskb(copy: Path, *command: str) -> Run:
    env = {key: value for key, value in os.environ.items()
           if key not in ("GITHUB_ACTIONS", "OPSKB_SKIP_RULES", "OPSKB_REPORT", "PYTHONPATH")}
    env["OPSKB_GIT_DATES"] = "false"
    result = subprocess.run([sys.executable, "-m", "opskb", *command], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=600)
    return Run(result.returncode, result.stdout + result.stderr)


def line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- the mistakes

NEW_PAGE = "---\ndescription: 北极星指标是衡量产品核心价值的单一指标。\n---\n\n# 北极星指标\n\n北极星指标（North Star Metric）是团队共同追踪的一个指标。\n"
USER_OPS = "docs/modules/user-operations"


def page_not_in_nav(copy: Path) -> tuple[str, list[str]]:
    (copy / USER_OPS / "north-star.md").write_text(NEW_PAGE, encoding="utf-8")
    edit(copy / USER_OPS / "index.md", "\n## ", "\n- [北极星指标](north-star.md)：团队共同追踪的一个指标。\n\n## ")
    # After the chapter's last page in the nav, whichever that is today.
    after = max(n for n, line in enumerate((copy / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1) if "modules/user-operations/" in line)
    return f"{USER_OPS}/north-star.md:5:1: 错误 N001", [
        f"mkdocs.yml 第 {after} 行", "「- 北极星指标: modules/user-operations/north-star.md」", "缩进 10 个空格"]


def page_not_linked_from_its_chapter_index(copy: Path) -> tuple[str, list[str]]:
    (copy / USER_OPS / "north-star.md").write_text(NEW_PAGE, encoding="utf-8")
    edit(copy / "mkdocs.yml", "          - 金字塔分层: modules/user-operations/pyramid.md\n",
         "          - 金字塔分层: modules/user-operations/pyramid.md\n          - 北极星指标: modules/user-operations/north-star.md\n")
    return f"{USER_OPS}/north-star.md:5:1: 错误 N005", [f"{USER_OPS}/index.md 没有链接本页", "- [北极星指标](north-star.md)"]


def wrong_indent_in_mkdocs_yml(copy: Path) -> tuple[str, list[str]]:
    edit(copy / "mkdocs.yml", "\n      - 写作规范: contributing/style-guide.md", "\n     - 写作规范: contributing/style-guide.md")
    line = line_of(copy / "mkdocs.yml", "写作规范: contributing")
    return f"mkdocs.yml:{line}:6: 错误 Y001", ["缩进"]


def full_width_colon_in_nav(copy: Path) -> tuple[str, list[str]]:
    edit(copy / "mkdocs.yml", "  - 术语表: glossary.md", "  - 术语表：glossary.md")
    line = line_of(copy / "mkdocs.yml", "术语表：glossary.md")
    return f"mkdocs.yml:{line}:5: 错误 N003", ["全角冒号", "- 术语表: glossary.md"]


def nav_entry_to_a_missing_file(copy: Path) -> tuple[str, list[str]]:
    edit(copy / "mkdocs.yml", "  - 术语表: glossary.md", "  - 术语表: glosary.md")
    line = line_of(copy / "mkdocs.yml", "术语表: glosary.md")
    return f"mkdocs.yml:{line}:10: 错误 N002", ["是否想写 glossary.md"]


def english_comma_in_a_chinese_sentence(copy: Path) -> tuple[str, list[str]]:
    page = copy / "docs/glossary.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n补充说明：留存率越高,用户生命周期越长。\n", encoding="utf-8")
    line = line_of(page, "留存率越高,")
    return f"docs/glossary.md:{line}:", ["T001", "「越高,用户」应为「越高，用户」", "python -m opskb fix"]


def number_edited_in_a_computed_block(copy: Path) -> tuple[str, list[str]]:
    page = copy / USER_OPS / "rfm.md"
    edit(page, "数据包含 20 位客户", "数据包含 21 位客户")
    return f"{USER_OPS}/rfm.md:{line_of(page, '数据包含 21 位客户')}:1: 错误 E001", [
        "脚本 examples/rfm.py 用 examples/orders.csv 算出", "python -m opskb fix"]


def misspelled_image(copy: Path) -> tuple[str, list[str]]:
    page = copy / USER_OPS / "rfm.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n![八类客户的分布](../../../img/rfm-segmnets.svg)\n", encoding="utf-8")
    return f"{USER_OPS}/rfm.md:{line_of(page, 'rfm-segmnets')}:1: 错误 I001", ["是否想用 img/rfm-segments.svg"]


def image_dropped_into_docs(copy: Path) -> tuple[str, list[str]]:
    shutil.copy2(copy / "img/rfm-segments.svg", copy / "docs/modules/rfm-chart.svg")
    return "docs/modules/rfm-chart.svg:1:1: 错误 N007", ["img/rfm-chart.svg"]


def link_to_a_missing_page(copy: Path) -> tuple[str, list[str]]:
    page = copy / USER_OPS / "ltv.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n延伸阅读：[RFM 模型](rmf.md)。\n", encoding="utf-8")
    return f"{USER_OPS}/ltv.md:{line_of(page, '](rmf.md)')}:", ["N008", "是否想链接 rfm.md"]


def link_to_a_renamed_heading(copy: Path) -> tuple[str, list[str]]:
    page = copy / USER_OPS / "ltv.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n延伸阅读：[计算示例](rfm.md#计算的例子)。\n", encoding="utf-8")
    return f"{USER_OPS}/ltv.md:{line_of(page, '#计算的例子')}:", ["N009", "是否想写 #计算示例"]


def heading_of_a_notes_topic_renamed(copy: Path) -> tuple[str, list[str]]:
    edit(copy / "docs/introduction/industry-functions.md", "\n## 销售\n", "\n## 销售部门\n")
    line = line_of(copy / "tests/fixtures/seed-map.yml", "heading: \"（2）销售\"")
    return f"tests/fixtures/seed-map.yml:{line}:1: 错误 E003", ["原始笔记第 6 行的主题「（2）销售」", "anchor 改为「销售部门」"]


def heading_level_skipped(copy: Path) -> tuple[str, list[str]]:
    page = copy / "docs/glossary.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n#### 跳级的小节\n\n正文。\n", encoding="utf-8")
    return f"docs/glossary.md:{line_of(page, '#### 跳级')}:1: 错误 H004", ["请改为 2 级"]  # the page's only written heading is its H1


def page_saved_as_gb18030(copy: Path) -> tuple[str, list[str]]:
    page = copy / "docs/introduction/index.md"
    page.write_bytes(page.read_text(encoding="utf-8").encode("gb18030"))
    return "docs/introduction/index.md:", ["F001", "UTF-8"]


MISTAKES: list[Callable[[Path], tuple[str, list[str]]]] = [
    page_not_in_nav, page_not_linked_from_its_chapter_index, wrong_indent_in_mkdocs_yml, full_width_colon_in_nav,
    nav_entry_to_a_missing_file, english_comma_in_a_chinese_sentence, number_edited_in_a_computed_block,
    misspelled_image, image_dropped_into_docs, link_to_a_missing_page, link_to_a_renamed_heading,
    heading_of_a_notes_topic_renamed, heading_level_skipped, page_saved_as_gb18030,
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.__name__ for m in MISTAKES])
def test_a_contributor_mistake_is_answered_once_in_chinese_by_check_and_build(
    root: Path, tmp_path: Path, mistake: Callable[[Path], tuple[str, list[str]]]
) -> None:
    copy = site_copy(root, tmp_path / "repo")
    where, says = mistake(copy)
    for command in (["check"], ["build"]):
        run = opskb(copy, *command)
        assert run.returncode != 0, f"{command} passed:\n{run.output[-3000:]}"
        assert "Traceback" not in run.output, run.output[-3000:]
        lines = [line for line in run.output.splitlines() if line.startswith(where)]
        assert len(lines) == 1, f"{command}: expected one line starting {where!r}:\n{run.output[-3000:]}"
        assert HAN.search(lines[0]) and all(part in lines[0] for part in says), lines[0]
        # Every finding is printed once: no line in the format appears twice.
        found = [line for line in run.output.splitlines() if re.match(r"^\S+:\d+:\d+: (错误|警告) [A-Z]\d{3} ", line)]
        assert len(found) == len(set(found)), found
    assert not (copy / "site").exists(), "a failed build must publish nothing"
    assert not list(copy.glob(".site-*")), "the build's staging folder was left behind"


def test_the_build_stops_on_broken_yaml_before_mkdocs_speaks(root: Path, tmp_path: Path) -> None:
    copy = site_copy(root, tmp_path / "repo")
    wrong_indent_in_mkdocs_yml(copy)
    run = opskb(copy, "build")
    assert "MkDocs encountered an error" not in run.output and "expected <block end>" not in run.output
    assert "没有开始构建" in run.output


def test_the_misspelled_image_does_not_call_the_right_one_unused(root: Path, tmp_path: Path) -> None:
    copy = site_copy(root, tmp_path / "repo")
    misspelled_image(copy)
    run = opskb(copy, "check")
    assert "I008" not in run.output, run.output


def test_fix_rewrites_typesetting_and_computed_blocks_then_the_check_passes(root: Path, tmp_path: Path) -> None:
    copy = site_copy(root, tmp_path / "repo")
    english_comma_in_a_chinese_sentence(copy)
    number_edited_in_a_computed_block(copy)
    fixed = opskb(copy, "fix")
    assert fixed.returncode == 0, fixed.output
    assert "已修正 docs/glossary.md：排版。" in fixed.output
    assert f"已修正 {USER_OPS}/rfm.md：计算块 rfm-setup。" in fixed.output
    assert "留存率越高，用户生命周期越长。" in (copy / "docs/glossary.md").read_text(encoding="utf-8")
    assert (copy / USER_OPS / "rfm.md").read_bytes() == (root / USER_OPS / "rfm.md").read_bytes()
    check = opskb(copy, "check")
    assert check.returncode == 0 and "校验通过" in check.output, check.output


def test_a_typo_fix_in_a_sentence_from_the_notes_passes_check_and_build(root: Path, tmp_path: Path) -> None:
    copy = site_copy(root, tmp_path / "repo")
    # A sentence of the notes, reworded: 「最终衡量指标」 becomes 「最终衡量尺度」.
    edit(copy / USER_OPS / "ltv.md", "是所有用户运营手段的最终衡量指标。", "是所有用户运营手段的最终衡量尺度。")
    check = opskb(copy, "check")
    assert check.returncode == 0, check.output
    assert re.search(r"^校验通过：\d+ 个页面、\d+ 张图片、导航 \d+ 项、\d+ 个计算块，没有发现问题。$", check.output, re.M), check.output
    build = opskb(copy, "build")
    assert build.returncode == 0, build.output[-3000:]
    assert "构建成功" in build.output
    assert "是所有用户运营手段的最终衡量尺度。" in (copy / "site/modules/user-operations/ltv/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("/etc/passwd", "不在这个仓库"),
        ("../outside.md", "不在这个仓库"),
        ("C:\\Users\\me\\docs\\index.md", "是 Windows 的路径"),
        ("docs/no-such-page.md", "找不到「docs/no-such-page.md」"),
    ],
)
def test_check_answers_a_bad_path_argument_in_chinese(root: Path, argument: str, says: str) -> None:
    result = subprocess.run([sys.executable, "-m", "opskb", "check", argument], cwd=root, capture_output=True, text=True)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_check_reports_only_on_the_files_or_folders_given(root: Path, tmp_path: Path) -> None:
    copy = site_copy(root, tmp_path / "repo")
    heading_level_skipped(copy)
    elsewhere = opskb(copy, "check", "docs/modules")
    assert elsewhere.returncode == 0 and "校验通过" in elsewhere.output, elsewhere.output
    here = opskb(copy, "check", "docs/glossary.md", "docs\\introduction")
    assert here.returncode == 1 and "docs/glossary.md:" in here.output, here.output
