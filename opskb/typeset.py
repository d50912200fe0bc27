"""Chinese typesetting (rule T001): CJK–Latin spacing and full-width punctuation, via autocorrect.

`check_typesetting` reports each line autocorrect would change, with the corrected text;
`fix_typesetting` rewrites a page (`python -m opskb fix`).
"""

from __future__ import annotations

import difflib

import autocorrect_py

from opskb.rules import Finding

FIX_COMMAND = "python -m opskb fix"
_CONTEXT = 2  # characters shown on each side of a change


def _changes(old: str, new: str) -> tuple[int, list[tuple[str, str]]]:
    """Offset of the first change, and each change as (old fragment, new fragment) with context."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and i1 - spans[-1][1] <= 2 * _CONTEXT:  # close changes read as one
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    pairs = []
    for i1, i2, j1, j2 in spans:
        before = _widen(old, i1, -1)  # context is the same text on both sides of the change
        after = _widen(old, i2, +1)
        pairs.append((old[i1 - before: i2 + after], new[j1 - before: j2 + after]))
    return (spans[0][0] if spans else 0), pairs


def _widen(text: str, edge: int, step: int) -> int:
    """How many characters of context to show beyond `edge`: a few, and never half a Latin word."""
    def word(index: int) -> bool:
        return 0 <= index < len(text) and text[index].isascii() and text[index].isalnum()

    count = 0
    position = edge - 1 if step < 0 else edge
    while 0 <= position < len(text) and (count < _CONTEXT or (word(position) and word(position - step))):
        count += 1
        position += step
    return count


def check_typesetting(text: str, path: str) -> list[Finding]:
    """T001 for every line autocorrect would change: where, and the corrected text."""
    findings: list[Finding] = []
    for line in autocorrect_py.lint_for(text, "markdown").lines:
        offset, pairs = _changes(line.old, line.new)
        shown = "，".join(f"「{old}」应为「{new}」" for old, new in pairs[:3])
        more = f"等 {len(pairs)} 处" if len(pairs) > 3 else ""
        findings.append(Finding(path, line.line, line.col + offset, "T001",
                                f"排版：{shown}{more}；运行 {FIX_COMMAND} 自动修正。"))
    return findings


def fix_typesetting(text: str) -> str:
    return autocorrect_py.format_for(text, "markdown")
