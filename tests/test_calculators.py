"""The calculators' figures: the Python references against the shared vectors, the JavaScript modules
against the same vectors (Node's test runner) and against the references on made-up inputs (hypothesis),
the placeholder rules, and what the build publishes for them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator_vectors import EXPECT, ROOT, example, load, ltv_example
from opskb.rules import CALCULATOR_PLACEHOLDER, CALCULATORS, check_page

JS = ROOT / "overrides" / "assets" / "javascripts"
VECTORS = load()


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 需要 Node.js（计算器的单元测试用 node --test 运行）")
        pytest.skip("没有 Node.js：请安装 Node.js 18 或更新版本")
    return found


# --------------------------------------------------------------------------- shared vectors


@pytest.mark.parametrize(("kind", "case"), [(kind, case) for kind in EXPECT for case in VECTORS[kind]],
                         ids=[f"{kind}-{case['name']}" for kind in EXPECT for case in VECTORS[kind]])
def test_vectors_hold_what_the_python_references_compute(kind: str, case: dict[str, Any]) -> None:
    assert json.loads(json.dumps(EXPECT[kind](case))) == case["expected"], "run: python tests/calculator_vectors.py"


def test_vectors_carry_the_worked_examples_of_the_pages() -> None:
    assert VECTORS["ltv_example"] == ltv_example()
    sample = VECTORS["rfm"][0]
    assert (sample["orders_csv"], sample["analysis_date"], "thresholds" in sample) == ("examples/orders.csv", "2024-12-31", False)
    # The RFM page's segment table (rfm-segments) is the summary of the first vector.
    page_table = example("rfm").render_blocks()["rfm-segments"].splitlines()[2:]
    assert [row.split(" | ")[2] for row in page_table] == [str(count) for _, count, _, _ in sample["expected"]["segments"]]
    sizes = {case["name"]: case["expected"] for case in VECTORS["abtest"] if case["kind"] == "sample_size"}
    assert f"每组 {sizes['A/B 页样本量示例']['per_group']:,} 人" in example("abtest").render_blocks()["ab-sample-size"]


def test_node_unit_tests_of_the_calculation_modules_pass() -> None:
    result = subprocess.run([node(), "--test", *sorted(map(str, (ROOT / "tests/js").glob("*.test.mjs")))],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", result.stdout, re.M)
    assert passed and int(passed.group(1)) >= 40, result.stdout[-2000:]


def test_the_bundled_unzip_module_is_what_the_pinned_packages_build() -> None:
    """calculators/unzip.js is generated (npm run bundle) from fflate as package-lock.json pins it."""
    if not (ROOT / "node_modules" / "fflate").is_dir() or not (ROOT / "node_modules" / "esbuild").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("CI 需要 node_modules：请在仓库根目录运行 npm ci")
        pytest.skip("没有 node_modules：请在仓库根目录运行 npm ci")
    result = subprocess.run([node(), "tests/js/bundle.mjs", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/fflate"]["version"]
    assert (JS / "calculators/unzip.js").read_text(encoding="utf-8").startswith(f"// fflate {version} unzipSync")


# --------------------------------------------------------------------------- JavaScript = Python on made-up inputs


class Oracle:
    """tests/js/oracle.mjs kept running: one JSON line in, one out."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([node(), str(ROOT / "tests/js/oracle.mjs")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def __call__(self, kind: str, case: dict[str, Any]) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"kind": kind, "input": case}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def js() -> Iterator[Oracle]:
    oracle = Oracle()
    yield oracle
    oracle.close()


def close(actual: Any, expected: Any, tolerance: float) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return actual == pytest.approx(expected, rel=tolerance, abs=0)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(close(a, e, tolerance) for a, e in zip(actual, expected))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(close(actual[k], expected[k], tolerance) for k in expected)
    return actual == expected


START = dt.date(2023, 1, 1)
customer_ids = st.sampled_from(["C01", "C02", "C03", "张三", "李四", "客户甲", "𠀀", "z", "A", "a"])
days = st.integers(0, 500)  # some after the analysis day: future orders
amounts = st.one_of(st.just(0.0), st.integers(0, 50_000).map(lambda cents: cents / 100),
                    st.floats(0, 10_000, allow_nan=False).map(lambda x: round(x, 3)))
orders = st.lists(st.tuples(customer_ids, days, amounts), min_size=1, max_size=60)
identical = st.builds(lambda n, day, amount: [(f"C{i}", day, amount) for i in range(n)], st.integers(1, 12), days, amounts)
cuts = st.lists(st.integers(0, 400), min_size=4, max_size=4).map(sorted)


def order_case(rows: list[tuple[str, int, float]], analysis: int) -> dict[str, Any]:
    return {"analysis_date": (START + dt.timedelta(days=analysis)).isoformat(),
            "orders": [[c, (START + dt.timedelta(days=d)).isoformat(), a] for c, d, a in rows]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(orders, identical), st.integers(0, 450), st.one_of(st.none(), st.tuples(cuts, cuts, cuts)))
def test_rfm_in_javascript_equals_the_reference(js: Oracle, rows: list[tuple[str, int, float]], analysis: int,
                                                 thresholds: tuple[list[int], list[int], list[int]] | None) -> None:
    case = order_case(rows, analysis)
    if thresholds:
        case["thresholds"] = dict(zip("rfm", thresholds))
    expected = EXPECT["rfm"](case)
    assert close(js("rfm", case), expected, 0)
    scored = expected["customers"]
    if scored:  # properties of the rule itself
        by_value: dict[tuple[str, float], set[int]] = {}
        for row in scored:
            by_value.setdefault(("R", row[1]), set()).add(row[4])
            by_value.setdefault(("M", row[3]), set()).add(row[6])
        assert all(len(scores) == 1 for scores in by_value.values()), "equal values share a score"
        assert all(row[1] >= 0 for row in scored), "orders after the analysis day are left out"
        if len({(r[1], r[2], r[3]) for r in scored}) == 1:
            assert {r[7] for r in scored} == {"重要价值客户"}, "identical customers all sit on the mean: high"


@settings(max_examples=100, deadline=None)
@given(orders, st.integers(0, 450), st.sampled_from(["week", "month"]))
def test_cohort_in_javascript_equals_the_reference(js: Oracle, rows: list[tuple[str, int, float]], analysis: int, period: str) -> None:
    case = {**order_case(rows, analysis), "period": period}
    expected = EXPECT["cohort"](case)
    assert close(js("cohort", case), expected, 0)
    for _label, size, retained in expected["cohorts"]:
        assert retained[0] == size and all(0 <= kept <= size for kept in retained)


ratios = st.floats(0.001, 0.999)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.just(0.0), st.floats(0.01, 5000)), st.one_of(st.just(0.0), st.floats(0.01, 50)), st.floats(0.01, 1),
       st.floats(0.1, 20), st.floats(0.005, 1), st.floats(0, 5000), st.floats(0, 0.1))
def test_ltv_in_javascript_equals_the_reference(js: Oracle, order_value: float, frequency: float, margin: float, lifespan: float,
                                                churn: float, cac: float, discount: float) -> None:
    case = {"inputs": {"order_value": order_value, "frequency": frequency, "gross_margin": margin, "lifespan_years": lifespan,
                       "monthly_churn": churn, "cac": cac, "monthly_discount": discount}}
    assert close(js("ltv", case), EXPECT["ltv"](case), 0)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_ab_figures_in_javascript_equal_the_reference(js: Oracle, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["sample_size", "test", "srm"]))
    if kind == "sample_size":
        baseline = data.draw(st.floats(0.01, 0.9))
        mde = data.draw(st.floats(0.001, 0.09).filter(lambda d: baseline + d < 1))
        args: list[Any] = [baseline, mde, data.draw(st.sampled_from([0.01, 0.05, 0.1])), data.draw(st.sampled_from([0.8, 0.9, 0.95]))]
    elif kind == "test":
        n1, n2 = data.draw(st.integers(1, 10**6)), data.draw(st.integers(1, 10**6))
        args = [n1, data.draw(st.integers(0, n1)), n2, data.draw(st.integers(0, n2)), data.draw(st.sampled_from([0.01, 0.05, 0.1]))]
    else:
        args = [data.draw(st.integers(0, 10**6)), data.draw(st.integers(1, 10**6)), data.draw(ratios)]
    case = {"kind": kind, "args": args}
    assert close(js("abtest", case), EXPECT["abtest"](case), 1e-11)


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 3))
def test_numbers_are_printed_as_python_prints_them(js: Oracle, x: float, digits: int) -> None:
    got = js("format", {"x": x, "digits": digits})
    assert got == {"fixed": f"{x:.{digits}f}", "percent": f"{x:.{digits}%}"}


@pytest.mark.parametrize("x", [0.125, 0.375, 2.5, -0.5, 1.005, 0.0625, 1234.5, 0.045])
def test_exact_ties_are_printed_as_python_prints_them(js: Oracle, x: float) -> None:
    for digits in range(4):
        assert js("format", {"x": x, "digits": digits}) == {"fixed": f"{x:.{digits}f}", "percent": f"{x:.{digits}%}"}


# --------------------------------------------------------------------------- Excel workbooks


def orders_workbook(path: Path, *, date1904: bool = False) -> Path:
    """The sample orders as an Excel export looks: Chinese headers, date cells (some with a time),
    amounts in a money format, a second sheet of notes; optionally with the 1904 date system."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "订单明细"
    sheet.append(["订单编号", "会员编号", "下单时间", "实付金额（元）"])
    for n, row in enumerate(example("rfm").load_orders()):
        when = dt.datetime.combine(row.order_date, dt.time(23, 59, 59)) if n % 3 == 0 else row.order_date
        sheet.append([f"O{n + 1:03d}", row.customer_id, when, row.amount])
        sheet.cell(sheet.max_row, 3).number_format = "yyyy/m/d h:mm" if n % 3 == 0 else "yyyy/m/d"
        sheet.cell(sheet.max_row, 4).number_format = '"¥"#,##0.00'
    book.create_sheet("说明").append(["导出自订单系统"])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same orders written by openpyxl (1900 and 1904 dates) and re-saved by LibreOffice Calc
    (shared strings and its own styles, as spreadsheet programs write them)."""
    from test_example_tools import soffice

    folder = tmp_path_factory.mktemp("workbooks")
    books = {"openpyxl": orders_workbook(folder / "openpyxl.xlsx"),
             "openpyxl-1904": orders_workbook(folder / "openpyxl-1904.xlsx", date1904=True)}
    out = folder / "libreoffice"
    result = subprocess.run([soffice(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--norestore",
                             "--convert-to", "xlsx", "--outdir", str(out), str(books["openpyxl"])],
                            capture_output=True, text=True, timeout=180)
    books["libreoffice"] = out / "openpyxl.xlsx"
    assert books["libreoffice"].is_file(), result.stdout + result.stderr
    return books


@pytest.mark.parametrize("writer", ["openpyxl", "openpyxl-1904", "libreoffice"])
def test_an_excel_export_of_the_sample_orders_gives_the_csvs_results(js: Oracle, workbooks: dict[str, Path], writer: str) -> None:
    for kind in ("rfm", "cohort"):
        for case in (c for c in VECTORS[kind] if c.get("orders_csv") == "examples/orders.csv"):
            from_excel = {**{k: v for k, v in case.items() if k not in ("orders_csv", "expected")}, "orders_file": str(workbooks[writer])}
            assert js(kind, from_excel) == case["expected"], f"{kind} {case['name']}"


def test_the_benchmarks_csv_and_workbook_hold_the_same_orders(js: Oracle, tmp_path: Path) -> None:
    from opskb.bench import synthetic_orders, synthetic_workbook

    export = tmp_path / "orders.csv"
    export.write_text(synthetic_orders(300), encoding="utf-8")
    workbook = synthetic_workbook(tmp_path / "orders.xlsx", 300)
    for kind, extra in (("rfm", {}), ("cohort", {"period": "week"})):
        case = {"analysis_date": "2024-12-31", **extra}
        from_csv = js(kind, {**case, "orders_file": str(export)})
        assert from_csv == js(kind, {**case, "orders_file": str(workbook)})
    assert len(from_csv["cohorts"]) >= 10  # weekly cohorts through the year: a real comparison


# --------------------------------------------------------------------------- placeholders and the build


@pytest.mark.parametrize(("page", "rule", "line"), [
    ("# 甲\n\n" + CALCULATOR_PLACEHOLDER.format("rfm-tool") + "\n\n文。\n", "K001", 3),
    ("# 甲\n\n" + CALCULATOR_PLACEHOLDER.format("") + "\n\n文。\n", "K001", 3),
    ("# 甲\n\n文字 " + CALCULATOR_PLACEHOLDER.format("ltv") + "\n", "K002", 3),
    ("# 甲\n\n" + CALCULATOR_PLACEHOLDER.format("ltv") + "\n文。\n", "K002", 3),
    ('# 甲\n\n<div class="opskb-calculator" data-calculator="rfm" id="x"></div>\n\n文。\n', "K002", 3),
    ('# 甲\n\n<div data-calculator="cohort"></div>\n\n文。\n', "K002", 3),
    ("# 甲\n\n!!! note\n\n    " + CALCULATOR_PLACEHOLDER.format("rfm") + "\n\n    文。\n", "K002", 5),
])
def test_placeholder_mistakes_are_reported_with_their_line(page: str, rule: str, line: int) -> None:
    found = [(f.rule, f.line) for f in check_page(page, "docs/page.md").findings]
    assert found == [(rule, line)]


@pytest.mark.parametrize("name", CALCULATORS)
def test_every_calculator_has_its_script_and_a_correct_placeholder_passes(name: str) -> None:
    assert (JS / "tools" / f"{name}.js").is_file()
    page = f"# 甲\n\n{CALCULATOR_PLACEHOLDER.format(name)}\n\n文。\n\n```html\n{CALCULATOR_PLACEHOLDER.format('x')}\n```\n"
    assert check_page(page, "docs/page.md").findings == []


def test_scripts_follow_the_content_security_rules() -> None:
    """No eval, no HTML strings, no style attributes, no other host: what the site's CSP enforces."""
    forbidden = re.compile(r"\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*[\"']style|setAttribute\(\s*[\"']on|https?://(?!www\.w3\.org/2000/svg)")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(JS.glob("**/*.js"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if forbidden.search(line)]
    assert offenders == []
    calculations = sorted((JS / "calculators").glob("*.js"))
    assert calculations and not [p.name for p in calculations if re.search(r"\b(document|window)\b", p.read_text(encoding="utf-8"))]


def test_only_pages_with_a_calculator_load_one(site: Path) -> None:
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
    loading = {str(p.parent.relative_to(site)) for p, html in pages.items() if "assets/javascripts/tools/" in html}
    assert loading == {"tools/rfm", "tools/ltv", "tools/cohort", "tools/ab-test"}
    for name in CALCULATORS:
        html = pages[site / "tools" / name / "index.html"]
        assert CALCULATOR_PLACEHOLDER.format(name) in html
        scripts = re.findall(r'<script type="module" src="([^"]+)"></script>', html)
        assert scripts == [f"../../assets/javascripts/tools/{name}.js"]
        # Inside Material's container, which instant navigation swaps and whose scripts it re-runs.
        container = html[html.index('data-md-component="container"'):html.index('data-md-component="footer"') if 'data-md-component="footer"' in html else len(html)]
        assert scripts[0] in container
        assert (site / "tools" / name / scripts[0]).resolve().is_file()
    assert (site / "examples/orders.csv").read_bytes() == (ROOT / "examples/orders.csv").read_bytes()


def test_front_matter_cannot_choose_a_script(tmp_path: Path) -> None:
    from conftest import mkdocs_build

    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", ".git", "test-artifacts", ".*cache*"))
    page = copy / "docs/glossary.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("---\n", "---\nscripts: ['../../../evil.js', 'https://evil.example/x.js']\nstyles: ['//evil.example/x.css']\n", 1), encoding="utf-8")
    built = mkdocs_build(copy, tmp_path / "site", env={"OPSKB_GIT_DATES": "false"})
    # The front matter allowlist refuses the keys (S005) before anything is built; the template's own
    # filter (overrides/main.html) stays as a second line.
    assert built.returncode != 0
    assert "docs/glossary.md:2:1: 错误 S005" in built.output and "docs/glossary.md:3:1: 错误 S005" in built.output, built.output[-3000:]
    assert not (tmp_path / "site/glossary/index.html").exists()


def test_the_benchmark_weighs_each_tools_whole_module_graph() -> None:
    from opskb.bench import TOOLS, script_graph, synthetic_orders

    graph = {path.relative_to(JS).as_posix() for path in script_graph(TOOLS / "rfm.js")}
    assert graph == {"tools/rfm.js", "tools/common.js", "tools/loader.js", "calculators/csv.js", "calculators/format.js", "calculators/rfm.js",
                     "calculators/xlsx.js", "calculators/unzip.js"}
    assert "tools/loader.js" not in {path.relative_to(JS).as_posix() for path in script_graph(TOOLS / "ltv.js")}
    lines = synthetic_orders(200).splitlines()
    assert len(lines) == 201 and lines[0] == "订单号,客户ID,下单日期,实付金额"
    assert len({line.split(",")[1] for line in lines[1:]}) < 60  # repeat buyers, as real exports have
