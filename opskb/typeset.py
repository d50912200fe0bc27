"""`opskb-typeset`: Chinese typesetting (CJK–Latin spacing, full-width punctuation) via autocorrect.

    opskb-typeset docs/a.md ...   # report lines autocorrect would change; exit 1 if any
    opskb-typeset --fix docs/...  # rewrite the files in place
"""

from __future__ import annotations

import argparse
from pathlib import Path

import autocorrect_py


def problems(text: str, path: str) -> list[str]:
    """`path:line:col: old → new` for every line autocorrect would change."""
    result = autocorrect_py.lint_for(text, "markdown")
    return [f"{path}:{line.line}:{line.col}: 排版 {line.old.strip()} → {line.new.strip()}" for line in result.lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="opskb-typeset", description="检查或修正中英文排版。")
    parser.add_argument("files", nargs="*", type=Path, help="Markdown 文件（默认 docs/ 下全部页面）")
    parser.add_argument("--fix", action="store_true", help="直接改写文件")
    args = parser.parse_args(argv)
    files = args.files or sorted(Path("docs").rglob("*.md"))
    found = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        fixed = autocorrect_py.format_for(text, "markdown")
        if fixed == text:
            continue
        if args.fix:
            path.write_text(fixed, encoding="utf-8")
            print(f"已修正 {path}")
        else:
            lines = problems(text, path.as_posix())
            found += len(lines) or 1
            print("\n".join(lines) or f"{path}: 排版需要修正")
    if found:
        print(f"排版：{found} 处需要修正；运行 opskb-typeset --fix 文件名 自动修正。")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
