// LTV 与 CAC calculator: the LTV page's three formulas with the reader's numbers substituted.
// Figures: ../calculators/ltv.js. The prefilled values are the LTV page's worked example.

import { fixed } from "../calculators/format.js"
import { LTV_EXAMPLE, formulas, ratio } from "../calculators/ltv.js"
import { h, liveRegion, mountAll, numberField, privacyNote } from "./common.js"

const MODEL_PAGE = "../../modules/user-operations/ltv/"
const EXAMPLE = LTV_EXAMPLE

const between = (low, high, text) => v => (v > low && v <= high ? "" : text)
const atLeast = (low, text) => v => (v >= low ? "" : text)

function ratioText(value) {
  return value === null ? "–" : `${fixed(value, 1)}:1`
}

function mount(root, prefix) {
  const fields = {
    orderValue: numberField(`${prefix}-order-value`, "笔单价", { value: EXAMPLE.orderValue, unit: "元/单", hint: "平均每笔订单的成交金额。", check: atLeast(0, "不能为负数。") }),
    frequency: numberField(`${prefix}-frequency`, "年购买频次", { value: EXAMPLE.frequency, unit: "次/年", check: atLeast(0, "不能为负数。") }),
    grossMargin: numberField(`${prefix}-margin`, "毛利率", { value: EXAMPLE.grossMargin, unit: "%", check: between(0, 100, "请填写大于 0、不超过 100 的百分数。") }),
    lifespanYears: numberField(`${prefix}-lifespan`, "平均生命周期（公式 A）", { value: EXAMPLE.lifespanYears, unit: "年", check: between(0, 100, "请填写大于 0 的年数。") }),
    monthlyChurn: numberField(`${prefix}-churn`, "月流失率（公式 B、C）", { value: EXAMPLE.monthlyChurn, unit: "%", check: between(0, 100, "请填写大于 0、不超过 100 的百分数。") }),
    monthlyDiscount: numberField(`${prefix}-discount`, "月折现率（公式 C）", { value: EXAMPLE.monthlyDiscount, unit: "%", hint: "资金年成本约 12% 时，每月约 1%。", check: atLeast(0, "不能为负数。") }),
    cac: numberField(`${prefix}-cac`, "获客成本 CAC", { value: EXAMPLE.cac, unit: "元/位", check: atLeast(0, "不能为负数。") }),
  }
  const status = liveRegion(true)
  const results = h("div", { className: "opskb-tool__results" })

  const render = () => {
    const v = {}
    for (const [key, field] of Object.entries(fields)) v[key] = field.value()
    if (Object.values(v).includes(null)) {
      status.textContent = "有输入需要改正，见各输入框下方的提示。"
      results.hidden = true
      return
    }
    const margin = v.grossMargin / 100
    const churn = v.monthlyChurn / 100
    const discount = v.monthlyDiscount / 100
    const f = formulas({ orderValue: v.orderValue, frequency: v.frequency, grossMargin: margin, lifespanYears: v.lifespanYears,
      monthlyChurn: churn, cac: v.cac, monthlyDiscount: discount })
    const n = x => String(x)
    const rows = [
      ["公式 A：笔单价 × 年购买频次 × 生命周期 × 毛利率",
        `${n(v.orderValue)} × ${n(v.frequency)} × ${n(v.lifespanYears)} × ${fixed(margin, 2)} ≈ ${fixed(f.ltvLifespan, 2)}`, fixed(f.ltvLifespan, 2), ratioText(ratio(f.ltvLifespan, v.cac))],
      ["公式 B：月 ARPPU × 毛利率 ÷ 月流失率",
        `${fixed(f.arppuMonth, 2)} × ${fixed(margin, 2)} ÷ ${fixed(churn, 4).replace(/0+$/, "").replace(/\.$/, "")} ≈ ${fixed(f.ltvChurn, 2)}`, fixed(f.ltvChurn, 2), ratioText(ratio(f.ltvChurn, v.cac))],
      ["公式 C：每月毛利 × (1 + d) ÷ (1 + d − 留存率)",
        `${fixed(f.monthlyMargin, 2)} × ${fixed(1 + discount, 4)} ÷ (${fixed(1 + discount, 4)} − ${fixed(1 - churn, 4)}) ≈ ${fixed(f.ltvDiscounted, 2)}`,
        fixed(f.ltvDiscounted, 2), ratioText(ratio(f.ltvDiscounted, v.cac))],
    ]
    const payback = f.paybackMonths === null
      ? "每月毛利为 0，收不回获客成本。"
      : `每位客户每月贡献毛利 ${fixed(f.monthlyMargin, 2)} 元（月 ARPPU ${fixed(f.arppuMonth, 2)} 元 = 笔单价 × 年购买频次 ÷ 12，再乘毛利率），`
        + `收回 ${fixed(v.cac, 2)} 元获客成本需要约 ${fixed(f.paybackMonths, 1)} 个月。`
    const implied = `月流失率 ${n(v.monthlyChurn)}% 隐含的平均生命周期约 ${fixed(1 / churn, 1)} 个月；公式 A 假设 ${n(v.lifespanYears * 12)} 个月。`
    const best = Math.min(f.ltvLifespan, f.ltvChurn, f.ltvDiscounted)
    const lowest = ratio(best, v.cac)
    const verdict = lowest === null
      ? "获客成本为 0，无法计算 LTV:CAC。"
      : lowest >= 3
        ? `三种口径中最低的 LTV:CAC 为 ${ratioText(lowest)}，达到常用的 3:1 参考线。`
        : `三种口径中最低的 LTV:CAC 为 ${ratioText(lowest)}，低于常用的 3:1 参考线${lowest < 1 ? "，每拉来一位客户都在亏钱" : ""}。`
    const paybackVerdict = f.paybackMonths === null ? "" : f.paybackMonths <= 12 ? "回收期在 12 个月以内。" : "回收期超过 12 个月，现金流压力较大。"
    status.textContent = `公式 A ${fixed(f.ltvLifespan, 2)} 元，公式 B ${fixed(f.ltvChurn, 2)} 元，公式 C ${fixed(f.ltvDiscounted, 2)} 元；CAC 回收期 ${f.paybackMonths === null ? "无法收回" : fixed(f.paybackMonths, 1) + " 个月"}。`
    results.replaceChildren(
      h("h2", {}, "三种口径的 LTV（毛利）与 LTV:CAC"),
      h("ul", { className: "opskb-ltv" }, rows.map(([name, expression, value, ratioValue]) => h("li", { className: "opskb-ltv__item" },
        h("span", { className: "opskb-ltv__name" }, name),
        h("code", { className: "opskb-ltv__expression" }, expression),
        h("span", { className: "opskb-ltv__value" }, "LTV ", h("strong", {}, `${value} 元`), "，LTV:CAC ", h("strong", {}, ratioValue))))),
      h("p", {}, payback),
      h("p", {}, implied),
      h("p", {}, verdict, paybackVerdict, "参考线的来历和适用范围见 ", h("a", { href: `${MODEL_PAGE}#ltvcac-与-cac-回收期` }, "LTV:CAC 与 CAC 回收期"), "。"))
    results.hidden = false
  }
  for (const field of Object.values(fields)) field.input.addEventListener("input", render)

  root.replaceChildren(
    privacyNote(),
    h("p", { className: "opskb-tool__message" }, "预填的是 LTV 页计算示例的数字（笔单价和频次四舍五入到两位小数），换成你自己的即可，结果随输入即时更新。"),
    h("div", { className: "opskb-tool__grid" }, Object.values(fields).map(f => f.field)),
    status,
    results)
  render()
}

mountAll("ltv", mount)
