"""The term data (includes/terms.yml): the loader's records, and each mistake a contributor can make
in it answered in Chinese with file:line:col and a rule ID (G001–G014), in `make check` and the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import mkdocs_build
from opskb.cli import check_site
from opskb.glossary import GLOSSARY_MARKER, index_entries, initial, render_glossary
from opskb.rules import RULES, check_page
from opskb.term_checks import check_marker, check_see, check_terms
from opskb.terms import Glossary, Term, TermsError, load_terms, normalize_label, parse_terms

GOOD = """\
groups:
  用户与增长: 围绕用户从获取到离开的全过程的术语。
terms:
  - id: dau
    name: 日活跃用户数
    abbr: DAU
    en: Daily Active Users
    aliases: [日活, 日活跃用户]
    definition: 一天内使用过产品的去重用户数
    see: a.md#核心指标
    group: 用户与增长
"""


def rules_of(findings: list) -> list[str]:
    return [f.rule for f in findings]


# --------------------------------------------------------------------------- the loader


def test_the_repository_terms_load_as_typed_records() -> None:
    glossary = load_terms()
    assert isinstance(glossary, Glossary) and all(isinstance(t, Term) for t in glossary.terms)
    terms = glossary.by_id()
    assert len(terms) == len(glossary.terms) >= 130
    # The variants readers type, as search and the filter need them.
    assert {"日活", "DAU"} <= set(terms["dau"].labels)
    assert "回购" in terms["repurchase-rate"].labels
    assert {"AB测试", "A/B 测试"} <= set(terms["ab-test"].labels)
    assert terms["ltv"].heading == "用户生命周期价值（LTV）"
    assert terms["aarrr"].heading == "AARRR 模型"  # the acronym is already in the name
    assert [g.name for g in glossary.groups][:2] == ["用户与增长", "价值与收入"]
    assert all(glossary.in_group(g.name) for g in glossary.groups)


def test_the_repository_terms_pass_every_term_rule(root: Path) -> None:
    findings = [f for f in check_site(root) if f.rule.startswith("G")]
    assert findings == [], "\n".join(f.format() for f in findings)


def test_labels_are_compared_as_readers_type_them() -> None:
    assert normalize_label("A/B 测试") == normalize_label("ab测试") == normalize_label("ＡＢ 测试")
    assert normalize_label("LTV") == normalize_label("ltv")


def test_kekedanjia_is_per_buyer_and_aov_per_order() -> None:
    terms = load_terms().by_id()
    assert "成交用户数" in terms["spend-per-customer"].formulas[0]
    assert terms["aov"].abbr == "AOV" and "订单数" in terms["aov"].formulas[0]
    assert "AOV" not in terms["spend-per-customer"].labels


# --------------------------------------------------------------------------- mistakes in the data


@pytest.mark.parametrize(("change", "rule", "line", "hint"), [
    (lambda t: t.replace("    definition:", "  definition:"), "G001", 9, "缩进"),
    (lambda t: t.replace("terms:", "termz:"), "G002", 3, "termz"),
    (lambda t: t.replace("    definition: 一天内使用过产品的去重用户数\n", ""), "G003", 4, "definition"),
    (lambda t: t.replace("    definition:", "    defintion:"), "G004", 9, "是否想写 definition"),
    (lambda t: t.replace("definition: 一天内使用过产品的去重用户数", "definition: |\n      第一行\n      第二行"), "G005", 9, "一行"),
    (lambda t: t.replace("去重用户数", "<img src=x onerror=alert(1)>"), "G005", 9, "尖括号"),
    (lambda t: t.replace("id: dau", "id: DAU_Count"), "G006", 4, "小写"),
    (lambda t: t.replace("id: dau", "id: index-a"), "G006", 4, "index-"),
    (lambda t: t.replace("group: 用户与增长", "group: 用户与增涨"), "G007", 11, "用户与增长"),
    (lambda t: t.replace("see: a.md#核心指标", "see: https://example.com/"), "G008", 10, "docs/"),
    (lambda t: t + t[t.index("  - id: dau"):], "G009", 12, "重复"),
    (lambda t: t + t[t.index("  - id: dau"):].replace("id: dau", "id: dau2").replace("abbr: DAU", "abbr: MAU"), "G009", 12, "日活"),
])
def test_each_mistake_in_the_data_is_reported_in_chinese_with_its_line(change, rule: str, line: int, hint: str) -> None:
    _glossary, findings = parse_terms(change(GOOD))
    matching = [f for f in findings if f.rule == rule and hint in f.message] or [f for f in findings if f.rule == rule]
    assert matching, [f.format() for f in findings]
    assert matching[0].line == line, matching[0].format()
    assert hint in matching[0].message
    assert matching[0].format().startswith(f"includes/terms.yml:{line}:") and " 错误 " + rule in matching[0].format()
    assert RULES[rule].severity == "error"


def test_a_good_file_has_no_findings_and_load_terms_raises_with_them(tmp_path: Path) -> None:
    glossary, findings = parse_terms(GOOD)
    assert findings == [] and glossary is not None and glossary.terms[0].aliases == ("日活", "日活跃用户")
    broken = tmp_path / "terms.yml"
    broken.write_text(GOOD.replace("    definition:", "    defintion:"), encoding="utf-8")
    with pytest.raises(TermsError) as error:
        load_terms(broken)
    assert [f.rule for f in error.value.findings] == ["G003", "G004"]


def test_where_a_term_is_explained_must_exist() -> None:
    glossary, _ = parse_terms(GOOD)
    pages = {"docs/a.md": "# 甲\n\n## 核心指标\n\n正文。\n"}
    assert check_see(glossary, pages) == []
    wrong_anchor = check_see(glossary, {"docs/a.md": "# 甲\n\n## 核心指标体系\n\n正文。\n"})
    assert rules_of(wrong_anchor) == ["G010"] and "#核心指标体系" in wrong_anchor[0].message
    missing_page = check_see(glossary, {"docs/b.md": "# 乙\n"})
    assert rules_of(missing_page) == ["G010"] and "a.md" in missing_page[0].message


def test_the_glossary_page_keeps_its_marker_once() -> None:
    assert check_marker({"docs/glossary.md": f"# 术语表\n\n{GLOSSARY_MARKER}\n"}) == []
    assert rules_of(check_marker({"docs/glossary.md": "# 术语表\n"})) == ["G014"]
    assert rules_of(check_marker({"docs/glossary.md": f"# 术语表\n\n{GLOSSARY_MARKER}\n{GLOSSARY_MARKER}\n"})) == ["G014"]


def test_a_missing_or_undecodable_data_file_is_an_error_not_a_crash() -> None:
    assert rules_of(check_terms(None, {})) == ["G001"]
    assert rules_of(check_terms("groups: [\n".encode(), {})) == ["G001"]
    assert rules_of(check_terms("标签".encode("gb18030"), {})) == ["G001"]


def test_pages_may_not_define_their_own_tooltips() -> None:
    page = "# 页面\n\n正文里的 LTV。\n\n*[LTV]: 自己写的另一个定义\n\n```markdown\n*[LTV]: 代码块里的示例不算\n```\n"
    findings = [f for f in check_page(page, "docs/page.md").findings if f.rule == "G011"]
    assert [(f.line, f.col) for f in findings] == [(5, 1)]
    assert "includes/terms.yml" in findings[0].message


# --------------------------------------------------------------------------- what is generated


def test_the_index_letters_come_from_pinyin_and_acronyms() -> None:
    assert [initial(text) for text in ("留存率", "重要价值客户", "行业", "单次点击成本", "LTV", "p 值", "4P")] == ["L", "Z", "H", "D", "L", "P", "#"]
    entries = index_entries(load_terms())
    by_term: dict[str, set[str]] = {}
    for entry in entries:
        by_term.setdefault(entry.term_id, set()).add(entry.letter)
    assert by_term["ltv"] == {"Y", "L"}  # 用户生命周期价值 and LTV
    assert by_term["retention-rate"] == {"L"}
    assert by_term["gmv"] == {"S", "G"}
    letters = [entry.letter for entry in entries]
    assert letters == sorted(letters, key=lambda letter: (letter == "#", letter))


def test_the_generated_list_has_one_anchored_heading_per_term_inside_its_group() -> None:
    glossary = load_terms()
    text = render_glossary(glossary, lambda term: "讲解页")
    for term in glossary.terms:
        assert text.count(f" {{#{term.id}}}\n") == 1, term.id
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert [h[3:] for h in headings if h.startswith("## ")] == ["按首字母查找", *(g.name for g in glossary.groups)]
    current = None
    for heading in headings:
        if heading.startswith("## "):
            current = heading[3:]
        elif heading.startswith("### "):
            term_id = heading.rsplit("{#", 1)[1].rstrip("}")
            assert glossary.by_id()[term_id].group == current


def test_a_broken_term_file_fails_the_strict_build_with_file_and_line(tmp_path: Path, root: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", ".git", "test-artifacts", ".*cache*"))
    terms = copy / "includes/terms.yml"
    text = terms.read_text(encoding="utf-8")
    line = text[: text.index("    see: modules/user-operations/ltv.md\n")].count("\n") + 1
    terms.write_text(text.replace("    see: modules/user-operations/ltv.md\n", "    see: modules/user-operations/ltvv.md\n"), encoding="utf-8")
    result = mkdocs_build(copy, tmp_path / "site", env={"OPSKB_GIT_DATES": "false"})
    assert result.returncode != 0
    assert "Traceback" not in result.output, result.output[-3000:]
    assert f"includes/terms.yml:{line}:5: 错误 G010" in result.output, result.output[-3000:]
    assert "ltvv.md" in result.output and "是否想写 modules/user-operations/ltv.md" in result.output
    assert not (tmp_path / "site").exists(), "a broken tree must publish nothing"


def test_term_texts_are_typeset_as_the_pages_are() -> None:
    """Names, definitions and formulas reach every page (glossary, tooltips): the same typesetting
    rules apply. Aliases are exempt: they record how readers type, 「AB测试」 included."""
    import autocorrect_py

    wrong = [
        f"{term.id}.{field}: {value} → {autocorrect_py.format(value)}"
        for term in load_terms().terms
        for field, value in [("name", term.name), ("definition", term.definition), ("en", term.en or ""),
                             *(("formula", formula) for formula in term.formulas)]
        if autocorrect_py.format(value) != value
    ]
    assert wrong == [], "\n".join(wrong)


def test_aliases_may_be_separated_the_chinese_way() -> None:
    glossary, findings = parse_terms(GOOD.replace("[日活, 日活跃用户]", "[日活、日活跃用户]"))
    assert findings == [] and glossary.terms[0].aliases == ("日活", "日活跃用户")
