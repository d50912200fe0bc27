"""`python -m opskb check`: every rule on the site, exactly as the build runs them.

    python -m opskb check                   # the whole site
    python -m opskb check docs/a.md img/ …  # report only on these files or folders

Each finding is printed once: `path:line:col: 错误 ID 说明`, or, on GitHub Actions, as a workflow
command that annotates the line on the pull request's diff and reads the same in the log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from opskb.rules import Finding
from opskb.site import Summary, check_loaded, check_site, load_site, skip_from_env, summarize

__all__ = ["check_site", "emit", "main", "report"]

REPORT_ENV = "OPSKB_REPORT"  # a file that collects every finding as JSON lines (the pull-request summary)
CATALOGUE = "docs/contributing/rules.md"
_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def report(findings: Iterable[Finding], github: bool) -> list[str]:
    """One line per finding; on GitHub the annotation carries the same text, so nothing is said twice."""
    return [finding.github() if github else finding.format() for finding in findings]


def emit(findings: list[Finding], github: bool | None = None) -> None:
    """Print findings (see `report`) and append them to $OPSKB_REPORT if set."""
    if github is None:
        github = os.environ.get("GITHUB_ACTIONS") == "true"
    for line in report(findings, github):
        print(line, flush=True)
    if path := os.environ.get(REPORT_ENV):
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(json.dumps(f.as_dict(), ensure_ascii=False) + "\n" for f in findings)


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def _wanted(files: list[str], root: Path) -> tuple[list[str], list[str]]:
    """Repository paths (a folder ends with /) to report on, and a Chinese error for each bad argument."""
    wanted: list[str] = []
    problems: list[str] = []
    for raw in files:
        if os.name != "nt" and _WINDOWS_PATH.match(raw):
            problems.append(f"「{raw}」是 Windows 的路径，不在这个仓库（{root}）中；请写相对于仓库根目录的路径，例如 docs/index.md。")
            continue
        name = raw.replace("\\", "/") if os.name != "nt" else raw
        path = Path(os.path.abspath(name))
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            problems.append(f"「{raw}」不在这个仓库（{root}）中；只能检查仓库里的文件，例如 docs/index.md。")
            continue
        if not path.exists() and not path.is_symlink():
            problems.append(f"找不到「{raw}」；请检查文件名和所在目录（路径相对于当前目录 {Path.cwd()}）。")
        elif path.is_dir():
            wanted.append("" if rel == "." else rel + "/")
        else:
            wanted.append(rel)
    return wanted, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opskb check", description="运行全部校验规则：页面、图片、导航、链接、排版、计算块。")
    parser.add_argument("files", nargs="*", help="只报告这些文件或目录（默认报告整个网站）")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（默认当前目录）")
    parser.add_argument("--strict", action="store_true", help="有警告时也以非零状态退出")
    parser.add_argument("--skip", default=",".join(skip_from_env()), help="不运行的规则编号或前缀，逗号分隔（如 E）")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "mkdocs.yml").is_file() and not (root / "docs").is_dir():
        print(f"{root} 不是运营知识库的仓库根目录（没有 mkdocs.yml 和 docs/）；请在仓库根目录运行，或用 --root 指定。", file=sys.stderr)
        return 2
    wanted, problems = _wanted(args.files, root)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    skip = tuple(part.strip() for part in args.skip.split(",") if part.strip())
    site = load_site(root, skip=skip)
    findings = check_loaded(site, skip)
    if args.files:
        findings = [f for f in findings if any(f.path == w or (w.endswith("/") and f.path.startswith(w)) for w in wanted)]
    emit(findings)
    print(conclusion(findings, summarize(site), len(args.files)), flush=True)
    errors, warnings = counts(findings)
    return 1 if errors or (warnings and args.strict) else 0


def conclusion(findings: list[Finding], summary: Summary, files: int = 0) -> str:
    """The last line of a check: what was looked at, and the verdict."""
    scope = (f"{summary.pages} 个页面、{summary.images} 张图片、导航 {summary.nav} 项、{summary.blocks} 个计算块"
             if not files else f"所指定的 {files} 个文件或目录")
    if not findings:
        return f"校验通过：{scope}，没有发现问题。"
    errors, warnings = counts(findings)
    line = f"校验未通过：{scope}中有 {errors} 个错误、{warnings} 个警告。每条规则的说明见 {CATALOGUE}（网站上的「校验规则」页）。"
    if any(f.rule in ("T001", "E001") for f in findings):
        line += "排版（T001）和计算块（E001）问题可运行 python -m opskb fix 自动修正。"
    return line


if __name__ == "__main__":
    raise SystemExit(main())
