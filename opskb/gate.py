"""The pull-request gate: the base branch's rules judge the pull request's content.

    python -m opskb gate ../pr --site ../preview --report ../gate.json       (run in the base checkout)
    python -m opskb summary ../gate.json --preview-url URL >> "$GITHUB_STEP_SUMMARY"

A pull request may change the rules (opskb/, hooks/) together with a page, so its own check proves
nothing. The workflow checks out the base commit and the pull request side by side; `gate` copies
the base checkout, puts the pull request's content into the copy -- docs/, img/ and the nav of
mkdocs.yml -- and runs the base's strict build there: page rules, site rules and the build-time
sanitiser exactly as they are on the base branch. Nothing of the pull request runs. Its pages and
images are data; its mkdocs.yml is only composed, and its nav is written back as plain quoted
strings, line for line, so findings keep the pull request's line numbers.

Computed blocks and the notes' map (E rules) compare pages with scripts and data outside the
content folders; the pull request's own test job checks them, with its own scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from opskb.cli import counts, emit
from opskb.config import CONFIG_FILE, NavEntry, parse_config
from opskb.launcher import ROOT
from opskb.rules import Finding, check_page, decode
from opskb.site import SKIP_ENV

CONTENT = ("docs", "img")
SKIPPED = "E"
_IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".site-*", "test-artifacts", ".*cache*", "__pycache__")
STATUS = {"added": "新增", "modified": "修改", "removed": "删除"}
_MAX_CONFIG = 1024 * 1024


@dataclass
class Changed:
    path: str
    status: str  # added | modified | removed
    title: str


@dataclass
class GateReport:
    changed: list[Changed] = field(default_factory=list)
    images_changed: int = 0
    config_changed: bool = False  # mkdocs.yml changed outside the nav: not part of this check
    findings: list[dict[str, object]] = field(default_factory=list)
    builds: dict[str, str] = field(default_factory=dict)  # engine → passed | failed | not-run
    build_tail: list[str] = field(default_factory=list)  # last lines of a failed build
    skipped: str = SKIPPED


# --------------------------------------------------------------------------- the overlay


def _nav_span(root: yaml.MappingNode) -> tuple[int, int] | None:
    """0-based first and last line of the top-level `nav:` block."""
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "nav":
            end = value.end_mark.line - (1 if value.end_mark.column == 0 else 0)
            return key.start_mark.line, max(end, key.start_mark.line)
    return None


def _without_nav(text: str) -> str:
    lines = text.split("\n")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    span = _nav_span(root) if isinstance(root, yaml.MappingNode) else None
    return "\n".join(lines[: span[0]] + lines[span[1] + 1:]) if span else text


def _nav_lines(entries: list[NavEntry], out: dict[int, str]) -> None:
    """The nav written back from its parsed entries: quoted strings only, each on its own line."""
    for entry in entries:
        title = f"{json.dumps(entry.title, ensure_ascii=False)}: " if entry.title is not None else ""
        value = json.dumps(entry.path, ensure_ascii=False) if entry.path is not None else ""
        out[entry.line] = f"{' ' * entry.indent}- {title}{value}".rstrip()
        _nav_lines(list(entry.children), out)


def merged_config(base_text: str, pr_text: str) -> tuple[str | None, list[Finding], bool]:
    """The base's mkdocs.yml with the pull request's nav; findings on the pull request's file; and
    whether the pull request changed anything else in it."""
    pr = parse_config(pr_text)
    if pr.findings or pr.nav is None:
        return None, pr.findings, False
    lines: dict[int, str] = {pr.nav_line: "nav:"}
    _nav_lines(pr.nav, lines)
    nav = "\n".join(lines.get(number, "") for number in range(1, max(lines) + 1))
    rest = _without_nav(base_text)
    changed = _without_nav(pr_text).strip() != rest.strip()
    return f"{nav}\n\n{rest}", [], changed


def _title(data: bytes, path: str) -> str:
    text, _ = decode(data, path)
    title = check_page(text, path).title if text is not None else None
    return title or "（无标题）"


def changed_content(base: Path, pr: Path) -> tuple[list[Changed], int]:
    """Pages added, modified or removed by the pull request (with titles), and how many images changed."""
    def files(root: Path, folder: str) -> dict[str, bytes]:
        top = root / folder
        return {p.relative_to(root).as_posix(): (b"" if p.is_symlink() else p.read_bytes())
                for p in sorted(top.rglob("*")) if p.is_file() or p.is_symlink()}

    old, new = files(base, "docs"), files(pr, "docs")
    changed = []
    for path in sorted(old.keys() | new.keys()):
        if not path.endswith(".md") or old.get(path) == new.get(path):
            continue
        status = "added" if path not in old else "removed" if path not in new else "modified"
        changed.append(Changed(path, status, _title(new.get(path, old.get(path, b"")), path)))
    old_img, new_img = files(base, "img"), files(pr, "img")
    images = sum(1 for path in old_img.keys() | new_img.keys() if old_img.get(path) != new_img.get(path))
    return changed, images


def overlay(base: Path, pr: Path, work: Path) -> tuple[list[Finding], bool]:
    """The base checkout copied to `work`, with the pull request's content in place."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base, work, symlinks=True, ignore=_IGNORE)
    for folder in CONTENT:
        shutil.rmtree(work / folder, ignore_errors=True)
        if (pr / folder).is_dir():
            shutil.copytree(pr / folder, work / folder, symlinks=True)  # a symlink stays one, for the rules to see
    base_text = (base / CONFIG_FILE).read_text(encoding="utf-8")
    pr_config = pr / CONFIG_FILE
    if pr_config.is_symlink() or (pr_config.is_file() and pr_config.stat().st_size > _MAX_CONFIG):
        # Never read through a link (to /dev/zero, or a file of this machine), nor a giant file.
        return [Finding(CONFIG_FILE, 1, 1, "Y001", "mkdocs.yml 要是普通的文本文件（不是符号链接，不超过 1 MB）；请提交原来的文件。")], True
    pr_text = pr_config.read_text(encoding="utf-8", errors="replace") if pr_config.is_file() else base_text
    merged, findings, config_changed = merged_config(base_text, pr_text)
    if merged is not None:
        (work / CONFIG_FILE).write_text(merged, encoding="utf-8")
    return findings, config_changed


# --------------------------------------------------------------------------- running it


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run and stream the output (the workflow log shows it), keeping its last lines."""
    tail: deque[str] = deque(maxlen=15)
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            tail.append(line.rstrip("\n"))
    return process.returncode, list(tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opskb gate", description="用本检出的规则、钩子和配置检查另一份检出（拉取请求）的内容。")
    parser.add_argument("pr", type=Path, help="拉取请求的检出目录")
    parser.add_argument("--work", type=Path, default=None, help="合并内容的临时目录（默认拉取请求目录旁的 gate-work）")
    parser.add_argument("--site", type=Path, default=None, help="构建成功时，网站放在这里（预览）")
    parser.add_argument("--report", type=Path, required=True, help="检查报告（JSON），供 summary 命令使用")
    args = parser.parse_args(argv)
    base, pr = ROOT, args.pr.resolve()
    work = (args.work or pr.parent / "gate-work").resolve()
    report = GateReport()
    report.changed, report.images_changed = changed_content(base, pr)
    config_findings, report.config_changed = overlay(base, pr, work)
    findings_file = work.parent / f"{work.name}-findings.jsonl"
    findings_file.unlink(missing_ok=True)
    env = {**os.environ, SKIP_ENV: SKIPPED, "OPSKB_GIT_DATES": "false", "OPSKB_REPORT": str(findings_file)}
    if config_findings:
        emit(config_findings)
        report.findings = [f.as_dict() for f in config_findings]
        report.builds = {"mkdocs": "not-run", "properdocs": "not-run"}
    else:
        site = (args.site or work.parent / "gate-site").resolve()
        status, tail = _run([sys.executable, "-m", "opskb", "build", "--site-dir", str(site)], work, env)
        report.builds["mkdocs"] = "passed" if status == 0 else "failed"
        if status == 0:
            fallback = work.parent / f"{work.name}-properdocs"
            status, tail = _run([sys.executable, "-m", "opskb", "build", "--engine", "properdocs", "--site-dir", str(fallback)], work, env)
            report.builds["properdocs"] = "passed" if status == 0 else "failed"
            shutil.rmtree(fallback, ignore_errors=True)
        else:
            report.builds["properdocs"] = "not-run"
        if status != 0:
            report.build_tail = tail
        if findings_file.is_file():
            report.findings = [json.loads(line) for line in findings_file.read_text(encoding="utf-8").splitlines() if line]
    args.report.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(result == "passed" for result in report.builds.values()) else 1


# --------------------------------------------------------------------------- the job summary


def _cell(text: object) -> str:
    """Text from a pull request, safe in a Markdown table cell: no markup, links, HTML or line breaks."""
    out = str(text)
    for char in "\\`*_[]~#!":
        out = out.replace(char, f"\\{char}")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;")
    return " ".join(out.split())


def _fenced(lines: list[str]) -> list[str]:
    fence = "~" * max([3] + [len(line) - len(line.lstrip("~")) + 1 for line in lines])
    return [fence + "text", *[line.replace("\r", "") for line in lines], fence]


def render_summary(report: GateReport, preview_url: str = "") -> str:
    errors = sum(1 for f in report.findings if f.get("severity") == "error")
    warnings = len(report.findings) - errors
    passed = bool(report.builds) and all(result == "passed" for result in report.builds.values())
    out = [f"## 拉取请求检查：{'通过' if passed else '未通过'}", ""]
    out += [f"用目标分支上的规则检查本拉取请求的内容：{errors} 个错误、{warnings} 个警告。" if report.findings
            else "用目标分支上的规则检查本拉取请求的内容：没有发现问题。", ""]
    out += [f"### 改动的页面（{len(report.changed)}）", ""]
    if report.changed:
        out += ["| 页面 | 标题 | 改动 |", "| --- | --- | --- |"]
        out += [f"| {_cell(c.path)} | {_cell(c.title)} | {STATUS.get(c.status, c.status)} |" for c in report.changed]
    else:
        out += ["没有改动页面。"]
    if report.images_changed:
        out += ["", f"另有 {report.images_changed} 个 img/ 中的文件有改动。"]
    out += ["", f"### 发现的问题（{len(report.findings)}）", ""]
    if report.findings:
        out += ["| 位置 | 级别 | 规则 | 说明 |", "| --- | --- | --- | --- |"]
        for f in report.findings:
            level = "错误" if f.get("severity") == "error" else "警告"
            where = "{path}:{line}:{col}".format(**f)
            out.append(f"| {_cell(where)} | {level} | {_cell(f['rule'])} | {_cell(f['message'])} |")
        out += ["", "每个问题也以注释的形式标在「Files changed」中对应的行上；规则说明见网站的「校验规则」页（docs/contributing/rules.md）。"]
    else:
        out += ["没有。"]
    names = {"mkdocs": "MkDocs 严格构建", "properdocs": "ProperDocs 严格构建（备用引擎）"}
    results = {"passed": "通过", "failed": "失败", "not-run": "未运行（前面的检查没有通过）"}
    out += ["", "### 构建", ""]
    out += [f"- {names.get(engine, engine)}：{results.get(result, result)}" for engine, result in report.builds.items()]
    if report.build_tail and not report.findings:
        out += ["", "构建失败，但没有以「文件:行:列」报告的问题；日志最后几行：", "", *_fenced(report.build_tail)]
    out += ["", "### 预览", ""]
    if passed and re.fullmatch(r"https://[\w.-]+/[\w./%?=&-]*", preview_url):
        out += [f"[下载预览网站]({preview_url})（保留 14 天）：解压后在解压出的目录里运行 `python -m http.server 8000`，"
                "再用浏览器打开 http://127.0.0.1:8000 。"]
    elif passed:
        out += ["预览网站已构建，但没有得到下载地址；请在本次运行的 Artifacts 中下载 preview-site。"]
    else:
        out += ["构建没有通过，所以没有预览网站。"]
    out += ["", "---", "", "本检查使用目标分支上的规则、构建钩子和配置，只从拉取请求中取 docs/、img/ 和 mkdocs.yml 的 nav；"
            f"计算块和原始笔记的对应关系（{report.skipped} 开头的规则）由「测试」任务检查。"]
    if report.config_changed:
        out += ["", "注意：本拉取请求还改动了 mkdocs.yml 中 nav 以外的设置。这些改动不参与本检查，需要维护者审阅。"]
    return "\n".join(out) + "\n"


def summary(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opskb summary", description="把 gate 的检查报告写成中文摘要（Markdown）。")
    parser.add_argument("report", type=Path)
    parser.add_argument("--preview-url", default="")
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print("## 拉取请求检查：未完成\n\n没有生成检查报告；请查看「以目标分支的规则检查并构建」这一步的日志。")
        return 0
    data = json.loads(args.report.read_text(encoding="utf-8"))
    data["changed"] = [Changed(**item) for item in data.get("changed", [])]
    print(render_summary(GateReport(**data), args.preview_url.strip()), end="")
    return 0
