"""同期群留存示例：按首次购买（或首次活跃）的周或月把客户分组，统计之后每期仍有购买的比例。

规则：
    同期群 = 客户第一笔订单所在的周（周一开始）或自然月；晚于分析日的订单不计入。
    第 k 期留存率 = 同期群中在第 k 期（首期为第 0 期）有过订单的客户数 ÷ 同期群人数。
    只统计到分析日所在的那一期为止（这一期可能还没过完）。
    平均留存曲线：第 k 期 = 各同期群第 k 期留存人数之和 ÷ 已经走到第 k 期的各同期群人数之和，
    即按人数加权，刚开始的小同期群不会把曲线拉得忽高忽低。
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PERIODS = ("week", "month")


@dataclass(frozen=True)
class Cohort:
    label: str  # 月：2024-01；周：该周周一的日期 2024-01-01
    size: int
    retained: tuple[int, ...]  # 第 0、1、2……期仍有订单的客户数，第 0 期等于 size


@dataclass(frozen=True)
class CohortTable:
    period: str
    cohorts: tuple[Cohort, ...]
    average: tuple[float, ...]  # 第 0、1、2……期的加权平均留存率


def period_index(day: dt.date, period: str) -> int:
    """日期所在的期：月为 年 × 12 + 月 − 1；周为从 0001-01-01（周一）起的第几周。"""
    if period == "month":
        return day.year * 12 + day.month - 1
    if period == "week":
        return (day.toordinal() - 1) // 7
    raise ValueError(f"period 只能是 {PERIODS}")


def period_label(index: int, period: str) -> str:
    if period == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return dt.date.fromordinal(index * 7 + 1).isoformat()


def cohort_table(events: Iterable[tuple[str, dt.date]], analysis_date: dt.date, period: str = "month") -> CohortTable:
    """events：(客户 ID, 日期)，例如每笔订单一条。"""
    last = period_index(analysis_date, period)
    active: dict[str, set[int]] = {}
    for customer, day in events:
        if day <= analysis_date:
            active.setdefault(customer, set()).add(period_index(day, period))
    members: dict[int, list[set[int]]] = {}
    for periods in active.values():
        members.setdefault(min(periods), []).append(periods)
    cohorts = []
    for start in sorted(members):
        group = members[start]
        retained = tuple(sum(1 for periods in group if start + k in periods) for k in range(last - start + 1))
        cohorts.append(Cohort(period_label(start, period), len(group), retained))
    span = max((len(c.retained) for c in cohorts), default=0)
    average = []
    for k in range(span):
        reached = [c for c in cohorts if len(c.retained) > k]
        average.append(sum(c.retained[k] for c in reached) / sum(c.size for c in reached))
    return CohortTable(period, tuple(cohorts), tuple(average))
