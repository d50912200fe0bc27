// Material's search worker, answered from the Pagefind index (hooks/search.py builds it). Material
// starts this worker on every page (see the config block in overrides/main.html) and speaks to it
// in its protocol: SETUP → READY, QUERY (text) → RESULT ({items: groups}). The index, the query
// rules and the term variants load on the first query, so a page that is only read fetches none.
// A classic worker (Material creates it so): modules come in through import().

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
// Each page shown costs its fragment (its text, for the excerpt: 2–10 KB): five pages keep a later
// search near 50 KB.
const PAGES = 5
const SPARE = 1   // a page read beyond them, in case contributor pages among them move down
const CONTRIBUTOR = 0.1

let loading = null
let latest = 0

function load() {
  loading ??= Promise.all([
    import("../../pagefind/pagefind.js"),
    import("./search-query.js"),
    import("./search-results.js"),
    import("./search-variants.js"),
  ]).then(async ([pagefind, query, results, variants]) => {
    await pagefind.options({excerptLength: 24})
    await pagefind.init()
    const {groups, places} = variants.default
    return {pagefind, query, results, groups, places, table: query.variantTable(groups)}
  })
  return loading
}

// Pagefind splits Chinese into the words its dictionary knows, so 日活 is searched as 日 and 活
// anywhere on a page. An exact search of each Chinese run keeps the pages where its characters stand
// together; the others fall far behind.
const APART = 0.2
const DEFINING = 1  // as much as the best page of the reader's own search
const VARIANT = 0.5  // a search for another name of the term counts half the reader's own

function chineseRuns(value) {
  return value.match(/\p{Script=Han}{2,}/gu) || []
}

async function together(pagefind, value) {
  const runs = chineseRuns(value)
  if (!runs.length) return null
  const sets = await Promise.all(runs.map(run => pagefind.search(`"${run}"`)))
  return sets.map(response => new Set((response?.results || []).map(result => result.id)))
}

async function search(text) {
  const {pagefind, query, results, groups, places, table} = await load()
  const variants = query.searches(text, groups, table)
  if (!variants.length) return []
  let found = await Promise.all(variants.map(async value => [await pagefind.search(value), await together(pagefind, value)]))
  if (found.every(([response]) => !response?.results?.length)) {
    // The browser splits a word the index keeps whole (计算器 → 计算 器): search its start instead.
    const shorter = variants.map(value => value.replace(/(\p{Script=Han}{2,})\p{Script=Han}(?=\s|$)/gu, "$1"))
    found = await Promise.all(shorter.map(async value => [await pagefind.search(value), null]))
  }
  // Scores of different searches are on different scales: each is taken relative to its best page.
  // A page found under several names of the term (its defining place names them all) adds them up.
  const best = new Map()  // page id → [result, score]
  found.forEach(([response, phrases], n) => {
    const results = response?.results || []
    const scale = Math.max(...results.map(result => result.score), 1e-9)
    for (const result of results) {
      let score = result.score / scale * (n === 0 ? 1 : VARIANT)
      if (phrases && !phrases.every(ids => ids.has(result.id))) score *= APART
      const [, sum] = best.get(result.id) || [result, 0]
      best.set(result.id, [result, sum + score])
    }
  })
  // A query that names a term puts the pages that define it (its glossary entry, its `see` page in
  // includes/terms.yml) first, when they are found at all.
  const defining = new Set(query.termsIn(text, table).flatMap(group => places[group] || []))
  for (const [id, entry] of best) if (defining.has(id)) entry[1] += DEFINING
  // Contributor and maintainer pages (marked by hooks/search.py) come after readers' pages.
  const top = [...best.values()].sort((a, b) => b[1] - a[1]).slice(0, PAGES + SPARE)
  const pages = await Promise.all(top.map(([result]) => result.data()))
  const ranked = pages.map((data, n) => [data, top[n][1] * (data.meta?.audience === "contributor" ? CONTRIBUTOR : 1)])
    .sort((a, b) => b[1] - a[1]).slice(0, PAGES)
  const terms = query.highlightWords(text)
  return ranked.map(([data, score]) => results.group(data, score, terms))
}

self.addEventListener("message", async ({data: message}) => {
  if (message.type === SETUP) {
    self.postMessage({type: READY})
  } else if (message.type === QUERY) {
    const ticket = ++latest
    let items = []
    if (message.data.trim()) {
      try {
        items = await search(message.data)
      } catch (error) {
        loading = null  // try again on the next query (e.g. after the connection came back)
        console.warn("搜索失败：", error)
      }
    }
    if (ticket === latest) self.postMessage({type: RESULT, data: {items}})
  }
})
