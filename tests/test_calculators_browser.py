"""The calculators as a reader uses them: the built site in headless Chromium, at desktop and phone width,
light and dark; results compared with the pages' worked examples and the Python references."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from calculator_vectors import example
from conftest import ARTIFACTS, SETTLED, Tab, axe_findings, axe_source, open_tab
from test_calculators import orders_workbook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ORDERS = ROOT / "examples" / "orders.csv"
CSP_WATCH = """() => { window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def results_shown(page: object) -> None:
    page.wait_for_selector(".opskb-tool__results:not([hidden])", timeout=10_000)


def set_analysis_day(page: object, day: str) -> None:
    page.locator(".opskb-tool input[type=date]").fill(day)
    page.locator(".opskb-tool input[type=date]").dispatch_event("change")


def table_rows(page: object, caption: str) -> list[list[str]]:
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    return table.locator("tbody tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")


def page_table(server: str, page: object, path: str, header: str) -> list[list[str]]:
    """A table of a model page as the reader sees it (the computed worked example)."""
    page.goto(server + path)
    table = page.locator("article table", has=page.locator("th", has_text=header)).first
    return table.locator("tbody tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")


def test_rfm_tool_on_the_sample_orders_equals_the_rfm_page_and_sends_nothing(tab: Tab, server: str) -> None:
    page = tab.page
    segments_on_page = page_table(server, page, "/modules/user-operations/rfm/", "消费占比")
    customers_on_page = page_table(server, page, "/modules/user-operations/rfm/", "R 分")
    page.goto(server + "/tools/rfm/", wait_until="networkidle")
    page.evaluate(CSP_WATCH)
    loaded = len(tab.requests)
    page.locator(".opskb-tool__file").set_input_files(str(ORDERS))
    results_shown(page)
    set_analysis_day(page, "2024-12-31")
    page.wait_for_function("() => document.querySelector('[role=status]').textContent.includes('2024-12-31')")
    segments = table_rows(page, "按类别汇总")
    assert [row[:5] for row in segments] == segments_on_page  # names, R F M, counts, amounts, shares
    assert [row[2] for row in segments] == ["6", "2", "3", "1", "1", "3", "2", "2"]
    assert table_rows(page, "每位客户") == customers_on_page
    assert "20 位客户的 91 笔订单" in page.locator(".opskb-tool [role=status]").first.inner_text()
    # The analysis happened here: not one request since the page loaded (the browser's own lazy fetch
    # of the tab icon aside), no blocked resource.
    assert [url for url in tab.requests[loaded:] if not url.endswith("/assets/images/favicon.png")] == []
    assert page.evaluate("window.__cspViolations") == []
    with page.expect_download() as download:
        page.locator("button", has_text="下载全部客户").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff客户,R（天）") and len(text.strip().splitlines()) == 21
    assert download.value.suggested_filename == "rfm-2024-12-31.csv"
    assert urlsplit(download.value.url).scheme == "blob"
    assert tab.errors == []


def test_rfm_tool_reads_a_gbk_export_and_names_the_rows_it_cannot_read(tab: Tab, server: str, tmp_path: Path) -> None:
    export = "订单号,会员编号,下单时间,实付金额\r\n1,甲,2024/3/1 10:00,¥1,200.00\r\n\r\n2,乙,2024年3月5日,88元\r\n3,丙,2024-02-30,10\r\n4,甲,2024-03-08,50\r\n合计,,,1348\r\n"
    path = tmp_path / "订单导出.csv"
    path.write_bytes(export.replace("¥1,200.00", '"¥1,200.00"').encode("gb18030"))
    page = tab.page
    page.goto(server + "/tools/rfm/")
    page.locator(".opskb-tool__file").set_input_files(str(path))
    problems = page.locator(".opskb-tool__problems")
    problems.wait_for()
    text = problems.inner_text()
    assert "第 5 行的日期「2024-02-30」无法识别" in text and "第 7 行的客户 ID 为空" in text
    assert page.locator(".opskb-tool__results").is_hidden(), "nothing is computed from a file with unread rows until the reader says so"
    assert "GBK" in page.locator(".opskb-tool__source").inner_text()
    page.locator(".opskb-tool__problems input[type=checkbox]").check()
    results_shown(page)
    status = page.locator(".opskb-tool [role=status]").first.inner_text()
    assert "2 位客户的 3 笔订单" in status and "跳过了 2 行" in status
    assert tab.errors == []


def test_rfm_tool_reads_an_excel_export_as_it_reads_the_csv(tab: Tab, server: str, tmp_path: Path) -> None:
    workbook = orders_workbook(tmp_path / "订单导出.xlsx")
    page = tab.page
    page.goto(server + "/tools/rfm/", wait_until="networkidle")
    loaded = len(tab.requests)
    page.locator(".opskb-tool__file").set_input_files(str(workbook))
    results_shown(page)
    assert "工作表「订单明细」（共 2 个工作表，读的是第 1 个）" in page.locator(".opskb-tool__source").inner_text()
    assert [page.locator(f"select[id$=-{key}] option:checked").inner_text() for key in ("customer", "date", "amount")] == [
        "第 2 列：会员编号", "第 3 列：下单时间", "第 4 列：实付金额（元）"]
    set_analysis_day(page, "2024-12-31")
    page.wait_for_function("document.querySelector('[role=status]').textContent.includes('2024-12-31')")
    assert [row[2] for row in table_rows(page, "按类别汇总")] == ["6", "2", "3", "1", "1", "3", "2", "2"]
    assert "20 位客户的 91 笔订单" in page.locator(".opskb-tool [role=status]").first.inner_text()
    assert [url for url in tab.requests[loaded:] if not url.endswith("/assets/images/favicon.png")] == []
    assert tab.errors == []


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "另存为」Excel 工作簿（.xlsx）或 CSV"),
    (b"PK\x03\x04" + b"\x00" * 64, "文件已损坏，或不是 Excel 工作簿（.xlsx）"),
], ids=["xls-or-password", "damaged"])
def test_rfm_tool_refuses_an_unreadable_workbook_with_a_chinese_way_out(tab: Tab, server: str, tmp_path: Path, content: bytes, message: str) -> None:
    workbook = tmp_path / "orders.xls"
    workbook.write_bytes(content)
    page = tab.page
    page.goto(server + "/tools/rfm/")
    page.locator(".opskb-tool__file").set_input_files(str(workbook))
    status = page.locator(".opskb-tool__status--error")
    status.wait_for()
    assert message in status.inner_text()
    assert page.locator(".opskb-tool__results").is_hidden()
    assert tab.errors == []


def test_ab_tool_sample_size_equals_the_ab_pages_worked_figure(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/refined-operations/ab-testing/")
    worked = re.search(r"精确公式（α = 0\.05 双侧，功效 80%）为每组 ([\d,]+) 人", page.locator("article").inner_text())
    assert worked
    page.goto(server + "/tools/ab-test/")
    assert page.locator(".opskb-ab-per-group").inner_text() == worked.group(1) == "14,749"
    page.get_by_label("最小可检测效应（绝对值）").fill("0.5")
    assert page.locator(".opskb-ab-per-group").inner_text() == f"{example('abtest').sample_size(0.1, 0.005).per_group:,}"
    page.get_by_label("最小可检测效应（绝对值）").fill("abc")
    assert page.get_by_label("最小可检测效应（绝对值）").get_attribute("aria-invalid") == "true"
    assert "请填写数字" in page.locator("[id$=-mde-message]").inner_text()
    # After the test: the page's worked result, then a sample-ratio mismatch.
    for label, value in [("对照组人数", "14400"), ("对照组转化人数", "1440"), ("实验组人数", "14400"), ("实验组转化人数", "1570")]:
        page.get_by_label(label, exact=True).fill(value)
    result = page.locator(".opskb-tool__section").nth(1).inner_text()
    t = example("abtest").two_proportion_test(14400, 1440, 14400, 1570)
    assert f"95% 置信区间 {t.ci_low * 100:.2f}～{t.ci_high * 100:.2f} 个百分点" in result and "p 值 0.012" in result
    page.get_by_label("实验组人数", exact=True).fill("13000")
    assert "样本比例不匹配（SRM）" in page.locator(".opskb-tool__alert").inner_text()
    assert tab.errors == []


def test_ltv_tool_prefilled_with_the_ltv_example_equals_the_reference(tab: Tab, server: str) -> None:
    ltv = example("ltv")
    page = tab.page
    page.goto(server + "/tools/ltv/")
    items = page.locator(".opskb-ltv__item").all_inner_texts()
    f = ltv.formulas(217.35, 4.55, 0.30, 3.0, 0.03, 250.0)
    assert f"LTV {f.ltv_lifespan:.2f} 元" in items[0] and "217.35 × 4.55 × 3 × 0.30" in items[0]
    assert f"LTV {f.ltv_churn:.2f} 元" in items[1] and f"LTV:CAC {f.ltv_churn / 250:.1f}:1" in items[1]
    assert f"收回 250.00 元获客成本需要约 {f.payback_months:.1f} 个月" in page.locator(".opskb-tool__results").inner_text()
    # The LTV page's discounting example: 10 元 a month, churn 5%, 1% a month.
    for label, value in [("笔单价", "400"), ("年购买频次", "1"), ("毛利率", "30"), ("月流失率（公式 B、C）", "5"), ("月折现率（公式 C）", "1")]:
        page.get_by_label(label, exact=True).fill(value)
    assert "LTV 168.33 元" in page.locator(".opskb-ltv__item").nth(2).inner_text()
    page.get_by_label("毛利率", exact=True).fill("120")
    assert page.locator(".opskb-tool__results").is_hidden()
    assert "不超过 100" in page.locator("[id$=-margin-message]").inner_text()
    assert tab.errors == []


def test_cohort_tool_on_the_sample_orders_equals_the_reference(tab: Tab, server: str) -> None:
    table = example("cohort").cohort_table(
        [(row.customer_id, row.order_date) for row in example("rfm").load_orders()], dt.date(2024, 12, 31), "month")
    page = tab.page
    page.goto(server + "/tools/cohort/")
    page.locator(".opskb-tool__file").set_input_files(str(ORDERS))
    results_shown(page)
    set_analysis_day(page, "2024-12-31")
    page.wait_for_function("() => document.querySelector('[role=status]').textContent.includes('2024-12-31')")
    rows = table_rows(page, "同期群留存表")
    assert [row[:2] for row in rows[:-1]] == [[c.label, str(c.size)] for c in table.cohorts]
    for row, cohort in zip(rows, table.cohorts):
        assert row[2:2 + len(cohort.retained)] == [f"{kept / cohort.size:.1%}" for kept in cohort.retained]
    assert rows[-1][2:] == [f"{rate:.1%}" for rate in table.average]
    assert page.locator("svg.opskb-curve polyline").count() == 1
    assert tab.errors == []


def test_tools_work_after_instant_navigation(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(server + "/")
    page.locator(".md-tabs__link", has_text="工具").click()
    page.wait_for_url(re.compile(r"/tools/$"))
    for name, title in [("rfm", "RFM 分群"), ("ltv", "LTV 与 CAC"), ("rfm", "RFM 分群"), ("ab-test", "A/B 测试"), ("cohort", "留存同期群")]:
        page.locator(".md-sidebar--primary .md-nav__link", has_text=title).first.click()
        page.wait_for_url(re.compile(rf"/tools/{name}/$"))
        page.locator(f".opskb-calculator[data-calculator='{name}'] .opskb-tool__privacy").wait_for(timeout=10_000)
        assert page.locator(f".opskb-calculator[data-calculator='{name}']").count() == 1
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1, "no full reload happened"
    page.locator(".opskb-tool__file").set_input_files(str(ORDERS))
    results_shown(page)
    page.go_back()
    page.wait_for_url(re.compile(r"/tools/ab-test/$"))
    page.locator(".opskb-ab-per-group").wait_for()
    assert page.locator(".opskb-tool").count() == 1, "rendered once"
    assert tab.errors == []


@pytest.mark.parametrize(("width", "scheme"), [(360, "dark"), (360, "light"), (1280, "dark"), (1280, "light")])
def test_tools_with_results_are_accessible_and_fit_a_phone(browser: object, server: str, width: int, scheme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab = open_tab(browser, width, 800, scheme=scheme)
    page = tab.page
    page.context.add_init_script(script=axe_source())
    findings: list[str] = []
    for name in ("rfm", "cohort", "ltv", "ab-test"):
        page.goto(server + f"/tools/{name}/")
        if name in ("rfm", "cohort"):
            page.locator(".opskb-tool__file").set_input_files(str(ORDERS))
            results_shown(page)
        if name == "ab-test":
            for label, value in [("对照组人数", "10000"), ("对照组转化人数", "1000"), ("实验组人数", "9500"), ("实验组转化人数", "1100")]:
                page.get_by_label(label, exact=True).fill(value)
        page.wait_for_function(SETTLED)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
        # The actions column wraps instead of squeezing: no row of the summary taller than four lines.
        findings += axe_findings(page, f"{scheme} {width}px /tools/{name}/")
        page.locator(".opskb-tool").screenshot(path=str(ARTIFACTS / f"tool-{name}-{width}-{scheme}.png"))
    page.context.close()
    assert findings == [], "\n".join(findings)
    assert tab.errors == []
