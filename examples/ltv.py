"""LTV 计算示例：由 orders.csv 算出笔单价、购买频次和客单价，再用两种公式估算 LTV。

数据覆盖分析日之前的一整年（OBSERVATION_DAYS 天），所以「年购买频次」= 订单数 ÷ 客户数。
笔单价按订单计算（成交金额 ÷ 订单数），客单价按成交客户计算（成交金额 ÷ 客户数），与术语表一致。
这份数据只有下过单的客户，所以「每用户」的收入是付费用户口径（ARPPU），获客成本也按付费客户计。
毛利率、生命周期、流失率和获客成本不在订单数据里，下面以常量形式假设，换成自己的数即可。
同样的计算有 SQL 版（ltv.sql）和电子表格版（ltv-sheet.txt），测试核对三者结果一致。
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

ORDERS_CSV = Path(__file__).with_name("orders.csv")
ANALYSIS_DATE = dt.date(2024, 12, 31)  # 与 rfm.py 相同的分析日
OBSERVATION_DAYS = 365  # 观察窗口：分析日之前的一年

# 假设（示例值，不是行业数据）
GROSS_MARGIN = 0.30  # 毛利率：每 1 元收入留下的毛利
LIFESPAN_YEARS = 3.0  # 公式 A 用的平均生命周期（年），例如来自历史同期群的留存
MONTHLY_CHURN = 0.03  # 公式 B 用的月流失率：每月有多少比例的客户不再购买
CAC = 250.0  # 获客成本（元/位），含投放、渠道、新客补贴


@dataclass(frozen=True)
class Order:
    customer_id: str
    order_date: dt.date
    amount: float


def load_orders(path: Path = ORDERS_CSV) -> list[Order]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Order(r["customer_id"], dt.date.fromisoformat(r["order_date"]), float(r["amount"]))
        for r in rows
    ]


@dataclass(frozen=True)
class LtvResult:
    orders: int
    customers: int
    revenue: float  # 成交金额（元）；自营店铺的成交金额就是收入
    order_value: float  # 笔单价 = 成交金额 ÷ 订单数
    frequency: float  # 年购买频次 = 订单数 ÷ 客户数 ÷ 观察年数
    spend_per_customer: float  # 客单价（年）= 成交金额 ÷ 客户数 ÷ 观察年数 = 笔单价 × 年购买频次
    arppu_month: float  # 月 ARPPU = 客单价（年）÷ 12
    ltv_lifespan: float  # A：笔单价 × 年购买频次 × 生命周期年数 × 毛利率
    ltv_churn: float  # B：月 ARPPU × 毛利率 ÷ 月流失率
    payback_months: float  # CAC 回收期 = CAC ÷ (月 ARPPU × 毛利率)


@dataclass(frozen=True)
class LtvFigures:
    spend_per_customer: float  # 客单价（年）= 笔单价 × 年购买频次
    arppu_month: float  # 月 ARPPU = 客单价（年）÷ 12
    monthly_margin: float  # 每位客户每月贡献的毛利 = 月 ARPPU × 毛利率
    ltv_lifespan: float  # A：笔单价 × 年购买频次 × 生命周期年数 × 毛利率
    ltv_churn: float  # B：月 ARPPU × 毛利率 ÷ 月流失率
    ltv_discounted: float  # C：m × (1 + d) ÷ (1 + d − r)，m 为每月毛利，r = 1 − 月流失率，d 为月折现率
    payback_months: float | None  # CAC 回收期 = CAC ÷ (月 ARPPU × 毛利率)；每月毛利为 0 时收不回


def formulas(order_value: float, frequency: float, gross_margin: float, lifespan_years: float,
             monthly_churn: float, cac: float, monthly_discount: float = 0.0) -> LtvFigures:
    """LTV 页的三种公式，输入都由读者给出（「工具」一章的计算器与下面的示例共用）。"""
    if not (order_value >= 0 and frequency >= 0 and 0 < gross_margin <= 1 and lifespan_years > 0
            and 0 < monthly_churn <= 1 and cac >= 0 and monthly_discount >= 0):
        raise ValueError("毛利率、月流失率须在 0 与 1 之间，生命周期须大于 0，其余不能为负")
    spend_per_customer = order_value * frequency
    arppu_month = spend_per_customer / 12
    monthly_margin = arppu_month * gross_margin
    retention = 1 - monthly_churn
    return LtvFigures(
        spend_per_customer=spend_per_customer,
        arppu_month=arppu_month,
        monthly_margin=monthly_margin,
        ltv_lifespan=order_value * frequency * lifespan_years * gross_margin,
        ltv_churn=arppu_month * gross_margin / monthly_churn,
        ltv_discounted=monthly_margin * (1 + monthly_discount) / (1 + monthly_discount - retention),
        payback_months=cac / monthly_margin if monthly_margin > 0 else None,
    )


def compute(orders: list[Order], analysis_date: dt.date = ANALYSIS_DATE) -> LtvResult:
    window = [o for o in orders if 0 <= (analysis_date - o.order_date).days < OBSERVATION_DAYS]
    years = OBSERVATION_DAYS / 365
    revenue = sum(o.amount for o in window)
    n_orders = len(window)
    n_customers = len({o.customer_id for o in window})
    order_value = revenue / n_orders
    frequency = n_orders / n_customers / years
    f = formulas(order_value, frequency, GROSS_MARGIN, LIFESPAN_YEARS, MONTHLY_CHURN, CAC)
    return LtvResult(
        orders=n_orders,
        customers=n_customers,
        revenue=revenue,
        order_value=order_value,
        frequency=frequency,
        spend_per_customer=f.spend_per_customer,
        arppu_month=f.arppu_month,
        ltv_lifespan=f.ltv_lifespan,
        ltv_churn=f.ltv_churn,
        payback_months=CAC / f.monthly_margin,
    )


def render_blocks() -> dict[str, str]:
    r = compute(load_orders())
    inputs = [
        "| 指标 | 计算 | 数值 |",
        "| --- | --- | ---: |",
        f"| 订单数 | 观察窗口内的订单 | {r.orders} |",
        f"| 客户数 | 观察窗口内下过单的客户 | {r.customers} |",
        f"| 总收入（元） | 订单金额之和 | {r.revenue:.2f} |",
        f"| 笔单价（元） | 总收入 ÷ 订单数 | {r.order_value:.2f} |",
        f"| 年购买频次（次） | 订单数 ÷ 客户数 | {r.frequency:.2f} |",
        f"| 客单价（元/年） | 总收入 ÷ 客户数 | {r.spend_per_customer:.2f} |",
        f"| 月 ARPPU（元） | 总收入 ÷ 客户数 ÷ 12 | {r.arppu_month:.2f} |",
    ]
    assumptions = [
        "| 假设 | 取值 | 含义 |",
        "| --- | ---: | --- |",
        f"| 毛利率 | {GROSS_MARGIN:.0%} | 每 1 元收入留下的毛利 |",
        f"| 平均生命周期 | {LIFESPAN_YEARS:g} 年 | 公式 A 使用 |",
        f"| 月流失率 | {MONTHLY_CHURN:.0%} | 公式 B 使用，隐含生命周期约 {1 / MONTHLY_CHURN:.1f} 个月 |",
        f"| 获客成本 CAC | {CAC:.2f} 元 | 拉来一位付费客户的平均花费 |",
    ]
    results = [
        "| 口径 | LTV（元，毛利） | LTV:CAC |",
        "| --- | ---: | ---: |",
        f"| 公式 A：笔单价 × 年购买频次 × 生命周期 × 毛利率 | {r.ltv_lifespan:.2f} | {r.ltv_lifespan / CAC:.1f}:1 |",
        f"| 公式 B：月 ARPPU × 毛利率 ÷ 月流失率 | {r.ltv_churn:.2f} | {r.ltv_churn / CAC:.1f}:1 |",
    ]
    return {
        "ltv-inputs": "\n".join(inputs),
        "ltv-assumptions": "\n".join(assumptions),
        "ltv-results": "\n".join(results),
        "ltv-formula-a": (f"公式 A：{r.order_value:.2f} × {r.frequency:.2f} × {LIFESPAN_YEARS:g} × "
                          f"{GROSS_MARGIN:.2f} ≈ {r.ltv_lifespan:.2f} 元。"),
        "ltv-formula-b": (f"公式 B：{r.arppu_month:.2f} × {GROSS_MARGIN:.2f} ÷ {MONTHLY_CHURN:.2f} ≈ "
                          f"{r.ltv_churn:.2f} 元。"),
        "ltv-payback": (f"每位客户每月贡献毛利 {r.arppu_month * GROSS_MARGIN:.2f} 元，"
                        f"收回 {CAC:.2f} 元获客成本需要约 {r.payback_months:.1f} 个月。"),
        "ltv-gap": (f"两种口径相差 {abs(r.ltv_lifespan - r.ltv_churn):.2f} 元，原因是隐含的生命周期不同："
                    f"公式 A 假设 {LIFESPAN_YEARS * 12:g} 个月，公式 B 隐含约 {1 / MONTHLY_CHURN:.1f} 个月。"),
    }


if __name__ == "__main__":
    for name, block in render_blocks().items():
        print(f"<!-- computed: {name} -->\n\n{block}\n\n<!-- /computed -->\n")
