// The data step of the RFM and cohort tools: open a CSV or Excel file or paste from a spreadsheet, map
// the columns, pick the analysis date. Reading is done by the DOM-free ../calculators/csv.js and
// ../calculators/xlsx.js; the LTV and A/B tools do not load this module.

import { InputError, decode, formatDay, guessColumns, parseDelimited, readRecords } from "../calculators/csv.js"
import { isOle, isZip, readWorkbook } from "../calculators/xlsx.js"
import { h, liveRegion, selectField } from "./common.js"

/** The published sample orders (examples/orders.csv), next to this script's folder. */
export const SAMPLE_URL = new URL("../../../examples/orders.csv", import.meta.url)

const FIELD_NAMES = { customer: "客户 ID 列", date: "日期列", amount: "金额列" }

/**
 * The data step: open a file or paste text, map the columns, pick the analysis date. Calls
 * `onData({records, problems, analysisDay, skipped})` whenever any of it changes. `needsAmount` false
 * lets the amount column be left out (activity exports).
 */
export function dataLoader(prefix, { needsAmount = true, onData, onClear }) {
  const status = liveRegion()
  const fileInput = h("input", { type: "file", id: `${prefix}-file`, className: "opskb-tool__file",
    accept: ".csv,.tsv,.txt,.xlsx,text/csv,text/plain,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" })
  const paste = h("textarea", { id: `${prefix}-paste`, rows: 5, className: "opskb-tool__paste",
    placeholder: "客户ID,下单日期,金额\nC01,2024-01-02,262.71", attrs: { spellcheck: "false" } })
  const pasteButton = h("button", { type: "button", className: "md-button opskb-tool__button" }, "分析粘贴的数据")
  const sampleButton = h("button", { type: "button", className: "md-button opskb-tool__button" }, "载入示例订单")
  const mapping = h("div", { className: "opskb-tool__mapping", hidden: true })
  const problemsBox = h("div", { className: "opskb-tool__problems", hidden: true, attrs: { role: "alert" } })
  let rows = []
  let source = ""
  let skip = false

  // `read()` gives {rows (header first), origin (what was read, for the reader)}, or throws an
  // InputError with a message for the reader.
  const load = read => {
    let origin
    try {
      ({ rows, origin } = read())
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      return fail(error.message)
    }
    if (rows.length < 2) return fail("没有读到数据：至少需要一行表头和一行数据。")
    source = origin
    skip = false
    buildMapping()
    update()
  }
  const loadText = (text, origin) => load(() => ({ rows: parseDelimited(text).rows, origin }))
  const fail = text => {
    rows = []
    mapping.hidden = true
    problemsBox.hidden = true
    status.textContent = text
    status.classList.add("opskb-tool__status--error")
    onClear()
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0]
    if (!file) return
    // A large export takes a moment: say so, and let the page paint it before the work starts.
    status.classList.remove("opskb-tool__status--error")
    status.textContent = `正在读取「${file.name}」（${(file.size / 2 ** 20).toFixed(1)} MB）……`
    await new Promise(done => requestAnimationFrame(() => setTimeout(done)))
    const bytes = new Uint8Array(await file.arrayBuffer())
    if (isZip(bytes) || isOle(bytes)) {
      return load(() => {
        const { rows: read, sheet, index, sheets } = readWorkbook(bytes)
        const others = sheets > 1 ? `（共 ${sheets} 个工作表，读的是第 ${index + 1} 个${index ? "，前面的没有数据" : ""}）` : ""
        return { rows: read, origin: `Excel 工作簿「${file.name}」的工作表「${sheet}」${others}` }
      })
    }
    const { text, encoding } = decode(bytes)
    loadText(text, `文件「${file.name}」（${encoding} 编码）`)
  })
  pasteButton.addEventListener("click", () => {
    if (!paste.value.trim()) return fail("文本框是空的：请先粘贴从表格中复制的数据（含表头）。")
    loadText(paste.value, "粘贴的数据")
  })
  sampleButton.addEventListener("click", async () => {
    const response = await fetch(SAMPLE_URL)
    loadText(await response.text(), "示例订单（examples/orders.csv）")
  })

  let selects = {}
  let dateInput = null
  const buildMapping = () => {
    const header = rows[0].cells
    const guess = guessColumns(header)
    const options = header.map((name, i) => [i, `第 ${i + 1} 列：${name.trim() || "（无表头）"}`])
    selects = {}
    const fields = []
    for (const key of needsAmount ? ["customer", "date", "amount"] : ["customer", "date"]) {
      const { field, select } = selectField(`${prefix}-${key}`, FIELD_NAMES[key], options, guess[key] >= 0 ? guess[key] : "")
      if (guess[key] < 0) select.prepend(h("option", { value: "", selected: true }, "请选择"))
      select.addEventListener("change", () => { skip = false; update() })
      selects[key] = select
      fields.push(field)
    }
    dateInput = h("input", { type: "date", id: `${prefix}-day`, className: "opskb-tool__input" })
    dateInput.addEventListener("change", update)
    mapping.replaceChildren(
      h("p", { className: "opskb-tool__source" }, `已读入${source}：${rows.length - 1} 行数据。请核对各列对应关系。`),
      h("div", { className: "opskb-tool__grid" }, fields,
        h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: dateInput.id }, "分析日"), dateInput,
          h("span", { className: "opskb-tool__message" }, "默认为数据中最晚的日期；晚于分析日的记录不计入。"))))
    mapping.hidden = false
  }

  const update = () => {
    status.classList.remove("opskb-tool__status--error")
    const column = key => (selects[key] && selects[key].value !== "" ? Number(selects[key].value) : -1)
    const map = { customer: column("customer"), date: column("date"), amount: needsAmount ? column("amount") : -1 }
    const missing = Object.entries(map).filter(([key, index]) => index < 0 && (key !== "amount" || needsAmount))
    if (missing.length) {
      problemsBox.hidden = true
      status.textContent = `请选择${missing.map(([key]) => FIELD_NAMES[key]).join("、")}。`
      return onClear()
    }
    if (new Set(Object.values(map).filter(i => i >= 0)).size !== Object.values(map).filter(i => i >= 0).length) {
      problemsBox.hidden = true
      status.textContent = "同一列被选了两次：客户 ID、日期和金额应各是一列。"
      return onClear()
    }
    const { records, problems } = readRecords(rows, map)
    if (!records.length) {
      showProblems(problems)
      status.textContent = "没有一行能读取：请检查所选的列是否正确。"
      return onClear()
    }
    let latest = records[0].day
    for (const record of records) if (record.day > latest) latest = record.day
    if (!dateInput.value) dateInput.value = formatDay(latest)
    const chosen = dateInput.valueAsNumber
    const analysisDay = Number.isFinite(chosen) ? Math.round(chosen / 86400000) : latest
    showProblems(problems)
    if (problems.length && !skip) {
      status.textContent = `有 ${problems.length} 行无法读取，见上方说明；核对后可选择跳过这些行。`
      return onClear()
    }
    onData({ records, problems, analysisDay, skipped: skip ? problems.length : 0 })
  }

  const showProblems = problems => {
    if (!problems.length) {
      problemsBox.hidden = true
      return
    }
    const shown = problems.slice(0, 8)
    const checkbox = h("input", { type: "checkbox", id: `${prefix}-skip`, checked: skip })
    checkbox.addEventListener("change", () => { skip = checkbox.checked; update() })
    problemsBox.replaceChildren(
      h("p", {}, `${problems.length} 行无法读取${problems.length > shown.length ? `（下面列出前 ${shown.length} 行）` : ""}：`),
      h("ul", {}, shown.map(problem => h("li", {}, problem.message))),
      h("p", { className: "opskb-tool__choice" }, checkbox, h("label", { htmlFor: checkbox.id }, `跳过这 ${problems.length} 行，只分析其余数据`)))
    problemsBox.hidden = false
  }

  const element = h("div", { className: "opskb-tool__data" },
    h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: fileInput.id }, "打开 CSV 或 Excel 文件（.csv 的 UTF-8、GBK 编码均可；.xlsx 读第一个有数据的工作表）"), fileInput),
    h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: paste.id }, "或粘贴表格数据（从 Excel、WPS 复制，含表头）"), paste),
    h("div", { className: "opskb-tool__actions" }, pasteButton, sampleButton),
    mapping, problemsBox, status)
  return { element, status }
}
