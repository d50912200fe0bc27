// Reading an export of orders or activity: bytes → text → rows → records, with a Chinese message that
// names the row for every value that cannot be read. No DOM access: Node's test runner imports it.

const DAY_MS = 86400000
const DELIMITERS = [",", "\t", ";", "|"]

/** Bytes of a file to text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK's superset). */
export function decode(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "UTF-8" }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "UTF-16" }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "UTF-16" }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "UTF-8" }
  } catch {
    // Excel on Chinese Windows saves "CSV" in the ANSI code page, which is GBK.
    return { text: new TextDecoder("gb18030").decode(bytes), encoding: "GBK/GB18030" }
  }
}

function guessDelimiter(text) {
  const end = text.search(/\r|\n/)
  const first = (end < 0 ? text : text.slice(0, end)).replace(/"[^"]*"/g, "")
  let best = ","
  let most = 0
  for (const delimiter of DELIMITERS) {
    const count = first.split(delimiter).length - 1
    if (count > most) [best, most] = [delimiter, count]
  }
  return best
}

export class InputError extends Error {}

/**
 * CSV or tab-separated text (what Excel puts on the clipboard) to rows of cells, RFC 4180 quoting.
 * Each row keeps the line it starts on, so messages name the row a spreadsheet shows. Blank lines and
 * rows of empty cells are left out.
 */
export function parseDelimited(input, delimiter = guessDelimiter(input)) {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const rows = []
  const sep = delimiter.charCodeAt(0)
  let cells = []
  let cell = ""
  let line = 1
  let rowLine = 1
  let i = 0
  const n = text.length
  const finishRow = () => {
    cells.push(cell)
    if (cells.some(value => value.trim() !== "")) rows.push({ line: rowLine, cells })
    cells = []
    cell = ""
  }
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 34 && cell.trim() === "") {  // a quoted field
      const opened = line
      cell = ""
      i += 1
      for (;;) {
        if (i >= n) throw new InputError(`第 ${opened} 行的引号没有闭合；请检查这一行的双引号是否成对。`)
        const q = text.charCodeAt(i)
        if (q === 34) {
          if (text.charCodeAt(i + 1) === 34) { cell += '"'; i += 2; continue }
          i += 1
          break
        }
        if (q === 10 || (q === 13 && text.charCodeAt(i + 1) !== 10)) line += 1
        cell += text[i]
        i += 1
      }
      // Anything between the closing quote and the delimiter is kept, as spreadsheets do.
      while (i < n && text.charCodeAt(i) !== sep && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
        cell += text[i]
        i += 1
      }
      continue
    }
    if (c === sep) {
      cells.push(cell)
      cell = ""
      i += 1
    } else if (c === 10 || c === 13) {
      finishRow()
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1
      line += 1
      rowLine = line
    } else {
      // Copy a run of plain characters at once: the common case, and the fast one.
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === sep || d === 10 || d === 13) break
        j += 1
      }
      cell += text.slice(i, j)
      i = j
    }
  }
  if (cell !== "" || cells.length) finishRow()
  return { rows, delimiter }
}

const COLUMN_HINTS = {
  customer: /客户|顾客|用户|会员|买家|customer|user|member|buyer|client|uid/i,
  date: /日期|时间|下单|date|time|day/i,
  amount: /金额|实付|付款|支付|销售额|收入|amount|total|revenue|sales|gmv|price|paid/i,
}

/** The column index for each field, guessed from the header's names (-1 where nothing fits). */
export function guessColumns(header) {
  const names = header.map(name => name.trim())
  const taken = new Set()
  const guess = {}
  for (const [field, hint] of Object.entries(COLUMN_HINTS)) {
    const index = names.findIndex((name, i) => !taken.has(i) && hint.test(name))
    guess[field] = index
    if (index >= 0) taken.add(index)
  }
  return guess
}

/** Days since 1970-01-01 for a valid calendar date, else null. */
export function dayNumber(year, month, day) {
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1900 && year <= 2999)) return null
  const ms = Date.UTC(year, month - 1, day)
  const date = new Date(ms)
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return ms / DAY_MS
}

/** "2024-01-31" for a day number. */
export function formatDay(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

const DATE_PATTERNS = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/,  // 2024-01-31, 2024/1/31 08:00, ISO 8601
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?(?:\s.*)?$/,        // 2024年1月31日
  /^(\d{4})(\d{2})(\d{2})$/,                           // 20240131
]

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A date as exports write it, to a day number; Excel serial numbers (45322) too. Null if unreadable. */
export function parseDate(text) {
  const iso = ISO_DATE.exec(text)  // the common case, without normalising
  if (iso) return dayNumber(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  const value = text.normalize("NFKC").trim()
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(value)
    if (match) return dayNumber(Number(match[1]), Number(match[2]), Number(match[3]))
  }
  // A date cell formatted as a number: days since 1899-12-30 (the serial Excel and WPS store).
  if (/^\d{5}(\.\d+)?$/.test(value)) {
    const serial = Math.floor(Number(value))
    if (serial >= 20000 && serial <= 80000) return serial - 25569
  }
  return null
}

const PLAIN_NUMBER = /^\d+(\.\d+)?$/

/** An amount as exports write it (¥1,234.50, 1234.5元, full-width digits) to a number, or null. */
export function parseAmount(text) {
  if (PLAIN_NUMBER.test(text)) return Number(text)
  const value = text.normalize("NFKC").trim().replace(/^(?:¥|RMB|CNY)\s*/i, "").replace(/\s*元$/, "").replace(/,/g, "")
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) return null
  return Number(value)
}

/**
 * Records from parsed rows (the first row is the header) and a column mapping {customer, date, amount};
 * `amount: -1` reads no amount (activity exports). Every unreadable value is a problem naming its row.
 */
export function readRecords(rows, mapping) {
  const records = []
  const problems = []
  const wanted = [mapping.customer, mapping.date, mapping.amount].filter(index => index >= 0)
  const width = Math.max(...wanted) + 1
  const days = new Map()  // an export has few distinct dates and many rows
  for (let r = 1; r < rows.length; r += 1) {
    const { line, cells } = rows[r]
    if (cells.length < width) {
      problems.push({ line, message: `第 ${line} 行只有 ${cells.length} 列，少于所选的列；请检查这一行是否被截断或多了换行。` })
      continue
    }
    const customer = cells[mapping.customer].trim()
    const rawDate = cells[mapping.date].trim()
    let day = days.get(rawDate)
    if (day === undefined) {
      day = parseDate(rawDate)
      days.set(rawDate, day)
    }
    let amount = 0
    if (!customer) {
      problems.push({ line, message: `第 ${line} 行的客户 ID 为空。` })
      continue
    }
    if (!rawDate) {
      problems.push({ line, message: `第 ${line} 行的日期为空。` })
      continue
    }
    if (day === null) {
      problems.push({ line, message: `第 ${line} 行的日期「${rawDate}」无法识别；请用 2024-01-31、2024/1/31 或 2024年1月31日 这样的写法。` })
      continue
    }
    if (mapping.amount >= 0) {
      const rawAmount = cells[mapping.amount].trim()
      amount = parseAmount(rawAmount)
      if (!rawAmount) {
        problems.push({ line, message: `第 ${line} 行的金额为空。` })
        continue
      }
      if (amount === null) {
        problems.push({ line, message: `第 ${line} 行的金额「${rawAmount}」不是数字。` })
        continue
      }
      if (amount < 0) {
        problems.push({ line, message: `第 ${line} 行的金额是负数（${rawAmount}），多半是退款；请先剔除退款订单，或跳过这些行。` })
        continue
      }
    }
    records.push({ customer, day, amount })
  }
  return { records, problems }
}

function quote(value) {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows to CSV text that Excel opens with Chinese intact: a BOM, CRLF line ends, quoted where needed. */
export function toCsv(rows) {
  return "\ufeff" + rows.map(row => row.map(quote).join(",")).join("\r\n") + "\r\n"
}
