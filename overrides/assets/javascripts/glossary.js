// Glossary filter: a box above the term list that narrows it as the reader types, matching each
// term's name, acronym, English name and aliases (the heading and the line under it). Loaded on the
// glossary page only (hooks/terms.py); without JavaScript the page stays a plain, complete list.
// Runs each time the page's content is put in place, including after Material's instant navigation
// (loaded as a module: it runs once per document and follows later navigations through document$).
(function () {
  "use strict"

  // The same folding as opskb.terms.normalize_label: width, case, spaces and separators.
  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[\s/\-·・.]+/g, "")
  }

  // Elements from `start` up to (not including) the next heading of the given levels.
  function section(start, stop) {
    var parts = [start]
    for (var node = start.nextElementSibling; node && stop.indexOf(node.tagName) < 0; node = node.nextElementSibling) {
      parts.push(node)
    }
    return parts
  }

  function setHidden(elements, hidden) {
    elements.forEach(function (element) { element.hidden = hidden })
  }

  function init() {
    var article = document.querySelector("article.md-content__inner")
    if (!article || article.querySelector(".opskb-glossary-filter") || !article.querySelector(".opskb-term-meta")) return

    var terms = []
    var groups = []
    article.querySelectorAll(":scope > h2").forEach(function (heading) {
      var parts = section(heading, ["H2"])
      var group = { heading: heading, intro: [], terms: [] }
      parts.forEach(function (node) {
        if (node.tagName === "H3" && node.id) {
          var block = section(node, ["H2", "H3"])
          var meta = block[1] && block[1].classList.contains("opskb-term-meta") ? block[1].textContent : ""
          var term = { block: block, key: normalize(node.textContent.replace("¶", "") + " " + meta) }
          group.terms.push(term)
          terms.push(term)
        }
      })
      if (group.terms.length) {
        group.intro = parts.filter(function (node) { return node.tagName !== "H3" && !group.terms.some(function (t) { return t.block.indexOf(node) >= 0 }) })
        groups.push(group)
      } else {
        group.intro = parts  // the letter index: shown only while nothing is typed
        group.index = true
        groups.push(group)
      }
    })
    if (!terms.length) return

    var box = document.createElement("div")
    box.className = "opskb-glossary-filter"
    var label = document.createElement("label")
    label.htmlFor = "opskb-glossary-filter-input"
    label.textContent = "筛选术语"
    var input = document.createElement("input")
    input.type = "search"
    input.id = "opskb-glossary-filter-input"
    input.autocomplete = "off"
    input.placeholder = "输入名称、缩写或别称，如 留存、LTV、日活"
    input.setAttribute("aria-describedby", "opskb-glossary-filter-status")
    var status = document.createElement("p")
    status.id = "opskb-glossary-filter-status"
    status.className = "opskb-glossary-filter__status"
    status.setAttribute("role", "status")
    status.textContent = "共 " + terms.length + " 个术语。"
    box.append(label, input, status)
    // Right under the page's opening paragraph: on a phone the box is on the first screen.
    var heading = article.querySelector("h1")
    var opening = heading && heading.nextElementSibling
    var anchor = opening && opening.tagName === "P" ? opening.nextElementSibling : groups[0].heading
    article.insertBefore(box, anchor)

    function apply() {
      var query = input.value.trim()
      var whole = normalize(query)
      var words = query.split(/\s+/).map(normalize).filter(Boolean)
      var shown = 0
      terms.forEach(function (term) {
        var match = !whole || term.key.indexOf(whole) >= 0 || (words.length > 1 && words.every(function (w) { return term.key.indexOf(w) >= 0 }))
        term.visible = match
        setHidden(term.block, !match)
        if (match) shown++
      })
      groups.forEach(function (group) {
        var hide = group.index ? Boolean(whole) : !group.terms.some(function (t) { return t.visible })
        setHidden(group.intro, hide)
      })
      if (!whole) status.textContent = "共 " + terms.length + " 个术语。"
      else if (shown) status.textContent = "找到 " + shown + " 个术语。"
      else status.textContent = "没有找到「" + query + "」。可以换个说法，或用页面顶部的搜索查全站。"
    }

    input.addEventListener("input", function (event) { if (!event.isComposing) apply() })
    input.addEventListener("compositionend", apply)
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value) {
        input.value = ""
        apply()
        event.stopPropagation()
      }
    })
  }

  // Material's document$ emits on load and after every instant navigation; other themes: once.
  if (typeof window.document$ !== "undefined") window.document$.subscribe(init)
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init)
  else init()
})()
