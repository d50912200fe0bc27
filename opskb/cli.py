"""`opskb-check`: run the page and image rules on the site, as the build does.

    opskb-check                 # the whole site (docs/ and img/)
    opskb-check docs/a.md ...   # report only on these files (pre-commit passes changed files)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from opskb.rules import Finding, check_pages, decode
from opskb.term_checks import check_terms
from opskb.terms import TERMS_FILE


def load_site(root: Path, docs_dir: str = "docs", img_dir: str = "img") -> tuple[dict[str, bytes], dict[str, tuple[bytes, bool]]]:
    """Pages and images as the rules want them: repository-relative POSIX paths to contents."""
    pages = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / docs_dir).rglob("*.md"))
        if path.is_file()
    }
    images: dict[str, tuple[bytes, bool]] = {}
    img_root = (root / img_dir).resolve()
    for path in sorted((root / img_dir).rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        target = path.resolve()
        outside = path.is_symlink() and not target.is_relative_to(img_root)
        images[rel] = (b"" if outside or not target.is_file() else target.read_bytes(), outside)
    return pages, images


def check_site(root: Path, docs_dir: str = "docs", img_dir: str = "img") -> list[Finding]:
    pages, images = load_site(root, docs_dir, img_dir)
    findings = check_pages(pages, images, exists=lambda path: (root / path).is_file())
    texts = {path: text for path, data in pages.items() if (text := decode(data, path)[0]) is not None}
    terms = root / TERMS_FILE
    terms_data = terms.read_bytes() if terms.is_file() else None
    return sorted(set(findings + check_terms(terms_data, texts, docs_dir)))


def report(findings: list[Finding], github: bool) -> list[str]:
    """The lines a contributor reads: one per finding, then a count."""
    lines = [finding.format() for finding in findings]
    if github:
        lines += [finding.github() for finding in findings]
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if findings:
        lines.append(f"页面校验：{errors} 个错误，{warnings} 个警告。规则说明见 docs/contributing/rules.md。")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="opskb-check", description="校验页面标题与图片引用。")
    parser.add_argument("files", nargs="*", help="只报告这些文件（默认报告整个站点）")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（默认当前目录）")
    parser.add_argument("--strict", action="store_true", help="有警告时也以非零状态退出")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "docs").is_dir():
        print(f"opskb-check：{root} 下没有 docs/ 目录；请在仓库根目录运行，或用 --root 指定。", file=sys.stderr)
        return 2
    findings = check_site(root)
    if args.files:
        wanted = {Path(f).resolve().relative_to(root).as_posix() if Path(f).is_absolute() else Path(f).as_posix() for f in args.files}
        findings = [f for f in findings if f.path in wanted]
    for line in report(findings, github=os.environ.get("GITHUB_ACTIONS") == "true"):
        print(line)
    failing = [f for f in findings if f.severity == "error" or args.strict]
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
