"""The site's terms: one data file (includes/terms.yml), read into typed records.

The glossary page, the tooltips, the formula consistency rule and the search's query variants all
come from `load_terms()`; nothing else defines a term. Problems in the file are findings with rule
IDs G001–G009 and `includes/terms.yml:line:col`, in Chinese, like every other rule of the site.

    groups:                       # glossary sections, in page order: name → one-line intro
      用户与增长: 围绕用户从获取到离开的全过程……
    terms:
      - id: dau                   # stable anchor: glossary/#dau (lowercase ASCII and hyphens)
        name: 日活跃用户数          # Chinese name
        abbr: DAU                 # acronym: gets a tooltip on every page (optional)
        en: Daily Active Users    # English (optional)
        aliases: [日活]            # other ways readers type it (optional)
        definition: 一天内……        # one line
        formula: DAU = ……          # the 口径, or a list of accepted forms (optional)
        see: modules/user-operations/index.md#用户运营的核心指标   # the page (and heading) that explains it
        group: 用户与增长
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from opskb.rules import Finding

TERMS_FILE = "includes/terms.yml"
FIELDS = ("id", "name", "abbr", "en", "aliases", "definition", "formula", "see", "group")
REQUIRED = ("id", "name", "definition", "see", "group")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_ID_PREFIX = "index-"
_ALIAS_SEPARATOR = re.compile(r"[，、；]")  # the glossary's letter index uses index-a … index-z
# Material shows a tooltip by inserting the abbreviation's title as HTML: no markup may reach it.
_MARKUP = re.compile(r"[<>]")


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    abbr: str | None
    en: str | None
    aliases: tuple[str, ...]
    definition: str
    formulas: tuple[str, ...]
    see: str  # docs-relative page, optionally with #anchor
    group: str
    line: int  # where the entry starts in the data file (1-based)
    lines: tuple[tuple[str, int], ...] = ()  # (field, line) for each field written

    def line_of(self, field: str) -> int:
        """The line of a field in the data file (the entry's first line if it is not written)."""
        return dict(self.lines).get(field, self.line)

    @property
    def heading(self) -> str:
        """The glossary heading: 用户生命周期价值（LTV）; a name that already holds the acronym stays as is."""
        if self.abbr and self.abbr not in self.name:
            return f"{self.name}（{self.abbr}）"
        return self.name

    @property
    def labels(self) -> tuple[str, ...]:
        """Every way a reader may type the term: name, acronym, English, aliases (no duplicates)."""
        seen: dict[str, None] = {}
        for label in (self.name, self.abbr, self.en, *self.aliases):
            if label:
                seen.setdefault(label, None)
        return tuple(seen)

    @property
    def tooltip(self) -> str:
        """The text shown when a reader points at the acronym."""
        english = f"（{self.en}）" if self.en else ""
        return f"{self.name}{english}：{self.definition}"

    @property
    def page(self) -> str:
        return self.see.split("#", 1)[0]

    @property
    def anchor(self) -> str:
        return self.see.split("#", 1)[1] if "#" in self.see else ""


@dataclass(frozen=True)
class Group:
    name: str
    intro: str


@dataclass(frozen=True)
class Glossary:
    groups: tuple[Group, ...]
    terms: tuple[Term, ...]

    def by_id(self) -> dict[str, Term]:
        return {term.id: term for term in self.terms}

    def in_group(self, group: str) -> list[Term]:
        return [term for term in self.terms if term.group == group]


class TermsError(Exception):
    """The data file has errors; `findings` say where and how to fix them (in Chinese)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(f.format() for f in findings))
        self.findings = findings


def normalize_label(text: str) -> str:
    """How labels are compared: width-folded, lower case, without spaces or separators (A/B 测试 = ab测试)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s/\-·・.]+", "", folded)


def load_terms(path: Path | None = None) -> Glossary:
    """The glossary from the data file (default: includes/terms.yml of this repository).

    Raises TermsError when the file has errors.
    """
    path = path or Path(__file__).resolve().parents[1] / TERMS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise TermsError([Finding(TERMS_FILE, 1, 1, "G001", "无法以 UTF-8 文本读取术语数据文件；请检查文件是否存在、编码是否为 UTF-8。")]) from None
    glossary, findings = parse_terms(text)
    errors = [f for f in findings if f.severity == "error"]
    if errors or glossary is None:
        raise TermsError(errors)
    return glossary


# --------------------------------------------------------------------------- parsing


def parse_terms(text: str, path: str = TERMS_FILE) -> tuple[Glossary | None, list[Finding]]:
    """Read and check the data file's text; never raises. Glossary is None when it cannot be read."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Finding(path, line, col, "G001", "术语数据不是合法的 YAML；请检查缩进（用空格，不用 Tab）、冒号后的空格和引号是否成对。")]
    if not isinstance(root, yaml.MappingNode):
        return None, [Finding(path, 1, 1, "G002", "术语数据的顶层应包含 groups:（分组）和 terms:（术语列表）两项。")]
    findings: list[Finding] = []
    top = _mapping(root)
    for key, (key_node, _value) in top.items():
        if key not in ("groups", "terms"):
            findings.append(_at(path, key_node, "G002", f"顶层只能有 groups 和 terms 两项，不认识「{key}」。"))
    groups = _read_groups(top.get("groups"), root, path, findings)
    terms = _read_terms(top.get("terms"), root, path, {g.name for g in groups}, findings)
    if not groups or terms is None:
        return None, sorted(set(findings))
    findings.extend(_check_unique(terms, path))
    return Glossary(tuple(groups), tuple(terms)), sorted(set(findings))


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(getattr(key, "value", "")): (key, value) for key, value in node.value}


def _at(path: str, node: yaml.Node, rule: str, message: str) -> Finding:
    return Finding(path, node.start_mark.line + 1, node.start_mark.column + 1, rule, message)


def _read_groups(entry: tuple[yaml.Node, yaml.Node] | None, root: yaml.Node, path: str, findings: list[Finding]) -> list[Group]:
    if entry is None:
        findings.append(_at(path, root, "G002", "缺少 groups:（分组名与一句话简介）。"))
        return []
    _key, node = entry
    if not isinstance(node, yaml.MappingNode) or not node.value:
        findings.append(_at(path, node, "G002", "groups: 应写成「分组名: 一句话简介」的若干行。"))
        return []
    groups: list[Group] = []
    for key, value in node.value:
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            findings.append(_at(path, value, "G003", f"分组「{key.value}」缺少一句话简介。"))
            continue
        groups.append(Group(str(key.value), str(value.value).strip()))
    return groups


def _read_terms(
    entry: tuple[yaml.Node, yaml.Node] | None, root: yaml.Node, path: str, groups: set[str], findings: list[Finding]
) -> list[Term] | None:
    if entry is None:
        findings.append(_at(path, root, "G002", "缺少 terms:（术语列表）。"))
        return None
    _key, node = entry
    if not isinstance(node, yaml.SequenceNode):
        findings.append(_at(path, node, "G002", "terms: 应是一个列表，每个术语以「- id: …」开头。"))
        return None
    terms: list[Term] = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            findings.append(_at(path, item, "G002", "每个术语应是一组「字段: 值」，以「- id: …」开头。"))
            continue
        term = _read_term(item, path, groups, findings)
        if term is not None:
            terms.append(term)
    return terms


def _read_term(node: yaml.MappingNode, path: str, groups: set[str], findings: list[Finding]) -> Term | None:
    fields = _mapping(node)
    label = _scalar(fields.get("id")) or _scalar(fields.get("name")) or "（未命名）"
    ok = True
    for key, (key_node, _value) in fields.items():
        if key not in FIELDS:
            close = difflib.get_close_matches(key, FIELDS, n=1)
            hint = f"是否想写 {close[0]}？" if close else f"可用的字段：{'、'.join(FIELDS)}。"
            findings.append(_at(path, key_node, "G004", f"术语「{label}」有未知字段「{key}」；{hint}"))
            ok = False
    for key in REQUIRED:
        if not _scalar(fields.get(key)):
            findings.append(_at(path, node, "G003", f"术语「{label}」缺少必填字段 {key}。"))
            ok = False
    values: dict[str, str | None] = {}
    for key in ("id", "name", "abbr", "en", "definition", "see", "group"):
        value_node = fields.get(key, (None, None))[1]
        if value_node is not None and not isinstance(value_node, yaml.ScalarNode):
            findings.append(_at(path, value_node, "G003", f"术语「{label}」的 {key} 应是一行文字，不是列表或嵌套字段。"))
            ok = False
            continue
        values[key] = _scalar(fields.get(key))
        if value_node is not None and values[key] is not None:
            problem = _text_problem(values[key] or "")
            if problem:
                findings.append(_at(path, value_node, "G005", f"术语「{label}」的 {key} {problem}"))
                ok = False
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("aliases", "formula"):
        value_node = fields.get(key, (None, None))[1]
        items, problem_node = _scalars(value_node)
        if key == "aliases":  # [日活、日活跃用户] reads as Chinese and survives typesetting tools
            items = tuple(part.strip() for item in items for part in _ALIAS_SEPARATOR.split(item) if part.strip())
        if problem_node is not None:
            findings.append(_at(path, problem_node, "G003", f"术语「{label}」的 {key} 应是一行文字或「[甲, 乙]」形式的列表。"))
            ok = False
        for item in items:
            if problem := _text_problem(item):
                findings.append(_at(path, value_node, "G005", f"术语「{label}」的 {key}「{item}」{problem}"))
                ok = False
        lists[key] = items
    term_id = values.get("id") or ""
    if term_id and (not _ID.match(term_id) or term_id.startswith(RESERVED_ID_PREFIX)):
        findings.append(_at(path, fields["id"][1], "G006", f"id「{term_id}」只能用小写英文字母、数字和连字符（如 ltv、ab-test），不能以 {RESERVED_ID_PREFIX} 开头；它是术语表中的固定锚点。"))
        ok = False
    group = values.get("group")
    if group and group not in groups:
        close = difflib.get_close_matches(group, sorted(groups), n=1)
        hint = f"是否想写「{close[0]}」？" if close else f"已有分组：{'、'.join(sorted(groups))}。"
        findings.append(_at(path, fields["group"][1], "G007", f"术语「{label}」的分组「{group}」不在 groups: 中；{hint}"))
        ok = False
    see = values.get("see") or ""
    if see and (see.startswith(("/", "http:", "https:")) or not see.split("#", 1)[0].endswith(".md")):
        findings.append(_at(path, fields["see"][1], "G008", f"see「{see}」应是 docs/ 下的页面路径，可带锚点，例如 modules/user-operations/ltv.md#ltv-的计算公式。"))
        ok = False
    if not ok:
        return None
    return Term(
        id=term_id,
        name=values["name"] or "",
        abbr=values.get("abbr"),
        en=values.get("en"),
        aliases=lists["aliases"],
        definition=values["definition"] or "",
        formulas=lists["formula"],
        see=see,
        group=group or "",
        line=node.start_mark.line + 1,
        lines=tuple((key, key_node.start_mark.line + 1) for key, (key_node, _value) in fields.items()),
    )


def _scalar(entry: tuple[yaml.Node, yaml.Node] | None) -> str | None:
    if entry is None or not isinstance(entry[1], yaml.ScalarNode):
        return None
    value = str(entry[1].value).strip()
    return value or None


def _scalars(node: yaml.Node | None) -> tuple[tuple[str, ...], yaml.Node | None]:
    """A scalar or a flat list of scalars as strings; the offending node if it is neither."""
    if node is None:
        return (), None
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value).strip()
        return ((value,) if value else ()), None
    if isinstance(node, yaml.SequenceNode):
        items: list[str] = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                return (), item
            if str(item.value).strip():
                items.append(str(item.value).strip())
        return tuple(items), None
    return (), node


def _text_problem(value: str) -> str | None:
    if "\n" in value:
        return "只能写一行；请把多行合并成一句。"
    if _MARKUP.search(value):
        return "不能含尖括号 < >（会被当作网页代码）；公式里的大小比较请写成「大于」「小于」。"
    return None


def _check_unique(terms: list[Term], path: str) -> list[Finding]:
    findings: list[Finding] = []
    ids: dict[str, Term] = {}
    labels: dict[str, Term] = {}
    for term in terms:
        if term.id in ids:
            findings.append(Finding(path, term.line, 1, "G009", f"id「{term.id}」与第 {ids[term.id].line} 行的术语重复；锚点必须唯一，请换一个。"))
        ids.setdefault(term.id, term)
        for label in (term.name, term.abbr, *term.aliases):  # English names may coincide (Conversion Rate)
            if not label:
                continue
            key = normalize_label(label)
            other = labels.get(key)
            if other is not None and other is not term:
                findings.append(Finding(path, term.line, 1, "G009", f"「{label}」已是第 {other.line} 行术语「{other.name}」的名称、缩写或别称；同一个词只能指向一个术语，请删去其中一处。"))
            labels.setdefault(key, term)
    return findings
