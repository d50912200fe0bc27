// What the four calculator pages share: mounting into the page's placeholder (also after Material's
// instant navigation), building elements node by node (never from HTML strings), number fields with
// Chinese validation, tables and CSV download. The data step of the RFM and cohort tools is ./loader.js.
// The figures themselves come from the DOM-free modules in ../calculators/.

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
