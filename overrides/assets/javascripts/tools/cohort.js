// 留存同期群 calculator: orders or activity in, a retention table with a heat map and the average
// curve out. Figures: ../calculators/cohort.js.

import { cohortTable } from "../calculators/cohort.js"
import { formatDay, toCsv } from "../calculators/csv.js"
import { percent } from "../calculators/format.js"
import { downloadButton, h, mountAll, privacyNote, radioGroup } from "./common.js"
import { dataLoader } from "./loader.js"

const SVG = "http://www.w3.org/2000/svg"
const UNIT = { week: "周", month: "月" }

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value))
  element.append(...children)
  return element
}

function curve(average, unit) {
  const width = 640
  const height = 240
  const pad = { left: 44, right: 12, top: 12, bottom: 32 }
  const x = k => pad.left + (average.length > 1 ? (k / (average.length - 1)) * (width - pad.left - pad.right) : 0)
  const y = rate => pad.top + (1 - rate) * (height - pad.top - pad.bottom)
  const grid = [0, 0.25, 0.5, 0.75, 1].map(rate => svg("g", {},
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(rate), y2: y(rate), class: "opskb-curve__grid" }),
    svg("text", { x: pad.left - 6, y: y(rate) + 4, class: "opskb-curve__tick", "text-anchor": "end" }, `${rate * 100}%`)))
  const step = Math.max(1, Math.ceil(average.length / 12))
  const ticks = average.map((_, k) => k).filter(k => k % step === 0).map(k =>
    svg("text", { x: x(k), y: height - 10, class: "opskb-curve__tick", "text-anchor": "middle" }, String(k)))
  const points = average.map((rate, k) => `${x(k).toFixed(1)},${y(rate).toFixed(1)}`).join(" ")
  const dots = average.map((rate, k) => svg("circle", { cx: x(k).toFixed(1), cy: y(rate).toFixed(1), r: 3, class: "opskb-curve__dot" }))
  const summary = average.map((rate, k) => `第 ${k} ${unit} ${percent(rate, 1)}`).join("，")
  return h("figure", { className: "opskb-chart" },
    h("figcaption", {}, `平均留存曲线（横轴：首${unit}之后的第几${unit}）`),
    svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "opskb-curve", role: "img", "aria-label": `平均留存率：${summary}` },
      ...grid, ...ticks, svg("polyline", { points, class: "opskb-curve__line" }), ...dots))
}

function mount(root, prefix) {
  let data = null
  const results = h("div", { className: "opskb-tool__results", hidden: true })
  const period = radioGroup(`${prefix}-period`, "按什么分组", [["month", "按月（首单所在的自然月）"], ["week", "按周（首单所在的周，周一开始）"]], "month")
  const show = radioGroup(`${prefix}-show`, "表格显示", [["rate", "留存率"], ["count", "留存人数"]], "rate")
  period.field.addEventListener("change", () => render())
  show.field.addEventListener("change", () => render())

  const loader = dataLoader(prefix, {
    needsAmount: false,
    onData: next => { data = next; render() },
    onClear: () => { data = null; results.hidden = true },
  })

  function render() {
    if (!data) return
    const { records, analysisDay, skipped } = data
    const unitKey = period.value()
    const unit = UNIT[unitKey]
    const result = cohortTable(records, analysisDay, unitKey)
    if (!result.cohorts.length) {
      loader.status.textContent = `分析日 ${formatDay(analysisDay)} 之前没有记录：请把分析日调晚一些。`
      results.hidden = true
      return
    }
    const customers = result.cohorts.reduce((sum, c) => sum + c.size, 0)
    const span = result.average.length
    const asRate = show.value() === "rate"
    loader.status.textContent = `分析日 ${formatDay(analysisDay)}：${customers} 位客户分成 ${result.cohorts.length} 个同期群（按${unit}），最多观察到第 ${span - 1} ${unit}。`
      + (span > 1 ? `平均第 1 ${unit}留存率 ${percent(result.average[1], 1)}。` : "")
      + (skipped ? `跳过了 ${skipped} 行无法读取的数据。` : "")

    const header = ["同期群", "人数", ...Array.from({ length: span }, (_, k) => `第 ${k} ${unit}`)]
    const cell = (kept, size) => {
      const rate = kept / size
      const td = h("td", { className: "opskb-heat opskb-tool__num" }, asRate ? percent(rate, 1) : String(kept))
      td.style.setProperty("--opskb-heat", rate.toFixed(3))
      return td
    }
    const rows = result.cohorts.map(c => h("tr", {},
      h("th", { scope: "row" }, c.label),
      h("td", { className: "opskb-tool__num" }, String(c.size)),
      c.retained.map(kept => cell(kept, c.size)),
      Array.from({ length: span - c.retained.length }, () => h("td", { className: "opskb-heat--none" }, h("span", { className: "opskb-visually-hidden" }, "尚未到达")))))
    const averageRow = h("tr", { className: "opskb-tool__total" },
      h("th", { scope: "row" }, "加权平均"), h("td", { className: "opskb-tool__num" }, String(customers)),
      result.average.map(rate => h("td", { className: "opskb-tool__num" }, percent(rate, 1))))
    const heat = h("div", { className: "opskb-tool__scroll", tabIndex: 0, attrs: { role: "region", "aria-label": "同期群留存表" } },
      h("table", { className: "opskb-tool__table opskb-tool__table--heat" },
        h("caption", {}, `同期群留存表（${asRate ? "留存率" : "留存人数"}，颜色越深留存越高）`),
        h("thead", {}, h("tr", {}, header.map(text => h("th", { scope: "col" }, text)))),
        h("tbody", {}, rows, averageRow)))
    const download = downloadButton("下载留存表（CSV）", `cohort-${unitKey}-${formatDay(analysisDay)}.csv`, () => toCsv([
      ["同期群", "人数", ...header.slice(2).map(name => `${name}留存人数`), ...header.slice(2).map(name => `${name}留存率`)],
      ...result.cohorts.map(c => [c.label, c.size, ...c.retained, ...Array(span - c.retained.length).fill(""),
        ...c.retained.map(kept => (kept / c.size).toFixed(4)), ...Array(span - c.retained.length).fill("")]),
    ]))
    results.replaceChildren(
      h("h2", {}, "留存表"),
      h("p", {}, `第 0 ${unit}是首单所在的${unit}，所以总是 100%；最后一${unit}可能还没过完，数字会偏低。空白格表示该同期群还没走到这一${unit}。`),
      heat,
      h("p", {}, download),
      curve(result.average, unit))
    results.hidden = false
  }

  root.replaceChildren(
    privacyNote(),
    loader.element,
    h("div", { className: "opskb-tool__options" }, period.field, show.field),
    results)
}

mountAll("cohort", mount)
