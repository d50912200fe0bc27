// What the four calculator pages share: mounting into the page's placeholder (also after Material's
// instant navigation), building elements node by node (never from HTML strings), number fields with Chinese validation,
// the data loader (file or paste) with column mapping, and CSV download. The figures themselves come
// from the DOM-free modules in ../calculators/.

import { InputError, decode, formatDay, guessColumns, looksLikeWorkbook, parseDelimited, readRecords } from "../calculators/csv.js"

let counter = 0

/** Render `mount(element, idPrefix)` into every placeholder for `name`, now and after each navigation. */
export function mountAll(name, mount) {
  const run = () => {
    for (const element of document.querySelectorAll(`.opskb-calculator[data-calculator="${name}"]`)) {
      if (element.childElementCount) continue  // already rendered
      counter += 1
      element.classList.add("opskb-tool")
      try {
        mount(element, `opskb-${name}-${counter}`)
      } catch (error) {
        element.replaceChildren(h("p", { className: "opskb-tool__error" }, "计算器加载失败，请刷新页面重试。"))
        throw error
      }
    }
  }
  // Material's document$ emits on load and after every instant navigation; other themes: once.
  if (typeof window.document$ !== "undefined") window.document$.subscribe(run)
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run)
  else run()
}

/** An element with properties (className, id, htmlFor, type…), attributes (`attrs`) and children. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag)
  const { attrs, ...rest } = props
  Object.assign(element, rest)
  for (const [key, value] of Object.entries(attrs || {})) element.setAttribute(key, value)
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child)
  }
  return element
}

/** A link to a page of the site, relative to this page (the tool pages sit one level down). */
export function link(href, text) {
  return h("a", { href }, text)
}

/** The note every tool carries: nothing is uploaded. */
export function privacyNote() {
  return h("p", { className: "opskb-tool__privacy" },
    "数据只在你的浏览器里计算：文件不会上传，也不会发送到任何服务器，关闭或刷新页面即清除。断网时同样可以使用。")
}

/** A live region: screen readers announce what is written into it (`hidden`: for them only). */
export function liveRegion(hidden = false) {
  return h("p", { className: `opskb-tool__status${hidden ? " opskb-visually-hidden" : ""}`, attrs: { role: "status", "aria-live": "polite" } })
}

/** Full-width digits, thousands commas, a trailing % or 元 are what people type; null when not a number. */
export function readNumber(text) {
  const value = String(text).normalize("NFKC").trim().replace(/[,\s]/g, "").replace(/[%元]$/, "")
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) return null
  return Number(value)
}

/**
 * A labelled number field. `check(value)` returns a Chinese message for a bad value, or "".
 * Returns {field (the wrapper), input, value() → number | null (null and a message when invalid)}.
 */
export function numberField(id, label, { value = "", unit = "", hint = "", check = () => "" } = {}) {
  const input = h("input", { id, type: "text", value: String(value), className: "opskb-tool__input",
    attrs: { inputmode: "decimal", autocomplete: "off", "aria-describedby": `${id}-message` } })
  const message = h("span", { id: `${id}-message`, className: "opskb-tool__message" }, hint)
  const field = h("div", { className: "opskb-tool__field" },
    h("label", { htmlFor: id }, label), h("span", { className: "opskb-tool__control" }, input, unit ? h("span", { className: "opskb-tool__unit" }, unit) : null), message)
  const read = () => {
    const number = readNumber(input.value)
    const problem = number === null ? "请填写数字。" : check(number)
    input.setAttribute("aria-invalid", problem ? "true" : "false")
    message.textContent = problem || hint
    message.classList.toggle("opskb-tool__message--error", Boolean(problem))
    return problem ? null : number
  }
  return { field, input, value: read }
}

/** A labelled <select> of [value, text] options. */
export function selectField(id, label, options, selected) {
  const select = h("select", { id, className: "opskb-tool__input" },
    options.map(([value, text]) => h("option", { value: String(value), selected: String(value) === String(selected) }, text)))
  return { field: h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: id }, label), select), select }
}

/** A group of radio buttons; returns {field, value()}. */
export function radioGroup(id, legend, options, checked) {
  const inputs = options.map(([value, text], i) => {
    const input = h("input", { type: "radio", name: id, id: `${id}-${i}`, value, checked: value === checked })
    return [input, h("label", { htmlFor: `${id}-${i}` }, text)]
  })
  const field = h("fieldset", { className: "opskb-tool__choices" }, h("legend", {}, legend),
    inputs.map(([input, label]) => h("span", { className: "opskb-tool__choice" }, input, label)))
  return { field, value: () => inputs.find(([input]) => input.checked)[0].value }
}

/** A table from a header row and body rows; cells may be strings or nodes. */
export function table(caption, header, rows, { numeric = [], wide = [] } = {}) {
  const align = i => (numeric.includes(i) ? "opskb-tool__num" : wide.includes(i) ? "opskb-tool__wide" : "")
  return h("div", { className: "opskb-tool__scroll", tabIndex: 0, attrs: { role: "region", "aria-label": caption } },
    h("table", { className: "opskb-tool__table" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, header.map((cell, i) => h("th", { scope: "col", className: align(i) }, cell)))),
      h("tbody", {}, rows.map(row => h("tr", {}, row.map((cell, i) => h(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : { className: align(i) }, cell)))))))
}

/** A button that saves `rows()` as a UTF-8 CSV (with BOM, so Excel shows Chinese) named `filename`. */
export function downloadButton(text, filename, csv) {
  const button = h("button", { type: "button", className: "md-button opskb-tool__button" }, text)
  button.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([csv()], { type: "text/csv;charset=utf-8" }))
    const anchor = h("a", { href: url, download: filename, hidden: true })
    document.body.append(anchor)
    anchor.click()
    anchor.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  })
  return button
}

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
    accept: ".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values" })
  const paste = h("textarea", { id: `${prefix}-paste`, rows: 5, className: "opskb-tool__paste",
    placeholder: "客户ID,下单日期,金额\nC01,2024-01-02,262.71", attrs: { spellcheck: "false" } })
  const pasteButton = h("button", { type: "button", className: "md-button opskb-tool__button" }, "分析粘贴的数据")
  const sampleButton = h("button", { type: "button", className: "md-button opskb-tool__button" }, "载入示例订单")
  const mapping = h("div", { className: "opskb-tool__mapping", hidden: true })
  const problemsBox = h("div", { className: "opskb-tool__problems", hidden: true, attrs: { role: "alert" } })
  let rows = []
  let source = ""
  let skip = false

  const load = (text, origin) => {
    try {
      rows = parseDelimited(text).rows
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
    const bytes = new Uint8Array(await file.arrayBuffer())
    if (looksLikeWorkbook(bytes)) {
      return fail(`「${file.name}」是 Excel 工作簿，不是 CSV：请在 Excel 或 WPS 中「另存为」CSV（逗号分隔）后再打开，或选中数据区域复制后粘贴到下面的文本框。`)
    }
    const { text, encoding } = decode(bytes)
    load(text, `文件「${file.name}」（${encoding} 编码）`)
  })
  pasteButton.addEventListener("click", () => {
    if (!paste.value.trim()) return fail("文本框是空的：请先粘贴从表格中复制的数据（含表头）。")
    load(paste.value, "粘贴的数据")
  })
  sampleButton.addEventListener("click", async () => {
    const response = await fetch(SAMPLE_URL)
    load(await response.text(), "示例订单（examples/orders.csv）")
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
    h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: fileInput.id }, "打开 CSV 文件（UTF-8 或 GBK 编码均可）"), fileInput),
    h("div", { className: "opskb-tool__field" }, h("label", { htmlFor: paste.id }, "或粘贴表格数据（从 Excel、WPS 复制，含表头）"), paste),
    h("div", { className: "opskb-tool__actions" }, pasteButton, sampleButton),
    mapping, problemsBox, status)
  return { element, status }
}
