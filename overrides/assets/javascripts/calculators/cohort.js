// Cohort retention as examples/cohort.py computes it: cohorts by the week (from Monday) or calendar
// month of each customer's first order; retention k periods later; the average curve weighted by
// cohort size over the cohorts that have reached period k. No DOM access.

// Day 0 is 1970-01-01, a Thursday; 0001-01-01 (Python's ordinal 1) was a Monday, 719,162 days before.
const ORDINAL_OFFSET = 719162

export function periodIndex(day, period) {
  if (period === "month") {
    const date = new Date(day * 86400000)
    return date.getUTCFullYear() * 12 + date.getUTCMonth()
  }
  if (period === "week") return Math.floor((day + ORDINAL_OFFSET) / 7)
  throw new RangeError(`period 只能是 week 或 month：${period}`)
}

export function periodLabel(index, period) {
  if (period === "month") {
    const year = Math.floor(index / 12)
    return `${String(year).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`
  }
  return new Date((index * 7 - ORDINAL_OFFSET) * 86400000).toISOString().slice(0, 10)
}

/** records: {customer, day}; returns {period, cohorts: [{label, size, retained}], average}. */
export function cohortTable(records, analysisDay, period = "month") {
  const last = periodIndex(analysisDay, period)
  const active = new Map()
  const periodOf = new Map()  // an export has few distinct days and many rows
  for (const { customer, day } of records) {
    if (day > analysisDay) continue
    let p = periodOf.get(day)
    if (p === undefined) {
      p = periodIndex(day, period)
      periodOf.set(day, p)
    }
    const seen = active.get(customer)
    if (seen === undefined) active.set(customer, { first: p, periods: new Set([p]) })
    else {
      seen.periods.add(p)
      if (p < seen.first) seen.first = p
    }
  }
  const members = new Map()
  for (const { first, periods } of active.values()) {
    if (!members.has(first)) members.set(first, [])
    members.get(first).push(periods)
  }
  const cohorts = [...members.keys()].sort((a, b) => a - b).map(start => {
    const group = members.get(start)
    const retained = []
    for (let k = 0; k <= last - start; k += 1) {
      let count = 0
      for (const periods of group) if (periods.has(start + k)) count += 1
      retained.push(count)
    }
    return { label: periodLabel(start, period), size: group.length, retained }
  })
  const span = cohorts.reduce((longest, c) => Math.max(longest, c.retained.length), 0)
  const average = []
  for (let k = 0; k < span; k += 1) {
    let kept = 0
    let size = 0
    for (const c of cohorts) {
      if (c.retained.length > k) {
        kept += c.retained[k]
        size += c.size
      }
    }
    average.push(kept / size)
  }
  return { period, cohorts, average }
}
