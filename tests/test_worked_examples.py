"""Worked examples in the docs must match what examples/*.py compute.

Pages show computed results between marker lines:

    <!-- computed: NAME -->
    ...
    <!-- /computed -->

Each block must equal render_blocks()[NAME] of examples/rfm.py, ltv.py or abtest.py, every
rendered block must appear in some page, and a worked-example section (an H2 titled
"计算示例" or any H2 holding a computed block) may contain no digit outside computed blocks,
fenced code and headings -- so any number a reader sees there comes from the code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import ModuleType

import pytest

from conftest import load_example
from opskb.computed import check_blocks, load_sources, parse_blocks, regenerate

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLE_FILES = ("rfm.py", "ltv.py", "abtest.py")
WORKED_PAGES = ("modules/user-operations/rfm.md", "modules/user-operations/ltv.md", "refined-operations/ab-testing.md")
WORKED_HEADING = "计算示例"

OPEN_RE = re.compile(r"^<!-- computed: ([A-Za-z0-9_-]+) -->$")
CLOSE_LINE = "<!-- /computed -->"
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
SNIPPET_RE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$')


@pytest.fixture(scope="module")
def expected_blocks() -> dict[str, str]:
    blocks: dict[str, str] = {}
    for filename in EXAMPLE_FILES:
        rendered = load_example(filename).render_blocks()
        overlap = blocks.keys() & rendered.keys()
        assert not overlap, f"block names defined twice: {sorted(overlap)}"
        blocks.update(rendered)
    return blocks


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def classify_lines(lines: list[str]) -> list[str]:
    """Tag each line: 'fence' (inside or delimiting fenced code), 'heading', 'marker'
    (a computed marker line), 'computed' (between markers) or 'text'."""
    kinds: list[str] = []
    fence: str | None = None
    in_block = False
    for line in lines:
        m = FENCE_RE.match(line)
        if fence is not None:
            kinds.append("fence")
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and line.strip() == m.group(1):
                fence = None
        elif OPEN_RE.match(line) or line == CLOSE_LINE:
            kinds.append("marker")
            in_block = OPEN_RE.match(line) is not None
        elif in_block:
            kinds.append("computed")
        elif m:
            kinds.append("fence")
            fence = m.group(1)
        elif line.startswith("#"):
            kinds.append("heading")
        else:
            kinds.append("text")
    return kinds


def computed_blocks(text: str, where: str) -> list[tuple[str, str]]:
    """Return (name, content) of every marker block (opskb.computed reads them for the check);
    fail on malformed markers, with the check's Chinese message."""
    blocks, problems = parse_blocks(text, where)
    assert not problems, "\n".join(problem.format() for problem in problems)
    return [(block.name, "\n".join(block.body)) for block in blocks]


def h2_sections(lines: list[str], kinds: list[str]) -> list[tuple[str, int, int]]:
    """(heading text, first line index, end index) of each H2 section, ignoring code."""
    starts = [i for i, (line, kind) in enumerate(zip(lines, kinds))
              if kind == "heading" and line.startswith("## ")]
    ends = []
    for i in starts:
        end = next((j for j in range(i + 1, len(lines)) if kinds[j] == "heading"
                    and re.match(r"^#{1,2} ", lines[j])), len(lines))
        ends.append(end)
    return [(lines[i][3:].strip(), i, e) for i, e in zip(starts, ends)]


def test_examples_render_named_blocks(expected_blocks: dict[str, str]) -> None:
    assert expected_blocks
    for name, block in expected_blocks.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]+", name), name
        assert block.strip(), f"block {name} is empty"


def test_every_page_block_matches_the_code(expected_blocks: dict[str, str]) -> None:
    """Rules E001/E002 of the check, on every page: the failure names the script, its data and
    the command that regenerates the blocks."""
    sources, failures = load_sources(ROOT)
    assert not failures, "\n".join(f.format() for f in failures)
    assert {name: source.text for name, source in sources.items()} == expected_blocks
    seen = sum(len(computed_blocks(page.read_text(encoding="utf-8"), str(page))) for page in pages())
    assert seen, "docs/ 中没有计算块"
    problems = [f for page in pages() for f in check_blocks(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)), sources)]
    assert not problems, "\n".join(f.format() for f in problems)


def test_a_hand_edited_block_names_its_script_data_and_the_fix_command(expected_blocks: dict[str, str]) -> None:
    sources, _ = load_sources(ROOT)
    page = (DOCS / "modules/user-operations/rfm.md").read_text(encoding="utf-8")
    block = expected_blocks["rfm-setup"]
    edited = page.replace(block, block.replace("20 位客户", "21 位客户"), 1)
    assert edited != page
    [finding] = check_blocks(edited, "docs/modules/user-operations/rfm.md", sources)
    assert finding.rule == "E001"
    assert edited.split("\n")[finding.line - 1].startswith("分析日为")  # the edited line itself
    assert "脚本 examples/rfm.py 用 examples/orders.csv 算出" in finding.message
    assert "python -m opskb fix" in finding.message
    fixed, names = regenerate(edited, sources)
    assert (fixed, names) == (page, ["rfm-setup"])


def test_every_rendered_block_is_shown(expected_blocks: dict[str, str]) -> None:
    shown = {name for page in pages()
             for name, _ in computed_blocks(page.read_text(encoding="utf-8"), str(page))}
    missing = sorted(expected_blocks.keys() - shown)
    assert not missing, f"render_blocks() names not shown on any page: {missing}"


def test_worked_pages_have_a_worked_example_section() -> None:
    for rel in WORKED_PAGES:
        lines = (DOCS / rel).read_text(encoding="utf-8").splitlines()
        kinds = classify_lines(lines)
        sections = [s for s in h2_sections(lines, kinds) if s[0] == WORKED_HEADING]
        assert len(sections) == 1, f"{rel}: needs exactly one '## {WORKED_HEADING}'"
        _, start, end = sections[0]
        assert "marker" in kinds[start:end], f"{rel}: worked example shows no computed block"


def test_no_number_outside_computed_blocks_in_worked_examples() -> None:
    problems = []
    for page in pages():
        rel = page.relative_to(ROOT)
        lines = page.read_text(encoding="utf-8").splitlines()
        kinds = classify_lines(lines)
        for heading, start, end in h2_sections(lines, kinds):
            if heading != WORKED_HEADING and "marker" not in kinds[start:end]:
                continue
            for i in range(start, end):
                if kinds[i] == "text" and re.search(r"\d", lines[i]):
                    problems.append(f"{rel}:{i + 1}: {lines[i]}")
    assert not problems, "numbers in worked examples must come from a computed block:\n" \
        + "\n".join(problems)


def test_snippet_includes_exist() -> None:
    for page in pages():
        for line in page.read_text(encoding="utf-8").splitlines():
            m = SNIPPET_RE.match(line)
            if m:
                assert (ROOT / "examples" / m.group(1)).is_file(), f"{page}: snippet {m.group(1)} not found in examples/"


# --- the scoring logic on a dataset small enough to check by hand -------------------------

def tiny_orders(rfm: ModuleType) -> list:
    """Analysis date 2024-01-31. Values chosen so every R, F and M is distinct:

    customer  last order  R days  F  M     -> R F M scores (rank quintiles of 5 people)
    A         01-30       1       5  600   -> 5 5 5
    B         01-26       5       3  120   -> 4 3 3
    C         01-21       10      2  500   -> 3 2 4
    D         01-11       20      1  50    -> 2 1 1
    E         01-01       30      4  80    -> 1 4 2
    Every mean is 3, and a score at or above the mean counts as high (the tie rule).
    """
    d = dt.date
    plan = {
        "A": (d(2024, 1, 30), 5, 120.0),
        "B": (d(2024, 1, 26), 3, 40.0),
        "C": (d(2024, 1, 21), 2, 250.0),
        "D": (d(2024, 1, 11), 1, 50.0),
        "E": (d(2024, 1, 1), 4, 20.0),
    }
    orders = []
    for cid, (last, count, amount) in plan.items():
        for k in range(count):
            day = last if k == 0 else d(2023, 12, 1) + dt.timedelta(days=k)
            orders.append(rfm.Order(cid, day, amount))
    return orders


def test_raw_rfm_on_tiny_dataset(rfm: ModuleType) -> None:
    raw = rfm.raw_rfm(tiny_orders(rfm), dt.date(2024, 1, 31))
    got = {c.customer_id: (c.recency_days, c.frequency, c.monetary) for c in raw}
    assert got == {"A": (1, 5, 600.0), "B": (5, 3, 120.0), "C": (10, 2, 500.0),
                   "D": (20, 1, 50.0), "E": (30, 4, 80.0)}


def test_scores_and_segments_on_tiny_dataset(rfm: ModuleType) -> None:
    scored = rfm.score_customers(rfm.raw_rfm(tiny_orders(rfm), dt.date(2024, 1, 31)))
    got = {c.customer_id: (c.r_score, c.f_score, c.m_score, c.segment) for c in scored}
    assert got == {
        "A": (5, 5, 5, "重要价值客户"),  # best on all three
        "B": (4, 3, 3, "重要价值客户"),  # recent; F and M tie the mean, which counts as high
        "C": (3, 2, 4, "重要发展客户"),  # R ties the mean: recent enough, not a recall case
        "D": (2, 1, 1, "一般挽留客户"),
        "E": (1, 4, 2, "一般保持客户"),
    }


def test_quintile_scores_ties_and_direction(rfm: ModuleType) -> None:
    values = [10, 10, 1, 1, 5]
    assert rfm.quintile_scores(values) == [4, 4, 1, 1, 3]
    assert rfm.quintile_scores(values, higher_is_better=False) == [1, 1, 4, 4, 3]
    ten = list(range(10))
    assert rfm.quintile_scores(ten) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


@pytest.mark.parametrize(("scores", "segment"), [
    ((5, 5, 5), "重要价值客户"), ((5, 1, 5), "重要发展客户"),
    ((1, 5, 5), "重要保持客户"), ((1, 1, 5), "重要挽留客户"),
    ((5, 5, 1), "一般价值客户"), ((5, 1, 1), "一般发展客户"),
    ((1, 5, 1), "一般保持客户"), ((1, 1, 1), "一般挽留客户"),
    ((3, 3, 3), "重要价值客户"),  # equal to the mean counts as high
    ((2, 2, 2), "一般挽留客户"),
])
def test_classify_eight_segments(rfm: ModuleType, scores: tuple[int, int, int],
                                 segment: str) -> None:
    assert rfm.classify(*scores, (3.0, 3.0, 3.0)) == segment


def test_ltv_formulas_on_tiny_dataset(ltv: ModuleType) -> None:
    d = dt.date
    orders = [ltv.Order("X", d(2024, 3, 1), 100.0), ltv.Order("X", d(2024, 9, 1), 200.0),
              ltv.Order("Y", d(2024, 6, 1), 300.0),
              ltv.Order("Y", d(2023, 6, 1), 999.0)]  # outside the one-year window
    r = ltv.compute(orders, d(2024, 12, 31))
    assert (r.orders, r.customers, r.revenue) == (3, 2, 600.0)
    assert r.order_value == pytest.approx(200.0)  # 笔单价: per order
    assert r.frequency == pytest.approx(1.5)
    assert r.spend_per_customer == pytest.approx(300.0)  # 客单价: per customer = 笔单价 × 频次
    assert r.arppu_month == pytest.approx(25.0)
    assert r.ltv_lifespan == pytest.approx(300.0 * ltv.LIFESPAN_YEARS * ltv.GROSS_MARGIN)
    assert r.ltv_churn == pytest.approx(25.0 * ltv.GROSS_MARGIN / ltv.MONTHLY_CHURN)
    assert r.payback_months == pytest.approx(ltv.CAC / (25.0 * ltv.GROSS_MARGIN))
