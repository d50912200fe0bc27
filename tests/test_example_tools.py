"""The SQL and spreadsheet versions of the worked examples give the Python's numbers.

The SQL runs on SQLite from the standard library. The spreadsheet formulas are the ones the pages
show (examples/*-sheet.txt, cell by cell as a reader pastes them); they are put into a workbook
with the sample data, recalculated by LibreOffice Calc (headless, Debian's libreoffice-calc-nogui)
and read back. The reader's fill-down is done with openpyxl's formula translator, as a spreadsheet
adjusts relative references.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from conftest import missing

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ORDERS = EXAMPLES / "orders.csv"
CELL_LINE = re.compile(r"^(?P<cell>[A-Z]+)(?P<row>\d+)(?P<alternative>（备用）)?: (?P<content>.*)$")
# Functions newer than the 2007 file format are stored with this prefix in .xlsx, as Excel does.
FUTURE_FUNCTIONS = re.compile(r"\b(MAXIFS|MINIFS|DAYS|RANK\.EQ)\(")


def order_rows() -> list[dict[str, str]]:
    with ORDERS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- SQL


def orders_database(typed: bool) -> sqlite3.Connection:
    """The sample data in SQLite: typed columns, or all TEXT as sqlite3's `.import --csv` makes them."""
    connection = sqlite3.connect(":memory:")
    if typed:
        connection.execute("CREATE TABLE orders(order_id TEXT, customer_id TEXT, order_date TEXT, amount REAL)")
        values = [(r["order_id"], r["customer_id"], r["order_date"], float(r["amount"])) for r in order_rows()]
    else:
        connection.execute('CREATE TABLE orders("order_id" TEXT, "customer_id" TEXT, "order_date" TEXT, "amount" TEXT)')
        values = [(r["order_id"], r["customer_id"], r["order_date"], r["amount"]) for r in order_rows()]
    connection.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", values)
    return connection


@pytest.mark.parametrize("typed", [True, False], ids=["typed-columns", "imported-as-text"])
def test_rfm_sql_gives_every_customers_scores_and_segment(rfm: ModuleType, typed: bool) -> None:
    expected = [
        (c.customer_id, c.recency_days, c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment)
        for c in rfm.score_customers(rfm.raw_rfm(rfm.load_orders()))
    ]
    rows = orders_database(typed).execute((EXAMPLES / "rfm.sql").read_text(encoding="utf-8")).fetchall()
    assert [tuple(row) for row in rows] == expected
    assert {row[7] for row in rows} == set(rfm.SEGMENTS.values())  # the data reaches all eight segments


@pytest.mark.parametrize("typed", [True, False], ids=["typed-columns", "imported-as-text"])
def test_ltv_sql_gives_the_same_figures(ltv: ModuleType, typed: bool) -> None:
    r = ltv.compute(ltv.load_orders())
    cursor = orders_database(typed).execute((EXAMPLES / "ltv.sql").read_text(encoding="utf-8"))
    got = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    assert (got["orders"], got["customers"]) == (r.orders, r.customers)
    assert got["revenue"] == pytest.approx(r.revenue)
    for column, value in [("order_value", r.order_value), ("frequency", r.frequency),
                          ("spend_per_customer", r.spend_per_customer), ("arppu_month", r.arppu_month),
                          ("ltv_a", r.ltv_lifespan), ("ltv_b", r.ltv_churn), ("payback_months", r.payback_months)]:
        assert got[column] == pytest.approx(value, rel=1e-12), column


def test_the_sql_observation_window_drops_orders_outside_it(ltv: ModuleType) -> None:
    """An order a year and a day old is left out by both versions alike."""
    connection = orders_database(True)
    connection.execute("INSERT INTO orders VALUES ('OLD', 'C99', '2023-12-31', 5000.0)")
    cursor = connection.execute((EXAMPLES / "ltv.sql").read_text(encoding="utf-8"))
    got = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    old = ltv.Order("C99", dt.date(2023, 12, 31), 5000.0)
    r = ltv.compute([*ltv.load_orders(), old])
    assert (got["orders"], got["customers"]) == (r.orders, r.customers) == (91, 20)


# --------------------------------------------------------------------------- spreadsheet


def sheet_cells(name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(cells, alternatives) of a sheet file: `B2: =…` lines, `B2（备用）: =…` lines, `#` comments."""
    cells: dict[str, str] = {}
    alternatives: dict[str, str] = {}
    for number, line in enumerate((EXAMPLES / name).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = CELL_LINE.match(line)
        assert match, f"examples/{name}:{number}: expected `单元格: 内容` (for example `B2: =COUNT(A:A)`), got {line!r}"
        target = alternatives if match.group("alternative") else cells
        target[match.group("cell") + match.group("row")] = match.group("content")
    return cells, alternatives


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        missing("没有找到 LibreOffice：请运行 apt-get install libreoffice-calc-nogui（电子表格公式的测试需要它）")
    return found


def typed(value: str) -> object:
    """A cell's content as the spreadsheet reads what is typed: a number, a formula or text."""
    if value.startswith("="):
        return FUTURE_FUNCTIONS.sub(r"_xlfn.\1(", value)
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def recalculated(cells: dict[str, object], fill_to: int, tmp_path: Path) -> object:
    """A workbook with the sample data as sheet `orders` and `cells` on a second sheet, row 2's
    formulas filled down to row `fill_to`, recalculated by LibreOffice; returns that sheet's values."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.formula.translate import Translator

    book = Workbook()
    orders = book.active
    orders.title = "orders"
    orders.append(["order_id", "customer_id", "order_date", "amount"])
    for row in order_rows():
        orders.append([row["order_id"], row["customer_id"], dt.date.fromisoformat(row["order_date"]), float(row["amount"])])
    sheet = book.create_sheet("calc")
    for cell, value in cells.items():
        sheet[cell] = typed(value) if isinstance(value, str) else value
    for cell, value in cells.items():
        column, row = re.match(r"([A-Z]+)(\d+)$", cell).groups()
        if row == "2" and isinstance(value, str) and value.startswith("="):
            for target in range(3, fill_to + 1):
                sheet[f"{column}{target}"] = typed(Translator(value, origin=cell).translate_formula(f"{column}{target}"))
    source = tmp_path / "example.xlsx"
    book.save(source)
    out = tmp_path / "out"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    assert (out / "example.xlsx").is_file(), result.stdout + result.stderr
    return load_workbook(out / "example.xlsx", data_only=True)["calc"]


def customer_ids() -> list[str]:
    """The reader's step: column B of the orders without duplicates (in first-seen order)."""
    return list(dict.fromkeys(row["customer_id"] for row in order_rows()))


@pytest.mark.parametrize("variant", ["main", "alternative"], ids=["maxifs", "sumproduct-fallback"])
def test_rfm_spreadsheet_formulas_give_every_customers_scores_and_segment(rfm: ModuleType, variant: str, tmp_path: Path) -> None:
    cells, alternatives = sheet_cells("rfm-sheet.txt")
    assert alternatives, "the fallback for spreadsheets without MAXIFS is documented and tested"
    if variant == "alternative":
        cells = {**cells, **alternatives}
    ids = customer_ids()
    cells = {**cells, **{f"A{row}": cid for row, cid in enumerate(ids, start=2)}}
    sheet = recalculated(cells, fill_to=len(ids) + 1, tmp_path=tmp_path)
    got = {
        sheet[f"A{row}"].value: tuple(sheet[f"{col}{row}"].value for col in "BCDEFGH")
        for row in range(2, len(ids) + 2)
    }
    expected = {
        c.customer_id: (c.recency_days, c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment)
        for c in rfm.score_customers(rfm.raw_rfm(rfm.load_orders()))
    }
    assert got.keys() == expected.keys()
    for customer, values in expected.items():
        assert got[customer][:2] == values[:2], customer
        assert got[customer][2] == pytest.approx(values[2]), customer
        assert got[customer][3:] == values[3:], customer


def test_ltv_spreadsheet_formulas_give_the_same_figures(ltv: ModuleType, tmp_path: Path) -> None:
    cells, _ = sheet_cells("ltv-sheet.txt")
    # The sheet's assumptions are the example's: change one, change both.
    assert [float(cells[c]) for c in ("B10", "B11", "B12", "B13")] == [ltv.GROSS_MARGIN, ltv.LIFESPAN_YEARS, ltv.MONTHLY_CHURN, ltv.CAC]
    assert int(cells["B1"]) == ltv.OBSERVATION_DAYS
    sheet = recalculated(cells, fill_to=2, tmp_path=tmp_path)
    r = ltv.compute(ltv.load_orders())
    # The sheet assumes the orders are those of the observation window; the sample data is.
    assert r.orders == len(order_rows())
    expected = {"B2": r.orders, "B3": r.revenue, "B4": r.customers, "B5": r.order_value, "B6": r.frequency,
                "B7": r.spend_per_customer, "B8": r.arppu_month, "B15": r.ltv_lifespan, "B16": r.ltv_churn,
                "B17": r.ltv_lifespan / ltv.CAC, "B18": r.ltv_churn / ltv.CAC, "B19": r.payback_months}
    for cell, value in expected.items():
        assert sheet[cell].value == pytest.approx(value, rel=1e-9), f"{cell} ({cells[cell.replace('B', 'A')]})"


def test_the_pages_show_the_tested_sql_and_formulas(root: Path) -> None:
    """What the reader copies is what the tests ran: the pages include the files, and link the data."""
    for page, names in [("docs/modules/user-operations/rfm.md", ("rfm.sql", "rfm-sheet.txt")),
                        ("docs/modules/user-operations/ltv.md", ("ltv.sql", "ltv-sheet.txt"))]:
        text = (root / page).read_text(encoding="utf-8")
        for name in names:
            assert f'--8<-- "{name}"' in text, f"{page} does not include examples/{name}"
        assert "](../../../examples/orders.csv)" in text, f"{page} does not offer the sample data"
