"""Computed blocks (rules E001, E002): page text that examples/*.py calculate from their data.

A page shows a script's result between two marker lines, each alone on its line:

    <!-- computed: rfm-setup -->

    分析日为 2024-12-31，……

    <!-- /computed -->

Every `examples/*.py` that defines `render_blocks() -> dict[name, markdown]` is a source of blocks.
`python -m opskb fix` rewrites every block from its script (`regenerate`).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from opskb.rules import Finding, closest

OPEN = re.compile(r"^<!-- computed: ([A-Za-z0-9_-]+) -->$")
CLOSE = "<!-- /computed -->"
FIX_COMMAND = "python -m opskb fix"


@dataclass(frozen=True)
class Source:
    """Where a block comes from: the script, the data files it reads, and what it renders."""

    script: str  # repository path, e.g. examples/rfm.py
    data: tuple[str, ...]  # repository paths of the files the script reads
    text: str

    def origin(self) -> str:
        """「脚本 examples/rfm.py 用 examples/orders.csv」: what produces the block."""
        return f"脚本 {self.script} 用 {'、'.join(self.data)}" if self.data else f"脚本 {self.script}"


@dataclass(frozen=True)
class Block:
    name: str
    start: int  # line of the opening marker (1-based)
    end: int  # line of the closing marker
    body: list[str]


def load_sources(root: Path, folder: str = "examples") -> tuple[dict[str, Source], list[Finding]]:
    """Run every example script's render_blocks(); a script that fails is a finding, not a traceback."""
    sources: dict[str, Source] = {}
    findings: list[Finding] = []
    for path in sorted((root / folder).glob("*.py")):
        script = path.relative_to(root).as_posix()
        try:
            if "def render_blocks" not in path.read_text(encoding="utf-8"):
                continue
            name = f"opskb_example_{path.stem}"
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up while the script runs
            spec.loader.exec_module(module)
            blocks = module.render_blocks()
        except Exception as error:  # noqa: BLE001 - any failure of the script is reported the same way
            line = next((frame.lineno for frame in reversed(traceback.extract_tb(error.__traceback__))
                         if Path(frame.filename) == path and frame.lineno), 1)
            findings.append(Finding(script, line, 1, "E001",
                                    f"运行 {script} 算计算块时出错（{type(error).__name__}: {error}）；"
                                    f"请修正脚本或它读取的数据，再运行 {FIX_COMMAND}。"))
            continue
        data = tuple(sorted(
            value.resolve().relative_to(root.resolve()).as_posix()
            for value in vars(module).values()
            if isinstance(value, Path) and value.is_file() and value.resolve().is_relative_to(root.resolve())
        ))
        for block_name, text in blocks.items():
            sources[block_name] = Source(script, data, text)
    return sources, findings


def parse_blocks(text: str, path: str) -> tuple[list[Block], list[Finding]]:
    """The blocks of a page, and E002 for every marker that is malformed, unclosed or stray."""
    blocks: list[Block] = []
    findings: list[Finding] = []
    current: tuple[str, int] | None = None
    body: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        opening = OPEN.match(line)
        if opening:
            if current is not None:
                findings.append(Finding(path, number, 1, "E002",
                                        f"第 {current[1]} 行开始的计算块「{current[0]}」还没有结束，这里又开始了一块；"
                                        f"请在前一块末尾单独一行写 {CLOSE}。"))
            current, body = (opening.group(1), number), []
        elif line == CLOSE:
            if current is None:
                findings.append(Finding(path, number, 1, "E002",
                                        f"这一行的 {CLOSE} 没有对应的开始标记；请删去它，或在块前补上 <!-- computed: 名称 -->。"))
            else:
                blocks.append(Block(current[0], current[1], number, body))
                current = None
        elif current is not None:
            body.append(line)
        elif "computed" in line and re.search(r"<!-- /?computed", re.sub(r"`[^`]*`", "", line)):  # inline code may show one
            findings.append(Finding(path, number, line.find("<!--") + 1, "E002",
                                    f"计算块标记要单独占一行，写作 <!-- computed: 名称 --> 或 {CLOSE}，前后不加其他文字。"))
    if current is not None:
        findings.append(Finding(path, current[1], 1, "E002",
                                f"计算块「{current[0]}」没有结束标记；请在块的末尾单独一行写 {CLOSE}。"))
    return blocks, findings


def check_blocks(text: str, path: str, sources: dict[str, Source]) -> list[Finding]:
    """E001 where a block differs from what its script computes, E002 for marker mistakes."""
    blocks, findings = parse_blocks(text, path)
    for block in blocks:
        source = sources.get(block.name)
        if source is None:
            suggestion = closest(block.name, sources)
            tip = f"是否想写 {suggestion}？" if suggestion else "块名来自 examples/ 中脚本的 render_blocks()。"
            findings.append(Finding(path, block.start, 1, "E002", f"没有名为「{block.name}」的计算块；{tip}"))
            continue
        expected = source.text.strip().split("\n")
        actual = "\n".join(block.body).strip().split("\n")
        if actual != expected:
            offset = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b), min(len(actual), len(expected)))
            first_body = next((i for i, line in enumerate(block.body) if line.strip()), 0)
            line = min(block.start + 1 + first_body + offset, block.end)
            findings.append(Finding(path, line, 1, "E001",
                                    f"计算块「{block.name}」与{source.origin()} 算出的结果不一致；计算块不能手改："
                                    f"要改数字请改数据或脚本，然后运行 {FIX_COMMAND} 重新生成。"))
    return findings


def regenerate(text: str, sources: dict[str, Source]) -> tuple[str, list[str]]:
    """The page with every known block rewritten from its script, and the names that changed."""
    blocks, _ = parse_blocks(text, "")
    lines = text.split("\n")
    changed: list[str] = []
    for block in reversed(blocks):  # from the end, so earlier line numbers stay valid
        source = sources.get(block.name)
        if source is None:
            continue
        fresh = ["", *source.text.strip().split("\n"), ""]
        if lines[block.start: block.end - 1] != fresh:
            lines[block.start: block.end - 1] = fresh
            changed.append(block.name)
    return "\n".join(lines), sorted(changed)
