// Unit tests of the search query rules (node --test; run by tests/test_search.py).

import assert from "node:assert/strict"
import { describe, test } from "node:test"

import { clean, highlightWords, key, normalise, searches, splitScripts, stripQuestion, termsIn, variantTable } from "../../overrides/assets/javascripts/search-query.js"
import { group, escapeHTML, location } from "../../overrides/assets/javascripts/search-results.js"

const GROUPS = [
  ["日活跃用户数", "DAU", "Daily Active Users", "日活", "日活跃用户"],
  ["月活跃用户数", "MAU", "Monthly Active Users", "月活", "月活跃用户"],
  ["A/B 测试", "A/B Testing", "AB测试", "AB 实验", "对照实验"],
  ["复购率", "Repurchase Rate", "回购率", "复购", "回购"],
]

describe("normalise: what the reader typed as the index reads it", () => {
  test("Latin letters glued to Chinese are split, case folds, full-width becomes ASCII", () => {
    assert.equal(normalise("LTV计算"), "ltv 计算")
    assert.equal(normalise("ltv 计算"), "ltv 计算")
    assert.equal(normalise("ＬＴＶ计算"), "ltv 计算")
    assert.equal(normalise("计算LTV的方法"), "计算 ltv 的方法")
    assert.equal(splitScripts("rfm模型"), "rfm 模型")
  })
  test("question forms are removed", () => {
    assert.equal(normalise("什么是LTV"), "ltv")
    assert.equal(normalise("LTV是什么"), "ltv")
    assert.equal(normalise("留存率怎么算"), "留存率")
    assert.equal(normalise("RFM模型做什么？"), "rfm 模型")
    assert.equal(normalise("SEO和SEM的区别"), "seo sem")
    assert.equal(normalise("如何做用户分层"), "用户分层")
  })
  test("a query that is only a question word stays as typed", () => {
    assert.equal(normalise("是什么"), "是什么")
  })
  test("punctuation and spaces collapse", () => {
    assert.equal(clean("「LTV」（用户生命周期价值）"), "ltv 用户生命周期价值")
    assert.equal(normalise("  LTV   计算 "), "ltv 计算")
    assert.equal(key("A/B 测试"), "ab测试")
  })
})

describe("searches: variants from the term data", () => {
  const table = variantTable(GROUPS)
  test("the query comes first, then its term written the other ways", () => {
    const found = searches("日活", GROUPS, table)
    assert.equal(found[0], "日活")
    assert.ok(found.includes("dau"), found)
  })
  test("AB测试 also searches A/B 测试 (as the letters a and b)", () => {
    const found = searches("AB测试", GROUPS, table)
    assert.equal(found[0], "ab 测试")
    assert.ok(found.includes("a b 测试"), found)
  })
  test("a term written twice is searched once", () => {
    const found = searches("月活MAU", GROUPS, table)
    assert.equal(found[0], "月活 mau")
    assert.ok(found.includes("月活"), found)
  })
  test("a term inside a longer query is replaced in place", () => {
    assert.ok(searches("回购 提升", GROUPS, table).includes("复购率 提升"))
  })
  test("no more than the limit, no duplicates, nothing for an empty query", () => {
    const found = searches("复购", GROUPS, table, 3)
    assert.equal(found.length, 3)
    assert.equal(new Set(found).size, found.length)
    assert.deepEqual(searches("  ", GROUPS, table), [])
  })
  test("the terms a query names", () => {
    assert.deepEqual(termsIn("日活怎么算", table), [0])
    assert.deepEqual(termsIn("月活 MAU 和 复购", table), [1, 3])
    assert.deepEqual(termsIn("什么", table), [])
  })
  test("the words to highlight are the reader's own", () => {
    assert.deepEqual(highlightWords("什么是LTV计算"), ["ltv", "计算"])
  })
})

describe("group: Pagefind's page as Material's result group", () => {
  const data = {
    url: "/modules/user-operations/ltv/",
    meta: {title: "用户生命周期价值（LTV）<1>"},
    excerpt: "整页摘录",
    sub_results: [
      {url: "/modules/user-operations/ltv/", title: "LTV", excerpt: "导语 <mark>LTV</mark>", weighted_locations: [{balanced_score: 1}]},
      {url: "/modules/user-operations/ltv/#计算示例", title: "计算示例", excerpt: "<mark>计算</mark>", weighted_locations: [{balanced_score: 5}, {balanced_score: 5}]},
      {url: "/modules/user-operations/ltv/#误区", title: "误区", excerpt: "x", weighted_locations: [{balanced_score: 1}]},
    ],
  }
  test("the page first, at the site's base, its title escaped; the best section shown, others folded", () => {
    const [page, ...sections] = group(data, 3, ["ltv", "计算"])
    assert.equal(page.location, "modules/user-operations/ltv/")
    assert.equal(page.title, "用户生命周期价值（LTV）&lt;1&gt;")
    assert.equal(page.text, "")
    assert.deepEqual(page.terms, {ltv: true, 计算: true})
    assert.equal(sections[0].location, "modules/user-operations/ltv/#计算示例")
    assert.equal(sections[0].score, 3)
    assert.ok(sections[1].score < 3)
  })
  test("a match in the introduction is the page's own excerpt", () => {
    const intro = {...data, sub_results: [{...data.sub_results[0], weighted_locations: [{balanced_score: 20}]}, data.sub_results[2]]}
    const [page, section] = group(intro, 2, ["ltv"])
    assert.equal(page.text, "<p>导语 <mark>LTV</mark></p>")
    assert.ok(section.score < 2)
  })
  test("helpers", () => {
    assert.equal(escapeHTML('<a href="x">&'), "&lt;a href=&quot;x&quot;&gt;&amp;")
    assert.equal(location("/glossary/#dau"), "glossary/#dau")
  })
})
