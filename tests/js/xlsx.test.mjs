// Unit tests of the .xlsx reader (calculators/xlsx.js) on workbooks made here, part by part, with fflate's
// zipSync: the cell kinds and XML spellings Excel, WPS, LibreOffice and other exporters write. Whole
// files written by openpyxl and LibreOffice are checked by tests/test_calculators.py.

import assert from "node:assert/strict"
import { describe, test } from "node:test"

import { strToU8, zipSync } from "fflate"

import { InputError, parseDelimited, readRecords } from "../../overrides/assets/javascripts/calculators/csv.js"
import { isDateFormat, isOle, isZip, readWorkbook, sheetRows, unescapeXml } from "../../overrides/assets/javascripts/calculators/xlsx.js"

const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
const WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

/** An .xlsx from its parts: sheets [{name, xml, state?}], shared strings, styles, 1904 dates. */
function workbook({ sheets, shared = null, styles = null, date1904 = false, target = name => `worksheets/${name}` }) {
  const files = {
    "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    "xl/workbook.xml": strToU8(`<?xml version="1.0"?><workbook ${MAIN}>${date1904 ? '<workbookPr date1904="1"/>' : "<workbookPr/>"}<sheets>${
      sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ""} r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`),
    "xl/_rels/workbook.xml.rels": strToU8(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${
      sheets.map((s, i) => `<Relationship Id="rId${i + 1}" Type="${WORKSHEET}" Target="${target(`sheet${i + 1}.xml`)}"/>`).join("")}</Relationships>`),
  }
  sheets.forEach((s, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(s.worksheet || `<?xml version="1.0"?><worksheet ${MAIN}><sheetData>${s.xml}</sheetData></worksheet>`)
  })
  if (shared) files["xl/sharedStrings.xml"] = strToU8(`<?xml version="1.0"?><sst ${MAIN}>${shared}</sst>`)
  if (styles) files["xl/styles.xml"] = strToU8(`<?xml version="1.0"?><styleSheet ${MAIN}>${styles}</styleSheet>`)
  return zipSync(files)
}

const ORDERS_SHARED = "<si><t>客户编号</t></si><si><t>下单日期</t></si><si><t>实付金额</t></si><si><t>C01</t></si>"
  + '<si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh></si>'
// Style 0 General, 1 built-in short date (14), 2 yyyy"年"m"月"d"日" (31), 3 custom with escapes, 4 a time only, 5 money.
const STYLES = '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd;@"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/>'
  + '<numFmt numFmtId="166" formatCode="&quot;¥&quot;#,##0.00;[Red]\\-&quot;¥&quot;#,##0.00"/></numFmts>'
  + '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs>'

describe("reading .xlsx workbooks", () => {
  test("shared, rich and inline strings; dates by their cell style; numbers as Excel shows them", () => {
    const xml = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
      + '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>45322</v></c><c r="C2" s="5"><v>262.70999999999998</v></c></row>'
      + '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" s="2"><v>45323.99998842593</v></c><c r="C3"><v>1200</v></c></row>'
      + '<row r="4"><c r="A4" t="inlineStr"><is><t>A&amp;B_x000D_</t></is></c><c r="B4" s="3"><v>45324.5</v></c><c r="C4" t="str"><f>C2*2</f><v>525.42</v></c></row>'
      + '<row r="5"><c r="A5"><v>10001</v></c><c r="B5" s="4"><v>0.5</v></c><c r="C5" t="e"><v>#N/A</v></c></row>'
    const { rows, sheet, sheets } = readWorkbook(workbook({ sheets: [{ name: "订单", xml }], shared: ORDERS_SHARED, styles: STYLES }))
    assert.equal(sheet, "订单")
    assert.equal(sheets, 1)
    assert.deepEqual(rows, [
      { line: 1, cells: ["客户编号", "下单日期", "实付金额"] },
      { line: 2, cells: ["C01", "2024-01-31", "262.71"] },
      { line: 3, cells: ["张三 ", "2024-02-01", "1200"] },     // 23:59:59 is still that day; phonetic guide left out
      { line: 4, cells: ["A&B\r", "2024-02-02", "525.42"] },   // a formula's cached value
      { line: 5, cells: ["10001", "0.5", "#N/A"] },            // a time-only format is not a date
    ])
  })

  test("the 1904 date system (old Mac workbooks) gives the same calendar dates", () => {
    const xml = '<row r="1"><c r="A1" t="inlineStr"><is><t>日期</t></is></c></row><row r="2"><c r="A2" s="1"><v>43860</v></c></row>'
    const { rows } = readWorkbook(workbook({ sheets: [{ name: "S", xml }], styles: STYLES, date1904: true }))
    assert.deepEqual(rows[1].cells, ["2024-01-31"])
  })

  test("missing cells are empty, blank rows are left out and rows keep the spreadsheet's numbers", () => {
    const xml = '<row r="1"><c r="A1" t="inlineStr"><is><t>客户</t></is></c><c r="B1" t="inlineStr"><is><t>日期</t></is></c><c r="C1" t="inlineStr"><is><t>金额</t></is></c></row>'
      + '<row r="2"/><row r="3"><c r="A3" s="0"/><c r="C3" t="inlineStr"><is><t> </t></is></c></row>'
      + '<row r="7"><c r="A7" t="inlineStr"><is><t>C02</t></is></c><c r="C7"><v>5</v></c></row>'
      + '<row r="8"><c r="B8" t="inlineStr"><is><t>2024-02-30</t></is></c><c r="A8" t="inlineStr"><is><t>C03</t></is></c><c r="C8"><v>1</v></c></row>'
    const { rows } = readWorkbook(workbook({ sheets: [{ name: "S", xml }] }))
    assert.deepEqual(rows, [
      { line: 1, cells: ["客户", "日期", "金额"] },
      { line: 7, cells: ["C02", "", "5"] },
      { line: 8, cells: ["C03", "2024-02-30", "1"] },
    ])
    // The messages name the rows a reader sees in Excel.
    const { problems } = readRecords(rows, { customer: 0, date: 1, amount: 2 })
    assert.deepEqual(problems.map(p => p.message), ["第 7 行的日期为空。", "第 8 行的日期「2024-02-30」无法识别；请用 2024-01-31、2024/1/31 或 2024年1月31日 这样的写法。"])
  })

  test("columns past Z are placed by their letters", () => {
    const xml = `<worksheet ${MAIN}><sheetData><row r="3"><c r="AA3" t="inlineStr"><is><t>x</t></is></c><c r="B3"><v>1</v></c></row></sheetData></worksheet>`
    const [row] = sheetRows(xml)
    assert.equal(row.line, 3)
    assert.equal(row.cells.length, 27)
    assert.deepEqual([row.cells[1], row.cells[26], row.cells[0]], ["1", "x", ""])
  })

  test("prefixed XML (x:row, x:c), cells without references, absolute targets, hidden sheets", () => {
    const prefixed = '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cols><x:col min="1"/></x:cols>'
      + '<x:sheetData><x:row r="1"><x:c t="inlineStr"><x:is><x:t>客户</x:t></x:is></x:c><x:c><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    const { rows, sheet, sheets } = readWorkbook(workbook({
      sheets: [{ name: "隐藏", xml: "", state: "hidden" }, { name: "导出", worksheet: prefixed }, { name: "说明", xml: "" }],
      target: name => `/xl/worksheets/${name}`,
    }))
    assert.deepEqual([rows, sheet, sheets], [[{ line: 1, cells: ["客户", "3"] }], "导出", 2])
  })

  test("a cover sheet without data in front is passed over", () => {
    const data = '<row r="1"><c r="A1" t="inlineStr"><is><t>客户</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>C01</t></is></c></row>'
    const cover = '<row r="1"><c r="A1" t="inlineStr"><is><t>订单导出说明</t></is></c></row>'
    const read = readWorkbook(workbook({ sheets: [{ name: "封面", xml: cover }, { name: "订单", xml: data }, { name: "备注", xml: data }] }))
    assert.deepEqual([read.sheet, read.index, read.sheets, read.rows.length], ["订单", 1, 3, 2])
    const empty = readWorkbook(workbook({ sheets: [{ name: "封面", xml: cover }, { name: "空", xml: "" }] }))
    assert.deepEqual([empty.sheet, empty.index, empty.rows.length], ["封面", 0, 1])
  })

  test("a CSV and the same data in a workbook give the same records", () => {
    const csv = "客户编号,下单日期,实付金额\nC01,2024/1/31,262.71\n张三 ,2024-02-01,1200\n"
    const xml = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
      + '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>45322</v></c><c r="C2" s="5"><v>262.71</v></c></row>'
      + '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" s="2"><v>45323</v></c><c r="C3"><v>1200</v></c></row>'
    const map = { customer: 0, date: 1, amount: 2 }
    const fromXlsx = readRecords(readWorkbook(workbook({ sheets: [{ name: "S", xml }], shared: ORDERS_SHARED, styles: STYLES })).rows, map)
    assert.deepEqual(fromXlsx, readRecords(parseDelimited(csv).rows, map))
  })

  test("what is not a readable workbook gets a Chinese message saying what to do", () => {
    const cases = [
      [new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /Excel 97-2003 工作簿（\.xls）.*另存为/],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]), /文件已损坏，或不是 Excel 工作簿/],
      [zipSync({ "word/document.xml": strToU8("<w:document/>") }), /缺少 xl\/workbook\.xml/],
      [workbook({ sheets: [{ name: "S", xml: "", state: "hidden" }] }), /没有可见的工作表/],
      [strToU8("客户,日期"), /不是 Excel 工作簿/],
    ]
    for (const [bytes, message] of cases) {
      assert.throws(() => readWorkbook(bytes), error => error instanceof InputError && message.test(error.message), String(message))
    }
  })

  test("a workbook is recognised by its first bytes, a CSV is not", () => {
    assert.ok(isZip(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14])) && !isOle(new Uint8Array([0x50, 0x4b, 0x03, 0x04])))
    assert.ok(isOle(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1])))
    assert.ok(!isZip(strToU8("客户,日期")) && !isOle(strToU8("客户,日期")))
  })

  test("date formats and escapes", () => {
    for (const code of ["yyyy/m/d", "yyyy\\-mm\\-dd;@", '[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', 'yyyy"年"m"月"d"日"', "m/d/yy h:mm", "d-mmm"]) assert.ok(isDateFormat(code), code)
    for (const code of ["General", "0.00", "[h]:mm:ss", "h:mm AM/PM", '#,##0.00"元"', '0.0"d"', "[Red]0", "_(* #,##0_)"]) assert.ok(!isDateFormat(code), code)
    assert.equal(unescapeXml("&lt;&#x4E2D;&#25991;&gt; &quot;x&apos; _x0009_"), "<中文> \"x' \t")
  })

  test("100,000 rows are read (the timing is in the benchmark)", () => {
    let xml = '<row r="1"><c r="A1" t="inlineStr"><is><t>客户</t></is></c><c r="B1" t="inlineStr"><is><t>日期</t></is></c><c r="C1" t="inlineStr"><is><t>金额</t></is></c></row>'
    const parts = []
    for (let r = 2; r <= 100_001; r += 1) parts.push(`<row r="${r}"><c r="A${r}" t="s"><v>${r % 5}</v></c><c r="B${r}" s="1"><v>${45292 + (r % 366)}</v></c><c r="C${r}"><v>${(r % 997) / 7}</v></c></row>`)
    xml = `<worksheet ${MAIN}><sheetData>${xml}${parts.join("")}</sheetData></worksheet>`
    const rows = sheetRows(xml, ["a", "b", "c", "d", "e"], [false, true])
    assert.equal(rows.length, 100_001)
    assert.deepEqual(rows[1].cells, ["c", "2024-01-03", String(2 / 7)])
  })
})
