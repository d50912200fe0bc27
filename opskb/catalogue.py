"""The rule catalogue (docs/contributing/rules.md), generated from the rule list at build time.

The page's source holds an introduction and MARKER; hooks/validate.py puts `render()` in its place,
so a rule added to `opskb.rules._RULE_LIST` is documented on the next build with nothing else to edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from opskb.rules import RULES, Rule, default_slugify

PAGE = "contributing/rules.md"  # relative to docs/
MARKER = "<!-- rules-catalogue -->"
# Sections by ID prefix (contract: rule IDs). A prefix not listed here still gets its section.
GROUPS = {
    "F": "文件",
    "H": "标题",
    "I": "图片",
    "S": "安全",
    "A": "文件类型与符号链接",
    "M": "页首元数据",
    "L": "大小与嵌套限制",
    "N": "导航、目录页与链接",
    "Y": "mkdocs.yml 的语法",
    "T": "中英文排版",
    "E": "计算块与原始笔记",
    "G": "术语数据",
    "K": "计算器",
}


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _section(rule: Rule) -> str:
    level = "错误" if rule.severity == "error" else "警告"
    parts = [f"### {rule.id} {rule.title}", "", f"级别：{level}。{rule.doc or '（这条规则还没有说明。）'}"]
    where = "（mkdocs.yml）" if rule.syntax == "yaml" else ""
    for label, example in (("错误", rule.bad), ("正确", rule.good)):
        if example:
            fence = _fence(example)
            # A wrong Markdown example goes in a fence without a language: autocorrect would "fix" it.
            language = "" if label == "错误" and rule.syntax == "markdown" else rule.syntax
            parts += ["", f'{fence}{language} title="{label}{where}"', example.rstrip("\n"), fence]
    return "\n".join(parts)


def render(rules: Iterable[Rule] | None = None) -> str:
    """The catalogue in Markdown: a table of every rule, then a section per group of rules."""
    rules = list(RULES.values() if rules is None else rules)
    prefixes = list(dict.fromkeys(rule.id[0] for rule in rules))
    table = ["| 编号 | 级别 | 规则 |", "| --- | --- | --- |"]
    table += [
        f"| [{rule.id}](#{default_slugify(f'{rule.id} {rule.title}')}) | {'错误' if rule.severity == 'error' else '警告'} "
        f"| {rule.title.replace('|', '｜')} |"
        for rule in rules
    ]
    parts = ["## 全部规则", "", "\n".join(table)]
    for prefix in prefixes:
        parts += ["", f"## {GROUPS.get(prefix, '其他规则')}（{prefix}）"]
        parts += ["", "\n\n".join(_section(rule) for rule in rules if rule.id[0] == prefix)]
    return "\n".join(parts) + "\n"
