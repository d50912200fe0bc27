"""RFM 计算示例：读取 orders.csv，给每位客户打 R、F、M 分并划入八类客户。

评分方法（五分位，按排名）：
    某客户某项得分 = 1 + floor(5 × k ÷ n)
    n 为客户总数，k 为该项「比他差」的客户数（严格差，数值相同的客户得分相同）。
    R 越小（越近）越好，F、M 越大越好，所以最近购买的客户 R 得 5 分。
也可以按业务阈值打分（threshold_scores）：每项给出 4 个门槛，达到几个门槛就在 1 分之上加几分。
分类方法：某项得分不低于（≥）全体客户该项平均分记为「高」，低于平均分记为「低」，
    按 R、F、M 的高低组合得到八类客户。恰好等于平均分的客户处在中间档，记为「高」，
    这样最近刚买过的客户不会因为并列而被归入「挽留」类。
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

ORDERS_CSV = Path(__file__).with_name("orders.csv")
ANALYSIS_DATE = dt.date(2024, 12, 31)  # 固定的分析日，保证结果可复现

# 键：R、F、M 是否为「高」；值：客户类别
SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "重要价值客户",
    (True, False, True): "重要发展客户",
    (False, True, True): "重要保持客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (True, False, False): "一般发展客户",
    (False, True, False): "一般保持客户",
    (False, False, False): "一般挽留客户",
}


@dataclass(frozen=True)
class Order:
    customer_id: str
    order_date: dt.date
    amount: float


@dataclass(frozen=True)
class CustomerRFM:
    customer_id: str
    recency_days: int  # R：距分析日的天数
    frequency: int  # F：订单数
    monetary: float  # M：消费总额（元）
    r_score: int = 0
    f_score: int = 0
    m_score: int = 0
    segment: str = ""


def load_orders(path: Path = ORDERS_CSV) -> list[Order]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Order(r["customer_id"], dt.date.fromisoformat(r["order_date"]), float(r["amount"]))
        for r in rows
    ]


def raw_rfm(orders: list[Order], analysis_date: dt.date = ANALYSIS_DATE) -> list[CustomerRFM]:
    by_customer: dict[str, list[Order]] = {}
    for order in orders:
        if order.order_date <= analysis_date:  # 分析日之后的订单不属于这次分析
            by_customer.setdefault(order.customer_id, []).append(order)
    return [
        CustomerRFM(
            customer_id=cid,
            recency_days=(analysis_date - max(o.order_date for o in own)).days,
            frequency=len(own),
            monetary=round(sum(o.amount for o in own), 2),
        )
        for cid, own in sorted(by_customer.items())
    ]


def quintile_scores(values: list[float], higher_is_better: bool = True) -> list[int]:
    """按排名分五档：1 + floor(5 × 比自己差的人数 ÷ 总人数)。"""
    n = len(values)
    scores = []
    for v in values:
        worse = sum(1 for w in values if (w < v if higher_is_better else w > v))
        scores.append(1 + 5 * worse // n)
    return scores


def threshold_scores(values: list[float], cuts: tuple[float, float, float, float],
                     higher_is_better: bool = True) -> list[int]:
    """按业务阈值打分：1 + 达到的门槛数。F、M 达到指「不低于」门槛，R（天数）达到指「不超过」门槛。

    例如 R 的门槛 (7, 30, 90, 180)：7 天内 5 分，8～30 天 4 分，31～90 天 3 分，91～180 天 2 分，更久 1 分。
    """
    if higher_is_better:
        return [1 + sum(1 for cut in cuts if v >= cut) for v in values]
    return [1 + sum(1 for cut in cuts if v <= cut) for v in values]


def classify(r: int, f: int, m: int, means: tuple[float, float, float]) -> str:
    return SEGMENTS[(r >= means[0], f >= means[1], m >= means[2])]


Thresholds = tuple[tuple[float, float, float, float], tuple[float, float, float, float],
                   tuple[float, float, float, float]]


def score_customers(customers: list[CustomerRFM], thresholds: Thresholds | None = None) -> list[CustomerRFM]:
    """五分位打分（默认），或按 R、F、M 各自的 4 个门槛打分；再按平均分分高低、归入八类。"""
    if not customers:
        return []
    if thresholds is None:
        r = quintile_scores([c.recency_days for c in customers], higher_is_better=False)
        f = quintile_scores([c.frequency for c in customers])
        m = quintile_scores([c.monetary for c in customers])
    else:
        r = threshold_scores([c.recency_days for c in customers], thresholds[0], higher_is_better=False)
        f = threshold_scores([c.frequency for c in customers], thresholds[1])
        m = threshold_scores([c.monetary for c in customers], thresholds[2])
    means = (mean(r), mean(f), mean(m))
    return [
        CustomerRFM(c.customer_id, c.recency_days, c.frequency, c.monetary,
                    r[i], f[i], m[i], classify(r[i], f[i], m[i], means))
        for i, c in enumerate(customers)
    ]


def render_blocks() -> dict[str, str]:
    orders = load_orders()
    customers = score_customers(raw_rfm(orders))
    means = {k: mean(getattr(c, f"{k.lower()}_score") for c in customers) for k in "RFM"}

    rows = ["| 客户 | R（天） | F（单） | M（元） | R 分 | F 分 | M 分 | 客户类别 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    rows += [f"| {c.customer_id} | {c.recency_days} | {c.frequency} | {c.monetary:.2f} "
             f"| {c.r_score} | {c.f_score} | {c.m_score} | {c.segment} |" for c in customers]

    summary = ["| 客户类别 | R F M | 客户数 | 消费总额（元） | 消费占比 |",
               "| --- | --- | ---: | ---: | ---: |"]
    total = sum(c.monetary for c in customers)
    for (hi_r, hi_f, hi_m), name in SEGMENTS.items():
        members = [c for c in customers if c.segment == name]
        amount = sum(c.monetary for c in members)
        hl = " ".join("高" if x else "低" for x in (hi_r, hi_f, hi_m))
        summary.append(f"| {name} | {hl} | {len(members)} | {amount:.2f} | {amount / total:.1%} |")

    top = [c for c in customers if c.segment == "重要价值客户"]
    top_amount = sum(c.monetary for c in top)
    on_mean: list[str] = []  # 某项得分恰好等于平均分的客户，如 "C05（R）"
    for c in customers:
        keys = [k for k in "RFM" if getattr(c, f"{k.lower()}_score") == means[k]]
        if keys:
            on_mean.append(f"{c.customer_id}（{'、'.join(keys)}）")
    present = sum(1 for name in SEGMENTS.values() if any(c.segment == name for c in customers))
    return {
        "rfm-setup": (f"分析日为 {ANALYSIS_DATE.isoformat()}，数据包含 {len(customers)} 位客户的 "
                      f"{len(orders)} 笔订单，消费总额 {total:.2f} 元。"),
        "rfm-means": (f"全体客户的平均分：R 为 {means['R']:.2f}，F 为 {means['F']:.2f}，"
                      f"M 为 {means['M']:.2f}。某项得分不低于对应平均分记为「高」，低于平均分记为「低」。"),
        "rfm-customers": "\n".join(rows),
        "rfm-segments": "\n".join(summary),
        "rfm-segments-present": f"八类客户中有 {present} 类在本例中出现。",
        "rfm-top-share": (f"重要价值客户共 {len(top)} 位，占客户数的 {len(top) / len(customers):.0%}，"
                          f"贡献了 {top_amount / total:.1%} 的消费额。"),
        "rfm-on-mean": ("得分恰好等于平均分、按规则记为「高」的有：" + "、".join(on_mean) + "。"
                        if on_mean else "没有客户的得分恰好等于平均分。"),
    }


if __name__ == "__main__":
    for name, block in render_blocks().items():
        print(f"<!-- computed: {name} -->\n\n{block}\n\n<!-- /computed -->\n")
