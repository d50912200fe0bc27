// The LTV page's formulas, as examples/ltv.py's formulas() computes them. No DOM access.

export class LtvInputError extends Error {}

// The LTV page's worked example (examples/ltv.py) as the calculator prefills it: percentages in %,
// amounts rounded as the page prints them. A test checks them against the Python reference.
export const LTV_EXAMPLE = { aov: 217.35, frequency: 4.55, grossMargin: 30, lifespanYears: 3, monthlyChurn: 3, monthlyDiscount: 0, cac: 250 }

/**
 * aov: 客单价 (元); frequency: 年购买频次; grossMargin, monthlyChurn, monthlyDiscount: ratios (0.3 = 30%);
 * lifespanYears: 平均生命周期 (年); cac: 获客成本 (元).
 */
export function formulas({ aov, frequency, grossMargin, lifespanYears, monthlyChurn, cac, monthlyDiscount = 0 }) {
  if (!(aov >= 0 && frequency >= 0 && grossMargin > 0 && grossMargin <= 1 && lifespanYears > 0
    && monthlyChurn > 0 && monthlyChurn <= 1 && cac >= 0 && monthlyDiscount >= 0)) {
    throw new LtvInputError("毛利率、月流失率须在 0 与 1 之间，生命周期须大于 0，其余不能为负")
  }
  const customerValue = aov * frequency
  const arpuMonth = customerValue / 12
  const monthlyMargin = arpuMonth * grossMargin
  const retention = 1 - monthlyChurn
  return {
    customerValue,
    arpuMonth,
    monthlyMargin,
    ltvLifespan: aov * frequency * lifespanYears * grossMargin,
    ltvChurn: arpuMonth * grossMargin / monthlyChurn,
    ltvDiscounted: monthlyMargin * (1 + monthlyDiscount) / (1 + monthlyDiscount - retention),
    paybackMonths: monthlyMargin > 0 ? cac / monthlyMargin : null,
  }
}

/** LTV:CAC, or null when there is no acquisition cost to compare with. */
export function ratio(ltv, cac) {
  return cac > 0 ? ltv / cac : null
}
