// The LTV page's formulas, as examples/ltv.py's formulas() computes them. No DOM access.

export class LtvInputError extends Error {}

// The LTV page's worked example (examples/ltv.py) as the calculator prefills it: percentages in %,
// amounts rounded as the page prints them. A test checks them against the Python reference.
export const LTV_EXAMPLE = { orderValue: 217.35, frequency: 4.55, grossMargin: 30, lifespanYears: 3, monthlyChurn: 3, monthlyDiscount: 0, cac: 250 }

/**
 * orderValue: 笔单价 (元/单); frequency: 年购买频次; grossMargin, monthlyChurn, monthlyDiscount: ratios (0.3 = 30%);
 * lifespanYears: 平均生命周期 (年); cac: 获客成本 (元).
 */
export function formulas({ orderValue, frequency, grossMargin, lifespanYears, monthlyChurn, cac, monthlyDiscount = 0 }) {
  if (!(orderValue >= 0 && frequency >= 0 && grossMargin > 0 && grossMargin <= 1 && lifespanYears > 0
    && monthlyChurn > 0 && monthlyChurn <= 1 && cac >= 0 && monthlyDiscount >= 0)) {
    throw new LtvInputError("毛利率、月流失率须在 0 与 1 之间，生命周期须大于 0，其余不能为负")
  }
  const spendPerCustomer = orderValue * frequency  // 客单价（年）
  const arppuMonth = spendPerCustomer / 12
  const monthlyMargin = arppuMonth * grossMargin
  const retention = 1 - monthlyChurn
  return {
    spendPerCustomer,
    arppuMonth,
    monthlyMargin,
    ltvLifespan: orderValue * frequency * lifespanYears * grossMargin,
    ltvChurn: arppuMonth * grossMargin / monthlyChurn,
    ltvDiscounted: monthlyMargin * (1 + monthlyDiscount) / (1 + monthlyDiscount - retention),
    paybackMonths: monthlyMargin > 0 ? cac / monthlyMargin : null,
  }
}

/** LTV:CAC, or null when there is no acquisition cost to compare with. */
export function ratio(ltv, cac) {
  return cac > 0 ? ltv / cac : null
}
