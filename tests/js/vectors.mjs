// Runs a shared test vector (tests/fixtures/calculator-vectors.json) through the JavaScript modules and
// returns what they compute, in the shape tests/calculator_vectors.py gives the Python references'
// results. Used by calculators.test.mjs and, line by line, by oracle.mjs.

import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

import { durationDays, sampleSize, srmCheck, twoProportionTest } from "../../overrides/assets/javascripts/calculators/abtest.js"
import { cohortTable } from "../../overrides/assets/javascripts/calculators/cohort.js"
import { decode, guessColumns, parseDate, parseDelimited, readRecords } from "../../overrides/assets/javascripts/calculators/csv.js"
import { fixed, percent } from "../../overrides/assets/javascripts/calculators/format.js"
import { formulas } from "../../overrides/assets/javascripts/calculators/ltv.js"
import { isZip, readWorkbook } from "../../overrides/assets/javascripts/calculators/xlsx.js"
import { analyse } from "../../overrides/assets/javascripts/calculators/rfm.js"

export const ROOT = fileURLToPath(new URL("../../", import.meta.url))
export const VECTORS = JSON.parse(readFileSync(new URL("../fixtures/calculator-vectors.json", import.meta.url), "utf8"))

/** A file's rows as the tools read it: an .xlsx workbook's first visible sheet, or decoded CSV text. */
export function fileRows(path) {
  const bytes = new Uint8Array(readFileSync(path))
  return isZip(bytes) ? readWorkbook(bytes).rows : parseDelimited(decode(bytes).text).rows
}

/**
 * A case's orders as records: a repository CSV (orders_csv) or any CSV or .xlsx file (orders_file, a path)
 * read as a reader's file is (decode or unpack, parse, map), or inline rows.
 */
export function records(input) {
  if (input.orders_csv || input.orders_file) {
    const rows = fileRows(input.orders_file || ROOT + input.orders_csv)
    const { records: read, problems } = readRecords(rows, guessColumns(rows[0].cells))
    if (problems.length) throw new Error(problems.map(p => p.message).join(" "))
    return read
  }
  return input.orders.map(([customer, date, amount]) => ({ customer, day: parseDate(date), amount }))
}

export const COMPUTE = {
  rfm(input) {
    const { customers, means, segments } = analyse(records(input), parseDate(input.analysis_date), input.thresholds || null)
    return {
      customers: customers.map(c => [c.customer, c.recency, c.frequency, c.monetary, c.r, c.f, c.m, c.segment]),
      means,
      segments: segments.map(s => [s.segment, s.count, s.amountText, s.shareText]),
    }
  },
  ltv(input) {
    const i = input.inputs
    const f = formulas({ orderValue: i.order_value, frequency: i.frequency, grossMargin: i.gross_margin, lifespanYears: i.lifespan_years,
      monthlyChurn: i.monthly_churn, cac: i.cac, monthlyDiscount: i.monthly_discount || 0 })
    return { spend_per_customer: f.spendPerCustomer, arppu_month: f.arppuMonth, monthly_margin: f.monthlyMargin, ltv_lifespan: f.ltvLifespan,
      ltv_churn: f.ltvChurn, ltv_discounted: f.ltvDiscounted, payback_months: f.paybackMonths }
  },
  cohort(input) {
    const table = cohortTable(records(input), parseDate(input.analysis_date), input.period)
    return { cohorts: table.cohorts.map(c => [c.label, c.size, c.retained]), average: table.average }
  },
  abtest(input) {
    const a = input.args
    if (input.kind === "sample_size") {
      const s = sampleSize(...a)
      return { per_group: s.perGroup, rule_of_thumb: s.ruleOfThumb, variance: s.variance }
    }
    if (input.kind === "duration") return { days: durationDays(...a) }
    if (input.kind === "test") {
      const t = twoProportionTest(...a)
      return { p1: t.p1, p2: t.p2, diff: t.diff, lift: t.lift, se: t.se, ci_low: t.ciLow, ci_high: t.ciHigh, z: t.z, p_value: t.pValue }
    }
    const s = srmCheck(...a)
    return { expected1: s.expected1, expected2: s.expected2, chi2: s.chi2, p_value: s.pValue, mismatch: s.mismatch }
  },
  format(input) {
    return { fixed: fixed(input.x, input.digits), percent: percent(input.x, input.digits) }
  },
}

/**
 * Equal as the references mean it: strings, integers and booleans exactly; other numbers to `tolerance`
 * relative (the A/B figures use erfc, which JavaScript lacks and calculators/abtest.js implements).
 * Returns the path of the first difference, or "".
 */
export function difference(actual, expected, tolerance, path = "") {
  if (typeof expected === "number" && typeof actual === "number") {
    if (Number.isInteger(expected) && Number.isInteger(actual)) return actual === expected ? "" : `${path}: ${actual} ≠ ${expected}`
    const scale = Math.max(Math.abs(expected), Math.abs(actual), Number.MIN_VALUE)
    return Math.abs(actual - expected) <= tolerance * scale ? "" : `${path}: ${actual} ≠ ${expected}`
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path}: length ${actual && actual.length} ≠ ${expected.length}`
    for (let i = 0; i < expected.length; i += 1) {
      const found = difference(actual[i], expected[i], tolerance, `${path}[${i}]`)
      if (found) return found
    }
    return ""
  }
  if (expected !== null && typeof expected === "object") {
    const keys = Object.keys(expected)
    if (actual === null || typeof actual !== "object" || Object.keys(actual).sort().join() !== keys.sort().join()) return `${path}: keys ${actual && Object.keys(actual)} ≠ ${keys}`
    for (const key of keys) {
      const found = difference(actual[key], expected[key], tolerance, `${path}.${key}`)
      if (found) return found
    }
    return ""
  }
  return actual === expected ? "" : `${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`
}

// Exact everywhere but where erfc enters (p-values of the A/B test).
export const TOLERANCE = { rfm: 0, ltv: 0, cohort: 0, abtest: 1e-12, format: 0 }
