// Reader queries as index searches: what a reader types with an input method (Latin letters glued
// to Chinese, questions, AB for A/B, 日活 for DAU) becomes the searches that find the page.
// No DOM and no network: the search worker imports it, tests/js/search-query.test.mjs tests it.

const HAN = "\\p{Script=Han}"
const GLUED = [
  [new RegExp(`([a-z0-9])(?=${HAN})`, "gu"), "$1 "],
  [new RegExp(`(${HAN})(?=[a-z0-9])`, "gu"), "$1 "],
]
// Question words around the term: 「什么是 LTV」「LTV 是什么」「留存率怎么算」「SEO 和 SEM 的区别」.
const QUESTION_START = /^(?:请问|什么是|什么叫|何为|何谓|如何做|怎么做|怎样做|如何|怎样|怎么|为什么|为何)+/u
const QUESTION_END = new RegExp("(?:" + [
  "是什么意思", "什么意思", "是什么", "是啥", "指什么", "是指什么", "的意思", "的含义", "的定义",
  "怎么算", "怎么计算", "如何计算", "如何算", "怎么求", "怎么做", "如何做", "怎么用", "如何用", "怎么办",
  "做什么", "干什么", "有什么用", "有哪些", "有什么区别", "有何区别", "的区别", "区别", "的差别", "不同",
  "吗", "呢", "啊",
].join("|") + ")+$", "u")
// Between two terms compared: 「SEO 和 SEM」「拉新与促活」「LTV vs CAC」.
const BETWEEN = /\s*(?:和|与|跟|及|以及|还是|对比|\bvs\.?\b|\bversus\b)\s*/gu
const PUNCTUATION = /[\s"'“”‘’「」『』《》〈〉()（）【】[\]{}?？!！,，。;；:：、…·~～|]+/gu

/** Lower case, NFKC (full-width letters and digits to ASCII), punctuation to spaces, trimmed. */
export function clean(text) {
  return text.normalize("NFKC").toLowerCase().replace(PUNCTUATION, " ").trim()
}

/** A label as labels are compared: cleaned, without spaces, slashes or hyphens (A/B 测试 → ab测试). */
export function key(text) {
  return clean(text).replace(/[\s/\-]+/gu, "")
}

/** Latin letters and digits apart from Chinese: 「ltv计算」 → 「ltv 计算」. */
export function splitScripts(text) {
  return GLUED.reduce((value, [pattern, replacement]) => value.replace(pattern, replacement), text)
}

/** The question words removed: 「什么是ltv」 → 「ltv」, 「seo和sem的区别」 → 「seo sem」. */
export function stripQuestion(text) {
  let value = text.trim()
  for (let previous = ""; previous !== value;) {
    previous = value
    value = value.replace(QUESTION_START, "").replace(QUESTION_END, "").trim()
  }
  const parts = value.split(BETWEEN).filter(Boolean)
  return (parts.length > 1 ? parts.join(" ") : value) || text.trim()
}

/** The query as the index reads it: cleaned, question words removed, scripts split, one space. */
export function normalise(text) {
  const cleaned = clean(text)
  return splitScripts(stripQuestion(cleaned)).replace(/\s+/gu, " ").trim()
}

/** Label key → index of its group, from the groups of ways a term is written (search-variants.js). */
export function variantTable(groups) {
  const table = new Map()
  groups.forEach((labels, index) => {
    for (const label of labels) {
      const id = key(label)
      if (id && !table.has(id)) table.set(id, index)
    }
  })
  return table
}

/**
 * The searches for a query, best first: the normalised query, then the same query with a term
 * written as it is elsewhere (AB测试 → a/b 测试, 日活 → dau). A term written twice in one query
 * (「月活 MAU」) is searched once.
 */
export function searches(text, groups = [], table = variantTable(groups), limit = 3) {
  const query = normalise(text)
  if (!query) return []
  const words = query.split(" ")
  const found = spans(words, table)
  const result = [query]
  const add = value => {
    const normalised = value.replace(/\s+/gu, " ").trim()
    if (normalised && !result.includes(normalised)) result.push(normalised)
  }
  // The same term twice: keep its first span only.
  const seen = new Set()
  const kept = found.filter(([, , group]) => !seen.has(group) && seen.add(group))
  if (kept.length < found.length) {
    const drop = new Set(found.filter(span => !kept.includes(span)).flatMap(([s, e]) => range(s, e)))
    add(words.filter((_, n) => !drop.has(n)).join(" "))
  }
  const base = result[result.length - 1].split(" ")
  const targets = kept.length < found.length ? locate(base, kept, table) : kept
  for (const [start, end, group] of targets)
    for (const label of groups[group]) {
      // A/B is indexed as the letters a and b: search it so, too.
      const written = splitScripts(clean(label)).replace(/([a-z0-9])\/(?=[a-z0-9])/gu, "$1 ")
      if (written !== base.slice(start, end).join(" "))
        add([...base.slice(0, start), written, ...base.slice(end)].join(" "))
    }
  return result.slice(0, limit)
}

/** [start, end, group] for each run of words that is a term, longest first, left to right. */
function spans(words, table) {
  const found = []
  for (let start = 0; start < words.length; start++)
    for (let end = words.length; end > start; end--) {
      const group = table.get(key(words.slice(start, end).join("")))
      if (group !== undefined) {
        found.push([start, end, group])
        start = end - 1
        break
      }
    }
  return found
}

/** The terms (indexes of their groups) a query names: 「LTV计算」 names LTV. */
export function termsIn(text, table) {
  const query = normalise(text)
  return query ? [...new Set(spans(query.split(" "), table).map(([, , group]) => group))] : []
}

function range(start, end) {
  return Array.from({length: end - start}, (_, n) => start + n)
}

function locate(words, spans, table) {
  const groups = new Set(spans.map(([, , group]) => group))
  const found = []
  for (let start = 0; start < words.length; start++)
    for (let end = words.length; end > start; end--) {
      const group = table.get(key(words.slice(start, end).join("")))
      if (groups.has(group)) {
        found.push([start, end, group])
        start = end - 1
        break
      }
    }
  return found
}

/** The words to highlight on the page that opens: the query's own words, in the page's case. */
export function highlightWords(text) {
  return normalise(text).split(" ").filter(Boolean)
}
