// Pagefind's results in the shape Material's search box renders (SearchResult: groups of items, the
// page first, then its sections). No DOM: the search worker imports it, tests/js test it.

const SHOWN_SECTIONS = 2  // sections shown under a page; the rest fold into Material's「更多」

export function escapeHTML(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
}

/** A site-absolute URL from the index as Material's location: relative to the site's base. */
export function location(url) {
  return url.replace(/^\/+/, "")
}

function relevance(sub) {
  return (sub.weighted_locations || []).reduce((sum, hit) => sum + (hit.balanced_score ?? hit.weight ?? 1), 0)
}

/**
 * One Material result group for a Pagefind page: `data` is `await result.data()`, `score` its score,
 * `terms` the query's words (they become ?h= for highlighting on the opened page).
 */
export function group(data, score, terms) {
  const matched = Object.fromEntries(terms.map(term => [term, true]))
  const title = escapeHTML(data.meta?.title || data.url)
  const subs = (data.sub_results || []).map(sub => ({sub, weight: relevance(sub)}))
  const best = subs.reduce((top, entry) => (!top || entry.weight > top.weight ? entry : top), null)
  const page = {location: location(data.url), title, text: "", score, terms: matched}
  const sections = []
  const intro = best && !best.sub.url.includes("#")
  if (intro) page.text = `<p>${best.sub.excerpt}</p>`
  else if (!best) page.text = `<p>${data.excerpt}</p>`
  const ordered = subs.filter(entry => entry.sub.url.includes("#")).sort((a, b) => b.weight - a.weight)
  ordered.forEach((entry, n) => {
    const shown = !intro && n < SHOWN_SECTIONS && entry.weight >= best.weight / 2
    sections.push({
      location: location(entry.sub.url),
      title: escapeHTML(entry.sub.title),
      text: `<p>${entry.sub.excerpt}</p>`,
      score: shown ? score : score / 2,
      terms: matched,
    })
  })
  return [page, ...sections]
}
