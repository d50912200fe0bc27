"""One definition per metric: a page's formula for a glossary metric must agree with the glossary.

A formula is compared by its structure, not its wording: both sides are parsed (× ÷ + − and
brackets), scope words that only say "in the period" or "of the campaign" are dropped (期内、
统计周期内、活动带来的……), a few synonyms are folded (点击量 = 点击数, 人数 = 用户数), constants
such as × 100% are ignored, and the result is compared as numerator and denominator multisets. So
`ARPU = 统计周期内收入 ÷ 同期活跃用户数 × 100%` agrees with `ARPU = 期内总收入 ÷ 期内活跃用户数`,
while `ARPU = 总收入 ÷ 付费用户数` (that is ARPPU) or `ROI = （增量收入 − 成本）÷ 成本` (revenue
instead of gross profit) are reported as G012. A genuinely new wording is reported too: the message
gives the glossary's wording, so the site ends up saying the same thing the same way.

Formulas are looked for where this site writes them: code spans and `text` code blocks
(`LTV = ARPU × …`), table rows whose first cell is the metric, and definitions written
`客单价（…）：成交金额 ÷ 成交用户数`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from opskb.rules import Finding
from opskb.terms import Glossary, Term, normalize_label

Atom = Union[str, "Sum"]
Product = tuple[tuple[Atom, ...], tuple[Atom, ...]]  # (numerator, denominator), each sorted
Sum = tuple[tuple[str, Product], ...]  # sorted (sign, product) pairs


class FormulaSyntaxError(ValueError):
    pass


_OPERATORS = {"×": "*", "÷": "/", "+": "+", "−": "-"}
# A bracket holding no operator is a qualifier, not a group: 生命周期（年）, 推荐者（9～10 分）占比.
_QUALIFIER = re.compile(r"[（(][^（）()×÷+−]*[）)]")
_TOKEN = re.compile(r"\s*(?:(?P<op>[×÷+−])|(?P<open>[（(])|(?P<close>[）)])|(?P<word>[^×÷+−（）()]+))")
_CONSTANT = re.compile(r"^[\d.,%‰]+$")
# Scope words that narrow where a quantity is counted without changing what it is.
_PREFIXES = (
    "统计周期内", "周期内", "期内", "同期", "当期", "本期", "某渠道", "该渠道",
    "活动带来", "广告带来", "活动", "广告", "增量", "总", "平均", "每月", "月", "年",
)
_SYNONYMS = {
    # What buyers paid: revenue for a shop selling its own goods (a platform's GMV is not its
    # revenue, but no glossary formula puts the two side by side).
    "营收": "收入", "成交金额": "收入", "支付金额": "收入", "成交额": "收入", "销售额": "收入",
    # Who paid: the denominators that separate 客单价/ARPPU (buyers) from ARPU (active users).
    "付费用户数": "成交用户数", "购买用户数": "成交用户数", "下单用户数": "成交用户数",
    "成交客户数": "成交用户数", "付费客户数": "成交用户数", "客户数": "成交用户数",
    "订单量": "订单数",
    "曝光量": "曝光数", "曝光次数": "曝光数", "展现量": "曝光数", "展现次数": "曝光数", "展示次数": "曝光数",
    "点击量": "点击数", "点击次数": "点击数",
    "成本": "投入", "花费": "投入", "消费": "投入", "投入成本": "投入", "费用": "投入",
    "新用户数": "新增用户数",
    "活跃用户": "活跃用户数",
}
# Qualifiers in front of a metric's name on the left-hand side: 次日留存率, 第 N 日留存率, 月 ARPU.
_LHS_QUALIFIER = re.compile(r"^(?:第?(?:N|\d+)[日天周月]|次日|次月|首月|平均|月|年|日|周)(?=.)")


def canonical(concept: str) -> str:
    """The comparable form of one quantity's name."""
    text = unicodedata.normalize("NFKC", concept)
    text = re.sub(r"\s+", "", text).replace("的", "").replace("天", "日")
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
    if text.endswith("人数") and not text.endswith("用户数"):
        text = text[: -len("人数")] + "用户数"
    return _SYNONYMS.get(text, text)


def _tokens(expression: str) -> list[tuple[str, str]]:
    text = unicodedata.normalize("NFKC", expression)
    text = re.sub(r"(?<=\s)-(?=\s)", "−", text)  # an ASCII minus between spaces
    text = text.replace("（", "(").replace("）", ")")
    while _QUALIFIER.search(text):
        text = _QUALIFIER.sub("", text)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FormulaSyntaxError(expression)
        position = match.end()
        if match.group("op"):
            tokens.append(("op", _OPERATORS[match.group("op")]))
        elif match.group("open"):
            tokens.append(("open", "("))
        elif match.group("close"):
            tokens.append(("close", ")"))
        elif match.group("word").strip():
            tokens.append(("word", match.group("word").strip()))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaSyntaxError("unexpected end")
        self.position += 1
        return token

    def expression(self) -> Product:
        terms: list[tuple[str, Product]] = [("+", self.term())]
        while (token := self.peek()) and token[0] == "op" and token[1] in "+-":
            self.take()
            terms.append((token[1], self.term()))
        if len(terms) == 1:
            return terms[0][1]
        return ((tuple(sorted(terms, key=repr)),), ())  # a sum is one atom of a product

    def term(self) -> Product:
        numerator: list[Atom] = []
        denominator: list[Atom] = []
        self._multiply(numerator, denominator, self.factor(), divide=False)
        while (token := self.peek()) and token[0] == "op" and token[1] in "*/":
            self.take()
            self._multiply(numerator, denominator, self.factor(), divide=token[1] == "/")
        return tuple(sorted(numerator, key=repr)), tuple(sorted(denominator, key=repr))

    @staticmethod
    def _multiply(numerator: list[Atom], denominator: list[Atom], factor: Product, divide: bool) -> None:
        top, bottom = factor
        (denominator if divide else numerator).extend(top)
        (numerator if divide else denominator).extend(bottom)

    def factor(self) -> Product:
        kind, value = self.take()
        if kind == "open":
            inner = self.expression()
            if self.take()[0] != "close":
                raise FormulaSyntaxError("unbalanced")
            return inner
        if kind == "word":
            return ((() if _CONSTANT.match(value) else (canonical(value),)), ())
        raise FormulaSyntaxError(value)


def normal_form(expression: str) -> Product:
    """The structure of a right-hand side, for comparison; FormulaSyntaxError if it does not parse."""
    parser = _Parser(_tokens(expression))
    result = parser.expression()
    if parser.peek() is not None:
        raise FormulaSyntaxError(expression)
    return result


def split_equation(text: str) -> list[str]:
    """`A = B ≈ C` → [A, B, C], splitting only outside brackets."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
        if char in "=≈" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def metric_key(lhs: str) -> str:
    """The label a left-hand side names, without qualifiers: 第 N 日留存率 → 留存率, 月 ARPU（元） → arpu."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", lhs))
    text = re.sub(r"[*_]", "", text)
    text = _QUALIFIER.sub("", text.replace("（", "(").replace("）", ")"))
    text = _LHS_QUALIFIER.sub("", text)
    return normalize_label(text)


@dataclass(frozen=True)
class Accepted:
    term: Term
    shown: str  # the glossary's formula, as written there
    forms: frozenset[Product]


def glossary_formulas(glossary: Glossary, path: str = "includes/terms.yml") -> tuple[dict[str, Accepted], list[Finding]]:
    """Each metric label → the forms its glossary formula accepts; G013 for a formula that cannot be used."""
    accepted: dict[str, Accepted] = {}
    findings: list[Finding] = []
    for term in glossary.terms:
        if not term.formulas:
            continue
        labels = {normalize_label(label) for label in term.labels}
        forms: set[Product] = set()
        for formula in term.formulas:
            sides = split_equation(formula)
            if len(sides) < 2 or metric_key(sides[0]) not in labels:
                findings.append(Finding(path, term.line_of("formula"), 5, "G013", f"术语「{term.name}」的公式「{formula}」应写成「{term.abbr or term.name} = …」，等号左边是这个术语本身。"))
                continue
            for side in sides[1:]:
                try:
                    forms.add(normal_form(side))
                except FormulaSyntaxError:
                    findings.append(Finding(path, term.line_of("formula"), 5, "G013", f"术语「{term.name}」的公式「{formula}」无法解析；只用 × ÷ + − 和成对的括号。"))
        if forms:
            entry = Accepted(term, "；".join(term.formulas), frozenset(forms))
            for label in labels:
                accepted[label] = entry
    return accepted, findings


# --------------------------------------------------------------------------- finding formulas in pages

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w-]*)")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_DEFINITION = re.compile(
    r"(?:^|(?<=[\s*>|、，；（(]))(?P<lhs>[^\s，。；：:、（）()|*`]{1,12}?)(?:[（(][^）)]*[）)])?\s*[：:]\s*"
    r"(?P<rhs>[^，。；|`：:]*[×÷][^，。；|`：:]*)"
)
_SYMBOLIC = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z]{2,}")


@dataclass(frozen=True)
class PageFormula:
    line: int
    col: int
    lhs: str
    rhs: str


def page_formulas(text: str) -> list[PageFormula]:
    """Candidate `metric = expression` statements of a page, with 1-based line and column."""
    found: list[PageFormula] = []
    fence: str | None = None
    plain = False
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not match.group(2):
                fence = None
            elif plain:
                found.extend(_equations(line, number, line.index(line.strip()[:1]) + 1 if line.strip() else 1))
            continue
        if match:
            fence, plain = match.group(1), match.group(2) in ("", "text")
            continue
        for span in _CODE_SPAN.finditer(line):
            found.extend(_equations(span.group(1), number, span.start(1) + 1))
        prose = _CODE_SPAN.sub(" ", line)
        if prose.lstrip().startswith("|"):
            cells = [cell.strip() for cell in prose.strip().strip("|").split("|")]
            if len(cells) > 1:
                for cell in cells[1:]:
                    if re.search("[×÷]", cell) and _SYMBOLIC.search(cell):
                        found.append(PageFormula(number, line.find(cell) + 1, cells[0], cell))
            continue
        for definition in _DEFINITION.finditer(prose):
            found.append(PageFormula(number, definition.start("lhs") + 1, definition.group("lhs"), definition.group("rhs").strip()))
    return found


def _equations(code: str, line: int, col: int) -> list[PageFormula]:
    sides = split_equation(code)
    if len(sides) < 2 or not sides[0]:
        return []
    return [PageFormula(line, col, sides[0], side) for side in sides[1:] if _SYMBOLIC.search(side)]


def check_formulas(pages: Mapping[str, str], glossary: Glossary) -> list[Finding]:
    """G012 for every page formula of a glossary metric that the glossary does not accept."""
    accepted, _problems = glossary_formulas(glossary)
    findings: list[Finding] = []
    for path, text in pages.items():
        for formula in page_formulas(text):
            entry = accepted.get(metric_key(formula.lhs))
            if entry is None:
                continue
            try:
                form = normal_form(formula.rhs)
            except FormulaSyntaxError:
                continue
            if form not in entry.forms:
                findings.append(Finding(
                    path, formula.line, formula.col, "G012",
                    f"「{formula.lhs.strip()} = {formula.rhs}」与术语表中「{entry.term.name}」的口径不一致；"
                    f"术语表为「{entry.shown}」。请改用这个口径（措辞也保持一致），或先修改 includes/terms.yml 中的公式。",
                ))
    return findings
