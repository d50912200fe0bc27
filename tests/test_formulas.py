"""One definition per metric: a page's formula for a glossary metric must agree with the glossary (G012)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskb.formulas import check_formulas, glossary_formulas, metric_key, normal_form, page_formulas
from opskb.terms import load_terms

# The metrics the site must keep consistent, each with a formula in the glossary.
CHECKED = ["客单价", "ARPU", "ARPPU", "LTV", "CAC", "ROI", "GMV", "留存率", "复购率", "转化率", "NPS"]

# (metric, a page line that contradicts the glossary, why it is wrong)
CONTRADICTIONS = [
    ("客单价", "`客单价 = 成交金额 ÷ 订单数`", "that is 笔单价 (per order)"),
    ("客单价", "| 平均客单价（元） | 总收入 ÷ 订单数 | 217.35 |", "a worked example's table row"),
    ("客单价", "- 客单价（Average Order Value，AOV）：总收入 ÷ 订单数；", "a definition in a list"),
    ("ARPU", "`ARPU = 总收入 ÷ 付费用户数`", "that is ARPPU"),
    ("ARPPU", "`ARPPU = 期内总收入 ÷ 期内活跃用户数`", "that is ARPU"),
    ("LTV", "`LTV = ARPU × 平均生命周期`", "revenue, not gross profit"),
    ("LTV", "```text\nLTV = 客单价 × 年购买频次 × 生命周期（年） × 毛利率\n```", "客单价 already holds the frequency"),
    ("CAC", "`CAC = 获客总花费 ÷ 活跃用户数`", "wrong denominator"),
    ("ROI", "`活动 ROI = （增量收入 − 活动成本）÷ 活动成本`".replace("活动 ROI", "ROI"), "revenue instead of gross profit"),
    ("ROI", "`ROI = 增量毛利 ÷ 投入`", "the cost is not subtracted"),
    ("GMV", "`GMV = 购买用户数 × 人均购买次数 × 客单价`", "frequency counted twice"),
    ("留存率", "`次日留存率 = 第 1 日活跃用户数 ÷ DAU`", "not a cohort"),
    ("复购率", "`复购率 = 周期内购买 2 次及以上的用户数 ÷ 注册用户数`", "wrong denominator"),
    ("转化率", "`转化率 = 进入该环节的用户数 ÷ 完成目标行为的用户数`", "upside down"),
    ("NPS", "`NPS = 推荐者占比 − 被动者占比`", "passives are not counted"),
    ("NPS", "```\nNPS = 推荐者占比 + 贬损者占比\n```", "detractors are subtracted"),
]

# Lines that agree with the glossary in other words, or are not formulas of a glossary metric.
AGREEMENTS = [
    "`ARPU = 统计周期内收入 ÷ 同期活跃用户数 × 100%`",
    "`N 日留存率 = 同期群中第 N 天有主动行为的用户数 ÷ 同期群总人数 × 100%`",
    "`LTV ≈ ARPU（月） × 毛利率 × 平均生命周期（月）`",
    "`LTV = ARPU × 毛利率 ÷ 月流失率`",
    "| 客单价（元/年） | 总收入 ÷ 客户数 | 988.94 |",
    "`ROI = （活动带来的增量毛利 − 活动总成本）÷ 活动总成本`",
    "`NPS = 推荐者（9～10 分）占比 − 贬损者（0～6 分）占比`",
    "`GMV = 访客数 × 转化率 × 客单价`",
    "`ROI = （180000 − 350000）÷ 350000 ≈ −48.6%`",  # arithmetic, not a definition
    "`NPS = 45% − 20% = 25`",
    "`渠道转化率 = 渠道新增用户数 ÷ 渠道点击量 × 100%`",  # another metric
    "公式 A：217.35 × 4.55 × 3 × 0.30 ≈ 890.04 元。",
]


@pytest.fixture(scope="module")
def glossary():
    return load_terms()


@pytest.mark.parametrize("metric", CHECKED)
def test_every_checked_metric_has_a_glossary_formula(glossary, metric: str) -> None:
    accepted, problems = glossary_formulas(glossary)
    assert problems == []
    assert metric_key(metric) in accepted, f"{metric} has no formula in includes/terms.yml"


@pytest.mark.parametrize(("metric", "line", "why"), CONTRADICTIONS, ids=[f"{m}-{w}" for m, _, w in CONTRADICTIONS])
def test_a_contradicting_formula_is_reported_at_its_line(glossary, metric: str, line: str, why: str) -> None:
    page = f"# 页面\n\n正文。\n\n{line}\n"
    findings = check_formulas({"docs/page.md": page}, glossary)
    assert [f.rule for f in findings] == ["G012"], why
    finding = findings[0]
    expected_line = 5 + (1 if line.startswith("```") else 0)
    assert finding.line == expected_line
    assert finding.format().startswith(f"docs/page.md:{expected_line}:")
    assert "术语表为" in finding.message and "includes/terms.yml" in finding.message


@pytest.mark.parametrize("line", AGREEMENTS)
def test_an_agreeing_formula_or_arithmetic_passes(glossary, line: str) -> None:
    assert check_formulas({"docs/page.md": f"# 页面\n\n{line}\n"}, glossary) == []


def test_every_page_of_the_site_agrees_with_the_glossary(root: Path, glossary) -> None:
    pages = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted((root / "docs").rglob("*.md"))}
    findings = check_formulas(pages, glossary)
    assert findings == [], "\n".join(f.format() for f in findings)
    # …and the check did look: the site states formulas of most checked metrics.
    seen = {metric_key(f.lhs) for text in pages.values() for f in page_formulas(text)}
    assert len({metric_key(m) for m in CHECKED} & seen) >= 9


def test_structure_not_wording_decides() -> None:
    assert normal_form("ARPU × 毛利率 ÷ 月流失率") == normal_form("毛利率 × ARPU ÷ 流失率")
    assert normal_form("CAC ÷ (月 ARPU × 毛利率)") == normal_form("CAC ÷ 月 ARPU ÷ 毛利率")
    assert normal_form("（收益 − 投入）÷ 投入") != normal_form("收益 ÷ 投入 − 投入")
    assert normal_form("点击量 ÷ 展现量 × 100%") == normal_form("点击数 ÷ 曝光数")
    assert metric_key("第 N 日留存率") == metric_key("次日留存率") == metric_key("留存率")
