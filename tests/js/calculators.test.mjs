// Unit tests of the calculators' DOM-free modules (node --test; run by tests/test_calculators.py).
// The shared vectors hold what the Python references compute; the JavaScript must agree.

import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { describe, test } from "node:test"

import { erfc, normalSf, sampleSize, twoProportionTest, zQuantile } from "../../overrides/assets/javascripts/calculators/abtest.js"
import { periodIndex, periodLabel } from "../../overrides/assets/javascripts/calculators/cohort.js"
import {
  InputError, decode, formatDay, guessColumns, parseAmount, parseDate, parseDelimited, readRecords, toCsv,
} from "../../overrides/assets/javascripts/calculators/csv.js"
import { fixed, grouped, pValue, percent, round } from "../../overrides/assets/javascripts/calculators/format.js"
import { LTV_EXAMPLE, formulas } from "../../overrides/assets/javascripts/calculators/ltv.js"
import { ACTIONS, SEGMENTS, compareCodePoints, quintileScores, thresholdScores } from "../../overrides/assets/javascripts/calculators/rfm.js"
import { COMPUTE, ROOT, TOLERANCE, VECTORS, difference } from "./vectors.mjs"

describe("shared vectors: the JavaScript computes what the Python references compute", () => {
  for (const kind of ["rfm", "ltv", "cohort", "abtest"]) {
    for (const vector of VECTORS[kind]) {
      test(`${kind}: ${vector.name}`, () => {
        assert.equal(difference(COMPUTE[kind](vector), vector.expected, TOLERANCE[kind]), "")
      })
    }
  }
  test("every kind has vectors, the sample orders among them", () => {
    for (const kind of ["rfm", "ltv", "cohort", "abtest"]) assert.ok(VECTORS[kind].length >= 4, kind)
    assert.ok(VECTORS.rfm.some(v => v.orders_csv === "examples/orders.csv"))
    assert.ok(VECTORS.cohort.some(v => v.orders_csv === "examples/orders.csv"))
  })
  test("the LTV calculator prefills the LTV page's worked example", () => {
    assert.deepEqual(LTV_EXAMPLE, VECTORS.ltv_example)
  })
})

test("the RFM actions are the RFM page's 运营动作 column", () => {
  const lines = readFileSync(ROOT + "docs/modules/user-operations/rfm.md", "utf8").split("\n")
  const header = lines.indexOf("| 客户类别 | R F M | 特征 | 运营动作 | 衡量指标 |")
  assert.ok(header > 0, "the RFM page's table of segments and actions")
  const rows = lines.slice(header + 2, header + 10).map(line => line.split("|").map(cell => cell.trim()))
  assert.equal(rows.length, 8)
  for (const row of rows) assert.equal(ACTIONS[row[1]], row[4], row[1])
  assert.equal(Object.keys(ACTIONS).length, 8)
  assert.deepEqual(rows.map(row => row[1]), SEGMENTS.map(([, name]) => name))
  assert.deepEqual(rows.map(row => row[2]), SEGMENTS.map(([key]) => key.map(high => (high ? "高" : "低")).join(" ")))
})

describe("rfm scoring", () => {
  test("ties share a score and R runs the other way", () => {
    assert.deepEqual(quintileScores([10, 10, 1, 1, 5]), [4, 4, 1, 1, 3])
    assert.deepEqual(quintileScores([10, 10, 1, 1, 5], false), [1, 1, 4, 4, 3])
    assert.deepEqual(quintileScores([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
  })
  test("thresholds: reached cuts add a point", () => {
    assert.deepEqual(thresholdScores([0, 7, 8, 30, 31, 180, 181], [7, 30, 90, 180], false), [5, 5, 4, 4, 3, 2, 1])
    assert.deepEqual(thresholdScores([1, 2, 8, 100], [2, 3, 5, 8]), [1, 2, 5, 5])
  })
  test("customer IDs sort by code point, as Python sorts them", () => {
    const ids = ["\ue000", "𠀀", "z", "张"]
    assert.deepEqual([...ids].sort(compareCodePoints), ["z", "张", "\ue000", "𠀀"])
  })
})

describe("reading exports", () => {
  const encode = text => new TextEncoder().encode(text)
  test("UTF-8 with and without BOM, UTF-16, GBK", () => {
    assert.deepEqual(decode(new Uint8Array([0xef, 0xbb, 0xbf, ...encode("客户,日期")])), { text: "客户,日期", encoding: "UTF-8" })
    assert.equal(decode(encode("客户")).text, "客户")
    assert.equal(decode(new Uint8Array([0xff, 0xfe, 0xa2, 0x5b, 0x37, 0x62])).text, "客户")
    // 「客户编号,下单日期」 as Excel saves it on Chinese Windows (GBK).
    const gbk = new Uint8Array([0xbf, 0xcd, 0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0xcf, 0xc2, 0xb5, 0xa5, 0xc8, 0xd5, 0xc6, 0xda])
    assert.deepEqual(decode(gbk), { text: "客户编号,下单日期", encoding: "GBK/GB18030" })
  })
  test("quotes, doubled quotes, line breaks in a field, CRLF, blank lines, tabs", () => {
    const text = '\ufeffid,note\r\n\r\nA,"说 ""好"",\n换行"\r\n , \nB,plain\n'
    const { rows, delimiter } = parseDelimited(text)
    assert.equal(delimiter, ",")
    assert.deepEqual(rows, [
      { line: 1, cells: ["id", "note"] },
      { line: 3, cells: ["A", '说 "好",\n换行'] },
      { line: 6, cells: ["B", "plain"] },
    ])
    assert.deepEqual(parseDelimited("客户\t金额\nC1\t1,200\n").rows[1].cells, ["C1", "1,200"])
    assert.throws(() => parseDelimited('a,b\n"open,1\n'), InputError)
  })
  test("dates as exports write them; impossible ones are null", () => {
    const day = parseDate("2024-01-31")
    for (const text of ["2024/1/31", "2024.01.31", "2024年1月31日", "20240131", "2024-01-31 23:59:59", "2024-01-31T08:00:00+08:00", "45322", "２０２４－０１－３１"]) {
      assert.equal(parseDate(text), day, text)
    }
    for (const text of ["2024-02-30", "2024-13-01", "31/01/2024", "", "明天", "1899-12-31", "123"]) assert.equal(parseDate(text), null, text)
    assert.equal(formatDay(day), "2024-01-31")
  })
  test("amounts with currency signs and separators", () => {
    assert.equal(parseAmount("¥1,234.50"), 1234.5)
    assert.equal(parseAmount("88元"), 88)
    assert.equal(parseAmount("１２.５"), 12.5)
    assert.equal(parseAmount("-3"), -3)
    for (const text of ["", "abc", "1.2.3", "12万"]) assert.equal(parseAmount(text), null, text)
  })
  test("Chinese column names are guessed", () => {
    assert.deepEqual(guessColumns(["订单号", "会员ID", "下单时间", "实付金额"]), { customer: 1, date: 2, amount: 3 })
    assert.deepEqual(guessColumns(["a", "b"]), { customer: -1, date: -1, amount: -1 })
  })
  test("every unreadable value is reported with its row, nothing silently dropped", () => {
    const { rows } = parseDelimited("客户,日期,金额\nA,2024-01-02,10\n\nB,2024-13-01,5\nC,2024-01-03,abc\n,2024-01-03,1\nD,2024-01-04,-8\nE,2024-01-05\n")
    const { records, problems } = readRecords(rows, { customer: 0, date: 1, amount: 2 })
    assert.equal(records.length, 1)
    assert.deepEqual(problems.map(p => p.line), [4, 5, 6, 7, 8])
    assert.match(problems[0].message, /^第 4 行的日期「2024-13-01」无法识别/)
    assert.match(problems[1].message, /^第 5 行的金额「abc」不是数字/)
    assert.match(problems[2].message, /^第 6 行的客户 ID 为空/)
    assert.match(problems[3].message, /^第 7 行的金额是负数/)
    assert.match(problems[4].message, /^第 8 行只有 2 列/)
  })
  test("CSV out opens in Excel and reads back", () => {
    const rows = [["客户", "说明"], ["A", '含,逗号与"引号"'], ["B", "两\n行"]]
    const text = toCsv(rows)
    assert.ok(text.startsWith("\ufeff") && text.includes("\r\n"))
    assert.deepEqual(parseDelimited(text).rows.map(r => r.cells), rows)
  })
})

describe("formatting like Python", () => {
  test("exact ties go to the even digit", () => {
    assert.equal(fixed(0.125, 2), "0.12")
    assert.equal(fixed(0.375, 2), "0.38")
    assert.equal(fixed(2.5, 0), "2")
    assert.equal(fixed(-0.125, 2), "-0.12")
    assert.equal(fixed(1.005, 2), "1.00")  // 1.005 is 1.00499999… as a double
    assert.equal(round(2324.8799999999997, 2), 2324.88)
    assert.equal(percent(0.0625, 1), "6.2%")
    assert.equal(grouped(14749), "14,749")
    assert.equal(grouped(-1234567.891, 2), "-1,234,567.89")
  })
  test("p-values with two significant digits", () => {
    assert.deepEqual([0.012280533, 0.478, 0.0326, 0.000343, 0.1, 0.9999, 3.4e-7].map(pValue), ["0.012", "0.48", "0.033", "0.00034", "0.1", "1.0", "3.4e-07"])
  })
})

describe("statistics", () => {
  test("normal quantiles and tails", () => {
    // Python's statistics.NormalDist().inv_cdf, to the last bit or one unit in the last place.
    assert.ok(Math.abs(zQuantile(0.975) - 1.959963984540054) < 1e-15)
    assert.ok(Math.abs(zQuantile(0.8) - 0.8416212335729143) < 1e-15)
    assert.ok(Math.abs(zQuantile(1e-10) + 6.361340902404056) < 1e-12)
    for (const [x, value] of [[0.5, 0.4795001221869535], [1, 0.15729920705028513], [2.9, 4.109787809945886e-05], [3.5, 7.430983723414128e-07], [10, 2.088487583762545e-45]]) {
      assert.ok(Math.abs(erfc(x) - value) <= 1e-12 * value, `erfc(${x}) = ${erfc(x)}`)
    }
    assert.equal(erfc(0), 1)
    assert.ok(Math.abs(normalSf(-1.959963984540054) - 0.975) < 1e-15)
  })
  test("invalid inputs are refused with a Chinese message", () => {
    assert.throws(() => sampleSize(0.95, 0.06), /须在 0 与 1 之间/)
    assert.throws(() => twoProportionTest(10, 11, 10, 1), /转化人数/)
    assert.throws(() => formulas({ orderValue: 1, frequency: 1, grossMargin: 0, lifespanYears: 1, monthlyChurn: 0.1, cac: 1 }), /毛利率/)
  })
})

test("cohort periods: weeks start on Monday, months are calendar months", () => {
  const monday = parseDate("2024-01-01")
  assert.equal(periodIndex(monday, "week"), periodIndex(parseDate("2024-01-07"), "week"))
  assert.equal(periodIndex(monday, "week") - 1, periodIndex(parseDate("2023-12-31"), "week"))
  assert.equal(periodLabel(periodIndex(parseDate("2024-01-05"), "week"), "week"), "2024-01-01")
  assert.equal(periodLabel(periodIndex(parseDate("2024-02-29"), "month"), "month"), "2024-02")
})
