// RFM scoring exactly as examples/rfm.py does it (the reference the RFM page's worked example comes
// from): same scores, ties, segments and rounding. Sorting instead of pairwise counting makes it
// O(n log n), so 100,000 orders take a fraction of a second. No DOM access.

import { fixed, percent, round } from "./format.js"

// [R high, F high, M high] → segment, in the order of the RFM page's table.
export const SEGMENTS = [
  [[true, true, true], "重要价值客户"],
  [[true, false, true], "重要发展客户"],
  [[false, true, true], "重要保持客户"],
  [[false, false, true], "重要挽留客户"],
  [[true, true, false], "一般价值客户"],
  [[true, false, false], "一般发展客户"],
  [[false, true, false], "一般保持客户"],
  [[false, false, false], "一般挽留客户"],
]

// The RFM page's 运营动作 column; a test checks them against docs/modules/user-operations/rfm.md.
export const ACTIONS = {
  重要价值客户: "提供贵宾级服务和专属权益，保持关系，避免过度打扰",
  重要发展客户: "提升购买频次，例如会员、订阅、复购提醒",
  重要保持客户: "主动联系，了解原因，用专属关怀防止流失",
  重要挽留客户: "重点挽留：针对性地推送权益，先评估召回是否划算",
  一般价值客户: "交叉销售、套餐和满减，提升笔单价",
  一般发展客户: "新客引导、第二单优惠，培养购买习惯",
  一般保持客户: "低成本唤醒，例如推送和优惠券",
  一般挽留客户: "控制投入，可批量自动化触达或暂不运营",
}

// Example business thresholds (R: the RFM page's; F and M: hypothetical), for scores 2–5.
export const EXAMPLE_THRESHOLDS = { r: [7, 30, 90, 180], f: [2, 3, 5, 8], m: [200, 500, 1000, 2000] }

// Index 4·R high + 2·F high + M high → segment name.
const SEGMENT_BY_INDEX = []
for (const [[r, f, m], name] of SEGMENTS) SEGMENT_BY_INDEX[(r ? 4 : 0) + (f ? 2 : 0) + (m ? 1 : 0)] = name

/** Compare strings by code point, as Python's sorted() does (JS compares UTF-16 units). */
export function compareCodePoints(a, b) {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y)
  }
  return a.length - b.length
}

function codeUnitRank(c) {
  // Surrogates (astral characters) sort after every BMP character, as their code points do.
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000
  return c >= 0xe000 ? c - 0x800 : c
}

/**
 * Per customer, from records {customer, day, amount} (day = days since 1970-01-01): R = days from the
 * last order to the analysis day, F = orders, M = their total, rounded to cents. Orders after the
 * analysis day are left out. Customers sorted by ID, as the Python reference sorts them.
 */
export function rawRfm(records, analysisDay) {
  const byCustomer = new Map()
  for (const { customer, day, amount } of records) {
    if (day > analysisDay) continue
    const seen = byCustomer.get(customer)
    if (seen === undefined) byCustomer.set(customer, { last: day, frequency: 1, total: 0 + amount })
    else {
      if (day > seen.last) seen.last = day
      seen.frequency += 1
      seen.total += amount
    }
  }
  const ids = [...byCustomer.keys()].sort(compareCodePoints)
  return ids.map(id => {
    const { last, frequency, total } = byCustomer.get(id)
    return { customer: id, recency: analysisDay - last, frequency, monetary: round(total, 2) }
  })
}

function lowerBound(sorted, value) {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function upperBound(sorted, value) {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** 1 + floor(5 × worse ÷ n), worse = customers strictly worse; equal values share a score. */
export function quintileScores(values, higherIsBetter = true) {
  const n = values.length
  const sorted = Float64Array.from(values).sort()
  return values.map(v => {
    const worse = higherIsBetter ? lowerBound(sorted, v) : n - upperBound(sorted, v)
    return 1 + Math.floor((5 * worse) / n)
  })
}

/** 1 + the number of the four cuts reached (≥ a cut for F and M, ≤ a cut for R in days). */
export function thresholdScores(values, cuts, higherIsBetter = true) {
  return values.map(v => 1 + cuts.filter(cut => (higherIsBetter ? v >= cut : v <= cut)).length)
}

function mean(values) {
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

/** A score at or above the mean counts as high (the tie rule): then one of eight segments. */
export function classify(r, f, m, means) {
  return SEGMENT_BY_INDEX[(r >= means[0] ? 4 : 0) + (f >= means[1] ? 2 : 0) + (m >= means[2] ? 1 : 0)]
}

/**
 * Scores and segments. `thresholds` {r, f, m} (four cuts each) switches from quintiles to business
 * thresholds; the high/low split is by the mean score either way.
 */
export function scoreCustomers(customers, thresholds = null) {
  if (customers.length === 0) return { customers: [], means: [0, 0, 0] }
  const pick = key => customers.map(c => c[key])
  const [r, f, m] = thresholds
    ? [thresholdScores(pick("recency"), thresholds.r, false), thresholdScores(pick("frequency"), thresholds.f),
      thresholdScores(pick("monetary"), thresholds.m)]
    : [quintileScores(pick("recency"), false), quintileScores(pick("frequency")), quintileScores(pick("monetary"))]
  // Integer sums divided once: the same double as Python's statistics.mean of the scores.
  const means = [mean(r), mean(f), mean(m)]
  return {
    means,
    customers: customers.map((c, i) => ({ customer: c.customer, recency: c.recency, frequency: c.frequency, monetary: c.monetary,
      r: r[i], f: f[i], m: m[i], segment: classify(r[i], f[i], m[i], means) })),
  }
}

/** Per segment, in the page's order: customers, their total, share of the total (shares as the page prints them). */
export function summarize(scored) {
  let total = 0
  const sums = new Map(SEGMENTS.map(([, name]) => [name, { count: 0, amount: 0 }]))
  for (const c of scored) {  // in customer order, as the Python reference adds them up
    total += c.monetary
    const sum = sums.get(c.segment)
    sum.count += 1
    sum.amount += c.monetary
  }
  return SEGMENTS.map(([key, name]) => {
    const { count, amount } = sums.get(name)
    return {
      segment: name, high: key, count, amount, share: total > 0 ? amount / total : 0,
      amountText: fixed(amount, 2), shareText: total > 0 ? percent(amount / total, 1) : "–", action: ACTIONS[name],
    }
  })
}

/** The whole analysis: records → customers with scores and segments, means, segment summary. */
export function analyse(records, analysisDay, thresholds = null) {
  const raw = rawRfm(records, analysisDay)
  const { customers, means } = scoreCustomers(raw, thresholds)
  return { customers, means, segments: summarize(customers) }
}
