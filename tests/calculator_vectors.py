"""The calculators' shared test vectors: inputs, and what the Python references compute from them.

tests/fixtures/calculator-vectors.json holds both. pytest recomputes the expectations with
examples/*.py (tests/test_calculators.py) and Node's test runner checks the JavaScript modules
against the same file (tests/js/calculators.test.mjs): same inputs, same scores, segments, figures.

    python tests/calculator_vectors.py   # rewrite the JSON after changing a case or a reference
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "fixtures" / "calculator-vectors.json"
SAMPLE = "examples/orders.csv"


def example(name: str) -> ModuleType:
    module_name = f"calculator_reference_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def orders_of(case: dict[str, Any]) -> list[tuple[str, dt.date, float]]:
    """A case's orders: inline [customer, "YYYY-MM-DD", amount] rows, or a CSV file of the repository."""
    if "orders_csv" in case:
        with (ROOT / case["orders_csv"]).open(encoding="utf-8", newline="") as f:
            return [(r["customer_id"], dt.date.fromisoformat(r["order_date"]), float(r["amount"])) for r in csv.DictReader(f)]
    return [(c, dt.date.fromisoformat(d), float(a)) for c, d, a in case["orders"]]


def rfm_expected(case: dict[str, Any]) -> dict[str, Any]:
    rfm = example("rfm")
    orders = [rfm.Order(c, d, a) for c, d, a in orders_of(case)]
    cuts = case.get("thresholds")
    thresholds = (tuple(cuts["r"]), tuple(cuts["f"]), tuple(cuts["m"])) if cuts else None
    customers = rfm.score_customers(rfm.raw_rfm(orders, dt.date.fromisoformat(case["analysis_date"])), thresholds)
    total = sum(c.monetary for c in customers)
    segments = []
    for name in rfm.SEGMENTS.values():
        members = [c for c in customers if c.segment == name]
        amount = sum(c.monetary for c in members)
        segments.append([name, len(members), f"{amount:.2f}", f"{amount / total:.1%}" if total > 0 else "–"])
    scores = [[getattr(c, f"{k}_score") for c in customers] for k in "rfm"]
    return {
        "customers": [[c.customer_id, c.recency_days, c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment]
                      for c in customers],
        "means": [sum(s) / len(s) for s in scores] if customers else [0, 0, 0],
        "segments": segments,
    }


def ltv_expected(case: dict[str, Any]) -> dict[str, Any]:
    f = example("ltv").formulas(**case["inputs"])
    return dataclasses.asdict(f)


def cohort_expected(case: dict[str, Any]) -> dict[str, Any]:
    events = [(c, d) for c, d, _ in orders_of(case)]
    table = example("cohort").cohort_table(events, dt.date.fromisoformat(case["analysis_date"]), case["period"])
    return {"cohorts": [[c.label, c.size, list(c.retained)] for c in table.cohorts], "average": list(table.average)}


def abtest_expected(case: dict[str, Any]) -> dict[str, Any]:
    ab = example("abtest")
    kind, args = case["kind"], case["args"]
    if kind == "sample_size":
        return dataclasses.asdict(ab.sample_size(*args))
    if kind == "duration":
        return {"days": list(ab.duration_days(*args))}
    if kind == "test":
        return dataclasses.asdict(ab.two_proportion_test(*args))
    return dataclasses.asdict(ab.srm_check(*args))


EXPECT = {"rfm": rfm_expected, "ltv": ltv_expected, "cohort": cohort_expected, "abtest": abtest_expected}


def ltv_example() -> dict[str, float]:
    """The LTV page's worked example as the calculator prefills it (percent, rounded as printed)."""
    ltv = example("ltv")
    r = ltv.compute(ltv.load_orders())
    return {"orderValue": round(r.order_value, 2), "frequency": round(r.frequency, 2), "grossMargin": round(ltv.GROSS_MARGIN * 100, 6),
            "lifespanYears": ltv.LIFESPAN_YEARS, "monthlyChurn": round(ltv.MONTHLY_CHURN * 100, 6), "monthlyDiscount": 0,
            "cac": ltv.CAC}


def with_expectations(vectors: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"about": vectors["about"], "ltv_example": ltv_example()}
    for kind, compute in EXPECT.items():
        out[kind] = [{**{k: v for k, v in case.items() if k != "expected"}, "expected": compute(case)} for case in vectors[kind]]
    return out


def load() -> dict[str, Any]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    VECTORS.write_text(json.dumps(with_expectations(load()), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {VECTORS.relative_to(ROOT)}")
