// Reading an Excel workbook (.xlsx, as Excel, WPS and LibreOffice save it) into the rows ./csv.js reads
// from a CSV: the first visible worksheet with data, cells as text, date cells as 2024-01-31, each row
// with the number the spreadsheet shows. The ZIP container is unpacked by fflate (./unzip.js, built from
// the pinned npm package); the XML is read here. No DOM access: Node's test runner imports it.

import { InputError, formatDay } from "./csv.js"
import { unzipSync } from "./unzip.js"

const UTF8 = new TextDecoder("utf-8")
// Excel's serial day 0 is 1899-12-30 (25569 days before 1970-01-01); with the 1904 system, 1904-01-01.
const EPOCH_1900 = 25569
const EPOCH_1904 = 24107

/** True when the bytes start like an .xlsx (a ZIP archive). */
export function isZip(bytes) {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

/** True for an OLE container: an Excel 97–2003 .xls, or a workbook saved with a password. */
export function isOle(bytes) {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0
}

const ENTITY = /&(?:#x([0-9a-f]+)|#(\d+)|(lt|gt|amp|quot|apos));|_x([0-9a-f]{4})_/gi
const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }

/** XML text to a string: entities, and the _x000D_ escapes Office writes for control characters. */
export function unescapeXml(text) {
  if (!text.includes("&") && !text.includes("_x")) return text
  return text.replace(ENTITY, (_, hex, dec, name, office) => {
    if (name) return NAMED[name.toLowerCase()]
    return String.fromCodePoint(parseInt(hex || dec || office, hex || office ? 16 : 10))
  })
}

const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

function attributes(tag) {
  const found = {}
  for (const [, name, double, single] of tag.matchAll(ATTRIBUTE)) {
    // r:id whatever the relationships namespace's prefix; other prefixes dropped.
    found[name.endsWith(":id") ? "r:id" : name.replace(/^[\w.-]+:/, "")] = unescapeXml(double ?? single)
  }
  return found
}

/** Every start tag <prefix:name …> (any namespace prefix), as attribute objects. */
function tags(xml, name) {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}\\b([^>]*)>`, "g")
  return [...xml.matchAll(pattern)].map(match => attributes(match[1]))
}

const TEXT = /<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:[\w.-]+:)?t>/g
const PHONETIC = /<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh>/g

/** The text of a shared string or inline string: its runs joined, phonetic guides left out. */
function richText(xml) {
  if (!xml.includes("<r>") && !xml.includes(":r>") && !xml.includes("rPh")) {  // one <t>: the common case
    const start = xml.indexOf("<")
    const open = xml.indexOf(">", start)
    const close = xml.indexOf("</", open)
    if (start < 0 || xml.charCodeAt(open - 1) === 47 || close < 0) return ""
    return unescapeXml(xml.slice(open + 1, close))
  }
  let text = ""
  for (const match of xml.replace(PHONETIC, "").matchAll(TEXT)) text += match[1]
  return unescapeXml(text)
}

function sharedStrings(xml) {
  if (!xml) return []
  const strings = []
  for (const match of xml.matchAll(/<(?:[\w.-]+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?si>)/g)) strings.push(richText(match[1] || ""))
  return strings
}

// Built-in number formats that show a date (the Chinese and Japanese ones included), not a time only.
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58])

/** A custom format code shows a date when, quoted text and [colour]/[$-locale] parts aside, it has y or d. */
export function isDateFormat(code) {
  return /[yd]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\.|_.|\*./g, ""))
}

/** Per cell style (the s attribute), whether it shows a date. */
function dateStyles(xml) {
  if (!xml) return []
  const custom = new Map(tags(xml, "numFmt").map(f => [Number(f.numFmtId), f.formatCode || ""]))
  const cellXfs = /<(?:[\w.-]+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?cellXfs>/.exec(xml)
  if (!cellXfs) return []
  return tags(cellXfs[1], "xf").map(xf => {
    const id = Number(xf.numFmtId || 0)
    return custom.has(id) ? isDateFormat(custom.get(id)) : DATE_FORMAT_IDS.has(id)
  })
}

/** A path in the package, from a relationship's Target (relative to xl/, or absolute). */
function resolve(target) {
  if (target.startsWith("/")) return target.slice(1)
  const parts = ["xl"]
  for (const part of target.split("/")) {
    if (part === "..") parts.pop()
    else if (part !== ".") parts.push(part)
  }
  return parts.join("/")
}

function unzip(bytes, wanted) {
  try {
    return unzipSync(bytes, { filter: file => wanted(file.name) })
  } catch {
    throw new InputError("文件已损坏，或不是 Excel 工作簿（.xlsx）：请在 Excel 或 WPS 中重新保存或导出后再打开。")
  }
}

const INTEGER = /^-?\d+$/
const SHEET_DATA = /<([\w.-]+:)?sheetData\b/

/** The text between <tag …> and </tag> inside `xml` (tag with its namespace prefix), or null. */
function element(xml, tag) {
  let at = xml.indexOf("<" + tag)
  while (at >= 0) {
    const next = xml.charCodeAt(at + tag.length + 1)
    if (next === 62 || next === 32 || next === 47 || next === 9 || next === 10 || next === 13) break  // not <vm…, <tab…
    at = xml.indexOf("<" + tag, at + 1)
  }
  if (at < 0) return null
  const open = xml.indexOf(">", at)
  if (xml.charCodeAt(open - 1) === 47) return ""
  const close = xml.indexOf("</" + tag + ">", open)
  return close < 0 ? null : xml.slice(open + 1, close)
}

/**
 * The rows of a worksheet's XML: [{line, cells}], line being the row number the spreadsheet shows.
 * Rows with nothing in them are left out; every row is as wide as the widest. A scanner working with
 * positions rather than regular expressions or substrings: a 100,000-row sheet is 10–20 MB of XML.
 */
export function sheetRows(xml, strings = [], dates = [], epoch = EPOCH_1900) {
  const rows = []
  const found = SHEET_DATA.exec(xml)
  if (!found) return rows
  const prefix = found[1] || ""
  const rowOpen = `<${prefix}row`
  const rowClose = `</${prefix}row>`
  const cellOpen = `<${prefix}c`
  const cellClose = `</${prefix}c>`
  const valueOpen = `<${prefix}v`
  const valueClose = `</${prefix}v>`
  const inlineTag = `${prefix}is`
  const end = xml.indexOf(`</${prefix}sheetData>`, found.index)
  const limit = end < 0 ? xml.length : end
  const dayText = new Map()  // serial day → "2024-01-31": an export has few distinct dates
  let width = 0
  let line = 0
  // The attributes of the start tag being read: r (as row or column number), t, s.
  let refNumber = -1
  let refColumn = -1
  let type = ""
  let style = -1
  const readAttributes = (from, to) => {
    refNumber = -1
    refColumn = -1
    type = ""
    style = -1
    let i = from
    while (i < to) {
      const code = xml.charCodeAt(i)
      if (code === 32 || code === 9 || code === 10 || code === 13) { i += 1; continue }
      const eq = xml.indexOf("=", i)
      if (eq < 0 || eq >= to) return
      const quote = xml.charCodeAt(eq + 1)
      const valueEnd = xml.indexOf(quote === 39 ? "'" : '"', eq + 2)
      if (valueEnd < 0) return
      if (eq === i + 1) {  // a one-letter, unprefixed name
        const name = xml.charCodeAt(i)
        if (name === 114) {  // r: "B12" (a cell) or "12" (a row)
          let column = 0
          let number = 0
          for (let k = eq + 2; k < valueEnd; k += 1) {
            const ch = xml.charCodeAt(k)
            if (ch >= 65 && ch <= 90) column = column * 26 + ch - 64
            else if (ch >= 48 && ch <= 57) number = number * 10 + ch - 48
          }
          refColumn = column - 1
          refNumber = number
        } else if (name === 116) type = xml.slice(eq + 2, valueEnd)  // t
        else if (name === 115) style = Number(xml.slice(eq + 2, valueEnd))  // s
      }
      i = valueEnd + 1
    }
  }
  let at = xml.indexOf(rowOpen, found.index)
  while (at >= 0 && at < limit) {
    const tagEnd = xml.indexOf(">", at)
    readAttributes(at + rowOpen.length, tagEnd)
    line = refNumber > 0 ? refNumber : line + 1
    if (xml.charCodeAt(tagEnd - 1) === 47) {  // <row …/>
      at = xml.indexOf(rowOpen, tagEnd)
      continue
    }
    const rowEnd = xml.indexOf(rowClose, tagEnd)
    const stop = rowEnd < 0 ? limit : rowEnd
    const cells = []
    let column = -1
    let filled = false
    let c = xml.indexOf(cellOpen, tagEnd)
    while (c >= 0 && c < stop) {
      const next = xml.charCodeAt(c + cellOpen.length)
      if (next !== 32 && next !== 62 && next !== 47 && next !== 9 && next !== 10 && next !== 13) {  // not a cell
        c = xml.indexOf(cellOpen, c + 1)
        continue
      }
      const open = xml.indexOf(">", c)
      const empty = xml.charCodeAt(open - 1) === 47
      readAttributes(c + cellOpen.length, empty ? open - 1 : open)
      let close = open
      if (!empty) close = xml.indexOf(cellClose, open)
      c = xml.indexOf(cellOpen, empty ? open : close)
      column = refColumn >= 0 ? refColumn : column + 1
      if (empty) continue
      let text
      if (type === "inlineStr") text = richText(element(xml.slice(open + 1, close), inlineTag) || "")
      else {
        let v = xml.indexOf(valueOpen, open)
        if (v < 0 || v > close) continue
        v = xml.indexOf(">", v)
        if (xml.charCodeAt(v - 1) === 47) continue  // <v/>
        const raw = xml.slice(v + 1, xml.indexOf(valueClose, v))
        if (type === "s") text = strings[Number(raw)] ?? ""
        else if (type === "str" || type === "e") text = unescapeXml(raw)
        else if (type === "b") text = raw === "1" ? "TRUE" : "FALSE"
        else if (type === "d") text = raw.slice(0, 10)  // an ISO 8601 date cell (strict OOXML)
        else {
          const value = Number(raw)
          if (style >= 0 && dates[style] && Number.isFinite(value)) {
            const day = Math.floor(value + 0.5 / 86400) - epoch  // to the nearest second, then the day
            text = dayText.get(day)
            if (text === undefined) {
              text = formatDay(day)
              dayText.set(day, text)
            }
          } else {
            text = INTEGER.test(raw) || !Number.isFinite(value) ? raw : String(value)  // 262.70999999999998 → 262.71
          }
        }
      }
      while (cells.length < column) cells.push("")
      cells[column] = text
      if (!filled && text.trim() !== "") filled = true
    }
    at = xml.indexOf(rowOpen, stop)
    if (!filled) continue
    rows.push({ line, cells })
    if (cells.length > width) width = cells.length
  }
  for (const { cells } of rows) while (cells.length < width) cells.push("")
  return rows
}

/**
 * An .xlsx file's bytes to {rows, sheet (its name), index (its place among the visible sheets, from 0),
 * sheets (how many are visible)}: the first visible worksheet with data, else the first visible one.
 * Anything that is not a readable workbook is an InputError with a Chinese message saying what to do.
 */
export function readWorkbook(bytes) {
  try {
    return readSheet(bytes)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(`无法读取这个工作簿（${error.message}）：请在 Excel 或 WPS 中「另存为」CSV（逗号分隔）后再打开。`)
  }
}

function readSheet(bytes) {
  if (isOle(bytes)) {
    throw new InputError("这是 Excel 97-2003 工作簿（.xls）或设了打开密码的工作簿，无法直接读取：请在 Excel 或 WPS 中「另存为」Excel 工作簿（.xlsx）或 CSV（逗号分隔）后再打开；有密码的请先取消密码。")
  }
  if (!isZip(bytes)) throw new InputError("这不是 Excel 工作簿（.xlsx）：请确认选对了文件。")
  const meta = unzip(bytes, name => /^xl\/(workbook\.xml|_rels\/workbook\.xml\.rels|sharedStrings\.xml|styles\.xml)$/i.test(name))
  const text = name => {
    const key = Object.keys(meta).find(k => k.toLowerCase() === name.toLowerCase())
    return key ? UTF8.decode(meta[key]) : ""
  }
  const workbook = text("xl/workbook.xml")
  if (!workbook) throw new InputError("这个压缩文件里没有 Excel 工作簿（缺少 xl/workbook.xml）：请确认它是 .xlsx 文件，或另存为 CSV 后再打开。")
  const relations = new Map(tags(text("xl/_rels/workbook.xml.rels"), "Relationship").map(r => [r.Id, r]))
  const sheets = tags(workbook, "sheet").filter(s => /\/worksheet$/.test(relations.get(s["r:id"])?.Type || ""))
  const visible = sheets.filter(s => !s.state || s.state === "visible")
  if (!visible.length) throw new InputError("工作簿里没有可见的工作表：请在 Excel 或 WPS 中取消隐藏后再保存。")
  const date1904 = tags(workbook, "workbookPr").some(p => p.date1904 === "1" || p.date1904 === "true")
  const strings = sharedStrings(text("xl/sharedStrings.xml"))
  const dates = dateStyles(text("xl/styles.xml"))
  // The first visible sheet with a header and a row of data: a cover or notes sheet in front is passed over.
  let first = null
  for (const [index, sheet] of visible.entries()) {
    const path = resolve(relations.get(sheet["r:id"]).Target)
    const sheetBytes = Object.values(unzip(bytes, name => name.toLowerCase() === path.toLowerCase()))[0]
    if (!sheetBytes) throw new InputError(`工作簿里找不到工作表「${sheet.name}」的内容（${path}）：文件可能已损坏，请重新保存后再打开。`)
    const read = { rows: sheetRows(UTF8.decode(sheetBytes), strings, dates, date1904 ? EPOCH_1904 : EPOCH_1900), sheet: sheet.name || "", index, sheets: visible.length }
    if (read.rows.length >= 2) return read
    if (!first) first = read
  }
  return first
}
