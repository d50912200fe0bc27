"""A/B 测试计算示例：转化率实验的样本量、两比例 z 检验和样本比例不匹配（SRM）检查。

只用 Python 标准库。公式与 A/B 测试页一致：
    每组样本量（精确公式，两组各自方差）：n = (z₁₋α/₂ + z₁₋β)² × (p₁(1 − p₁) + p₂(1 − p₂)) ÷ δ²，向上取整
    近似公式（α = 0.05 双侧、功效 80%）：n ≈ 16 × p(1 − p) ÷ δ²
    差值的置信区间：(p₂ − p₁) ± z₁₋α/₂ × √(p₁(1 − p₁) ÷ n₁ + p₂(1 − p₂) ÷ n₂)
    显著性：合并比例的 z 检验，双侧 p 值
    SRM：χ² = Σ (实际人数 − 期望人数)² ÷ 期望人数，自由度 1
下面的示例数字都是假设的。
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

_STANDARD = NormalDist()
SRM_ALPHA = 0.001  # SRM 检查每个实验都做，阈值比 0.05 严格得多，以免频繁误报

# 示例（假设）：基线转化率 10%，希望检测出 1 个百分点的提升，每天约 5,000 人进入实验
BASELINE = 0.10
MDE = 0.01
DAILY_USERS = 5000
# 实验结束后的示例结果：两组各 14,400 人
RESULT = (14400, 1440, 14400, 1570)  # 对照组人数、转化人数，实验组人数、转化人数
# SRM 示例：按 50% 对 50% 分流，A 组 10,000 人，B 组分别为 9,500、9,900、9,700 人
SRM_CASES = ((10000, 9500), (10000, 9900), (10000, 9700))


def z_quantile(p: float) -> float:
    """标准正态分布的分位数。"""
    return _STANDARD.inv_cdf(p)


def normal_sf(x: float) -> float:
    """标准正态分布的右尾概率 P(Z > x)。"""
    return 0.5 * math.erfc(x / math.sqrt(2))


@dataclass(frozen=True)
class SampleSize:
    per_group: int  # 精确公式，每组
    rule_of_thumb: int  # 16 × σ² ÷ δ²，四舍五入；只在 α = 0.05、功效 80% 时成立
    variance: float  # σ² = p(1 − p)，基线转化率的方差


def sample_size(baseline: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> SampleSize:
    """两组人数相等、双侧检验时每组需要的样本量；mde 为绝对差（0.01 即 1 个百分点）。"""
    target = baseline + mde
    if not (0 < baseline < 1 and 0 < target < 1 and mde != 0 and 0 < alpha < 1 and 0 < power < 1):
        raise ValueError("基线转化率与目标转化率须在 0 与 1 之间，最小可检测效应不能为 0")
    z_sum = z_quantile(1 - alpha / 2) + z_quantile(power)
    spread = baseline * (1 - baseline) + target * (1 - target)
    variance = baseline * (1 - baseline)
    return SampleSize(
        per_group=math.ceil(z_sum * z_sum * spread / (mde * mde)),
        rule_of_thumb=round(16 * variance / (mde * mde)),
        variance=variance,
    )


def duration_days(per_group: int, daily_users: int, groups: int = 2) -> tuple[int, int]:
    """凑够样本需要的天数，以及按整周运行的天数（覆盖工作日和周末）。"""
    days = math.ceil(per_group * groups / daily_users)
    return days, 7 * math.ceil(days / 7)


@dataclass(frozen=True)
class TestResult:
    p1: float  # 对照组转化率
    p2: float  # 实验组转化率
    diff: float  # p2 − p1
    lift: float | None  # 相对提升 (p2 − p1) ÷ p1；对照组转化率为 0 时没有定义
    se: float  # 差值的标准误（两组各自方差）
    ci_low: float
    ci_high: float
    z: float  # 合并比例的 z 统计量
    p_value: float  # 双侧


def two_proportion_test(n1: int, x1: int, n2: int, x2: int, alpha: float = 0.05) -> TestResult:
    """对照组 n1 人中 x1 人转化，实验组 n2 人中 x2 人转化。"""
    if not (n1 > 0 and n2 > 0 and 0 <= x1 <= n1 and 0 <= x2 <= n2 and 0 < alpha < 1):
        raise ValueError("每组人数须大于 0，转化人数在 0 与该组人数之间")
    p1, p2 = x1 / n1, x2 / n2
    diff = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    margin = z_quantile(1 - alpha / 2) * se
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = diff / se_pooled if se_pooled > 0 else 0.0  # 两组全部转化或全部未转化：没有差异可言
    return TestResult(p1, p2, diff, diff / p1 if p1 > 0 else None, se, diff - margin, diff + margin,
                      z, 2 * normal_sf(abs(z)))


@dataclass(frozen=True)
class SrmResult:
    expected1: float
    expected2: float
    chi2: float
    p_value: float
    mismatch: bool  # p < SRM_ALPHA


def srm_check(n1: int, n2: int, share1: float = 0.5) -> SrmResult:
    """设计上 A 组占 share1 时，实际人数 n1、n2 是否与设计比例明显不符（卡方检验，自由度 1）。"""
    if not (n1 >= 0 and n2 >= 0 and n1 + n2 > 0 and 0 < share1 < 1):
        raise ValueError("两组人数不能为负且不能都为 0，设计比例须在 0 与 1 之间")
    total = n1 + n2
    e1, e2 = total * share1, total * (1 - share1)
    chi2 = (n1 - e1) ** 2 / e1 + (n2 - e2) ** 2 / e2
    p_value = 2 * normal_sf(math.sqrt(chi2))  # 自由度为 1 的卡方分布即标准正态的平方
    return SrmResult(e1, e2, chi2, p_value, p_value < SRM_ALPHA)


def format_p(p: float) -> str:
    """p 值保留两位有效数字，例如 0.012、0.00034。"""
    if p >= 0.995:
        return "1.0"
    return f"{p:.2g}" if p >= 1e-4 else f"{p:.1e}"


def render_blocks() -> dict[str, str]:
    size = sample_size(BASELINE, MDE)
    half = sample_size(BASELINE, MDE / 2)
    days, weeks_days = duration_days(size.per_group, DAILY_USERS)
    n1, x1, n2, x2 = RESULT
    t = two_proportion_test(n1, x1, n2, x2)
    srm_rows = ["| A 组 | B 组 | 期望各为 | χ² | p 值 | 判断 |", "| ---: | ---: | ---: | ---: | ---: | --- |"]
    for a, b in SRM_CASES:
        s = srm_check(a, b)
        verdict = "样本比例不匹配" if s.mismatch else ("未达阈值，值得留意" if s.p_value < 0.05 else "正常的随机波动")
        srm_rows.append(f"| {a:,} | {b:,} | {s.expected1:,.0f} | {s.chi2:.2f} | {format_p(s.p_value)} | {verdict} |")
    first = srm_check(*SRM_CASES[0])
    gap = abs(SRM_CASES[0][0] - first.expected1)
    return {
        "ab-sample-size": "\n".join([
            f"假设当前下单转化率为 {BASELINE:.0%}，希望能检测出提升 {MDE * 100:g} 个百分点"
            f"（从 {BASELINE:.0%} 到 {BASELINE + MDE:.0%}）的效果。先用近似公式：",
            "",
            "```text",
            f"σ² = {BASELINE:g} × (1 − {BASELINE:g}) = {size.variance:.4g}",
            f"δ = {MDE:g}",
            f"δ² = {MDE * MDE:.4g}",
            f"n ≈ 16 × {size.variance:.4g} ÷ {MDE * MDE:.4g} = {size.rule_of_thumb:,}",
            "```",
            "",
            f"即每组约需 {size.rule_of_thumb:,} 名用户，两组合计约 {2 * size.rule_of_thumb:,} 人。"
            f"按两组各自方差计算的精确公式（α = 0.05 双侧，功效 80%）为每组 {size.per_group:,} 人，近似公式略偏小。",
        ]),
        "ab-duration": (f"如果每天能进入实验的用户约 {DAILY_USERS:,} 人，两组凑够样本约需 {days} 天；"
                        f"为了覆盖工作日和周末的差异，实际应完整运行 {weeks_days} 天。"
                        f"若只想检测 {MDE * 50:g} 个百分点的提升，δ² 变为原来的四分之一，样本量约为原来的 4 倍："
                        f"近似公式每组 {half.rule_of_thumb:,} 人，精确公式每组 {half.per_group:,} 人。"),
        "ab-result": (f"两组各 {n1:,} 人，对照组 {x1:,} 人下单（转化率 {t.p1:.2%}），实验组 {x2:,} 人下单"
                      f"（{t.p2:.2%}）。差值为 {t.diff * 100:.2f} 个百分点，相对提升 {t.lift:.1%}；"
                      f"标准误 SE 约为 {t.se * 100:.2f} 个百分点，95% 置信区间为 {t.ci_low * 100:.2f}～"
                      f"{t.ci_high * 100:.2f} 个百分点，p 值约为 {format_p(t.p_value)}。\n\n"
                      f"结论可以这样写：方案 B 提升了转化率，真实提升幅度很可能在 {t.ci_low * 100:.1f} 到 "
                      f"{t.ci_high * 100:.1f} 个百分点之间，最可能的值是 {t.diff * 100:.1f} 个百分点。"),
        "ab-srm": "\n".join([
            f"按 50% 对 50% 分流时，A 组 {SRM_CASES[0][0]:,} 人、B 组 {SRM_CASES[0][1]:,} 人，"
            f"期望各为 {first.expected1:,.0f} 人，χ² = （{gap:,.0f}² + {gap:,.0f}²）÷ {first.expected1:,.0f} ≈ "
            f"{first.chi2:.1f}。三种结果对比（判定阈值 p < {SRM_ALPHA:g}）：",
            "",
            *srm_rows,
        ]),
    }


if __name__ == "__main__":
    for name, block in render_blocks().items():
        print(f"<!-- computed: {name} -->\n\n{block}\n\n<!-- /computed -->\n")
