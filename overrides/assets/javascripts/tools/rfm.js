// RFM 分群 calculator: orders in, scores, segments, actions and a CSV out. Figures: ../calculators/rfm.js.

import { formatDay } from "../calculators/csv.js"
import { fixed, percent } from "../calculators/format.js"
import { ACTIONS, EXAMPLE_THRESHOLDS, analyse } from "../calculators/rfm.js"
import { downloadButton, h, mountAll, numberField, privacyNote, radioGroup, table } from "./common.js"
import { dataLoader } from "./loader.js"
import { toCsv } from "../calculators/csv.js"

const SHOWN_CUSTOMERS = 50
const MODEL_PAGE = "../../modules/user-operations/rfm/"

function mount(root, prefix) {
  let data = null
  const results = h("div", { className: "opskb-tool__results", hidden: true })

  const method = radioGroup(`${prefix}-method`, "打分方法", [["quintile", "五分位（按排名，1～5 分）"], ["threshold", "业务阈值（自定门槛）"]], "quintile")
  const cuts = {}
  const rowsOfCuts = [["r", "R：最近一次消费不超过（天）", "天"], ["f", "F：消费次数不少于（次）", "次"], ["m", "M：消费金额不少于（元）", "元"]]
    .map(([key, label, unit]) => {
      cuts[key] = EXAMPLE_THRESHOLDS[key].map((value, i) => numberField(`${prefix}-${key}${i}`, `${5 - (key === "r" ? i : 3 - i)} 分`, {
        value, unit, check: v => (v < 0 ? "不能为负数。" : ""),
      }))
      return h("fieldset", { className: "opskb-tool__cuts" }, h("legend", {}, label), cuts[key].map(f => f.field))
    })
  const thresholds = h("div", { className: "opskb-tool__thresholds", hidden: true },
    h("p", { className: "opskb-tool__message" }, "达到几个门槛，就在 1 分之上加几分。R 的示例门槛取自 RFM 模型页，F 和 M 的是假设值，请换成你的业务数字。"),
    rowsOfCuts)
  method.field.addEventListener("change", () => {
    thresholds.hidden = method.value() !== "threshold"
    render()
  })
  for (const fields of Object.values(cuts)) for (const f of fields) f.input.addEventListener("input", () => render())

  const readThresholds = () => {
    if (method.value() !== "threshold") return null
    const values = {}
    for (const [key, fields] of Object.entries(cuts)) {
      const numbers = fields.map(f => f.value())
      if (numbers.includes(null)) return undefined
      values[key] = numbers
    }
    return values
  }

  const loader = dataLoader(prefix, {
    onData: next => { data = next; render() },
    onClear: () => { data = null; results.hidden = true },
  })

  function render() {
    if (!data) return
    const chosen = readThresholds()
    if (chosen === undefined) {
      loader.status.textContent = "门槛里有无效的数字，请先改正。"
      results.hidden = true
      return
    }
    const { records, analysisDay, skipped } = data
    const { customers, means, segments } = analyse(records, analysisDay, chosen)
    if (!customers.length) {
      loader.status.textContent = `分析日 ${formatDay(analysisDay)} 之前没有订单：请把分析日调晚一些。`
      results.hidden = true
      return
    }
    const orders = records.filter(r => r.day <= analysisDay).length
    const total = customers.reduce((sum, c) => sum + c.monetary, 0)
    const future = records.length - orders
    const summary = `分析日 ${formatDay(analysisDay)}：${customers.length} 位客户的 ${orders} 笔订单，消费总额 ${fixed(total, 2)} 元。`
      + `平均分 R ${fixed(means[0], 2)}、F ${fixed(means[1], 2)}、M ${fixed(means[2], 2)}，不低于平均分记为「高」。`
      + (future ? `有 ${future} 笔订单晚于分析日，未计入。` : "")
      + (skipped ? `跳过了 ${skipped} 行无法读取的数据。` : "")
    loader.status.textContent = summary

    const maxShare = Math.max(...segments.map(s => Math.max(s.count / customers.length, s.share)), 0.01)
    const chart = h("figure", { className: "opskb-chart" },
      h("figcaption", {}, "各类客户的人数占比与消费占比"),
      h("div", { className: "opskb-chart__legend", attrs: { "aria-hidden": "true" } },
        h("span", { className: "opskb-chart__key opskb-chart__key--count" }, "人数占比"),
        h("span", { className: "opskb-chart__key opskb-chart__key--amount" }, "消费占比")),
      h("ul", { className: "opskb-chart__bars" }, segments.map(s => {
        const countShare = s.count / customers.length
        const bar = (kind, value, label) => {
          const fill = h("span", { className: `opskb-chart__fill opskb-chart__fill--${kind}` })
          fill.style.width = `${(value / maxShare) * 100}%`
          return h("span", { className: "opskb-chart__bar" }, fill, h("span", { className: "opskb-chart__value" }, label))
        }
        return h("li", { className: "opskb-chart__row" },
          h("span", { className: "opskb-chart__label" }, s.segment),
          bar("count", countShare, `人数 ${percent(countShare, 1)}`),
          bar("amount", s.share, `消费 ${s.shareText}`))
      })))

    const segmentTable = table("按类别汇总", ["客户类别", "R F M", "客户数", "消费总额（元）", "消费占比", "运营动作"],
      segments.map(s => [s.segment, s.high.map(x => (x ? "高" : "低")).join(" "), String(s.count), s.amountText, s.shareText, s.action]),
      { numeric: [1, 2, 3, 4], wide: [5] })

    const customerRows = customers.map(c => [c.customer, String(c.recency), String(c.frequency), fixed(c.monetary, 2),
      String(c.r), String(c.f), String(c.m), c.segment])
    const header = ["客户", "R（天）", "F（单）", "M（元）", "R 分", "F 分", "M 分", "客户类别"]
    const download = downloadButton("下载全部客户的结果（CSV）", `rfm-${formatDay(analysisDay)}.csv`,
      () => toCsv([[...header, "运营动作"], ...customers.map((c, i) => [...customerRows[i], ACTIONS[c.segment]])]))
    const shown = customerRows.slice(0, SHOWN_CUSTOMERS)
    results.replaceChildren(
      h("h2", {}, "分群结果"),
      segmentTable,
      chart,
      h("h2", {}, "每位客户的得分"),
      h("p", {}, customers.length > SHOWN_CUSTOMERS
        ? `下表列出前 ${SHOWN_CUSTOMERS} 位客户（按客户 ID 排序），全部 ${customers.length} 位请下载 CSV。`
        : "按客户 ID 排序。", download),
      table("每位客户的 R、F、M 与类别", header, shown, { numeric: [1, 2, 3, 4, 5, 6] }),
      h("p", {}, "各类客户的含义与运营动作见 ", h("a", { href: MODEL_PAGE + "#八类客户与运营动作" }, "RFM 模型：八类客户与运营动作"), "。"))
    results.hidden = false
  }

  root.replaceChildren(
    privacyNote(),
    loader.element,
    h("div", { className: "opskb-tool__options" }, method.field, thresholds),
    results)
}

mountAll("rfm", mount)
