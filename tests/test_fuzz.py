"""No input crashes or hangs the checker, the sanitiser or the renderer: property tests with a time
budget per case (hypothesis' deadline). Deep nesting, long lines, long `{#…` headings, broken front
matter and random HTML are generated on purpose; what is over the limits must come back as one
Chinese F007 finding, never as a RecursionError, a hang or a quadratic blow-up."""

from __future__ import annotations

from datetime import timedelta

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opskb.rules import MAX_LINE, MAX_NESTING, MAX_PAGE_BYTES, check_limits, check_page
from opskb.sanitize import check_html, front_matter_problems, sanitize

BUDGET = settings(deadline=timedelta(seconds=3), max_examples=60, suppress_health_check=[HealthCheck.too_slow],
                  derandomize=True)

MARKDOWN_PIECES = st.sampled_from([
    "# ", "## ", "- ", "* ", "1. ", "> ", "    ", "  ", "\n", "\n\n", "---\n", "```\n", "~~~\n", "!!! note\n", "??? tip\n",
    "[", "]", "(", ")", "![", "{: ", "{#", "}", "<", ">", "</", "<div>", "<img src=x>", "<!--", "-->", "&lt;", "&#", "*",
    "_", "`", "|", "--8<--", "[^1]", "[^1]: ", "*[LTV]: ", "title: x\n", "用户运营", "LTV", "javascript:", "\t", " ",
])
PAGES = st.lists(MARKDOWN_PIECES, max_size=300).map("".join)


def nested(depth: int, kind: str) -> str:
    if kind == "quote":
        return "# 页\n\n" + ">" * depth + " 引用\n"
    if kind == "list-indent":
        return "# 页\n\n" + "\n".join("  " * n + "- 项" for n in range(depth)) + "\n"
    if kind == "list-inline":
        return "# 页\n\n" + "- " * depth + "项\n"
    return "# 页\n\n" + "\n".join("    " * n + "!!! note\n" for n in range(depth))


@BUDGET
@given(PAGES)
def test_the_page_rules_never_crash(text: str) -> None:
    result = check_page(text, "docs/page.md")
    assert all(f.line >= 1 and f.col >= 1 and f.message for f in result.findings)


@BUDGET
@given(st.integers(min_value=1, max_value=6000), st.sampled_from(["quote", "list-indent", "list-inline", "admonition"]))
def test_deep_nesting_is_a_finding_not_a_recursion_error(depth: int, kind: str) -> None:
    text = nested(depth, kind)
    result = check_page(text, "docs/page.md")
    over = check_limits(text, "docs/page.md")
    if over is not None:
        assert [f.rule for f in result.findings] == ["F007"]
    if depth > 4 * MAX_NESTING and kind in ("quote", "list-inline"):
        assert over is not None


@BUDGET
@given(st.integers(min_value=1, max_value=1_500_000), st.sampled_from(["长", "a", "{#", "[", "<", "*", "`", " "]))
def test_long_lines_stay_linear(length: int, char: str) -> None:
    line = (char * (length // len(char) + 1))[:length]
    text = f"# 页\n\n## 标题 {line}\n"
    result = check_page(text, "docs/page.md")
    if len(text.encode()) > MAX_PAGE_BYTES or len(line) + 6 > MAX_LINE:
        assert [f.rule for f in result.findings] == ["F007"]


@BUDGET
@given(st.text(max_size=400))
def test_front_matter_never_crashes(text: str) -> None:
    check_page(f"---\n{text}\n---\n\n# 页\n\n正文。\n", "docs/page.md")
    check_page(f"{text}\n\n# 页\n", "docs/page.md")  # MultiMarkdown-style metadata


@BUDGET
@given(st.dictionaries(st.one_of(st.text(max_size=10), st.integers()),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=50),
                                 st.lists(st.text(max_size=10), max_size=3),
                                 st.dictionaries(st.text(max_size=8), st.integers(), max_size=2)), max_size=5))
def test_front_matter_values_are_judged_not_crashed_on(meta: dict[object, object]) -> None:
    for key, message in front_matter_problems(meta):
        assert message and isinstance(key, str)


HTML = st.lists(st.sampled_from([
    "<p>", "</p>", "<a href=\"x\">", "</a>", "<img src=\"../img/a.svg\" alt=\"a\">", "<script>", "</script>", "<svg>",
    "<style>", "<!--", "-->", "<!-->", "<table>", "<tr>", "<td>", "<b>", "<abbr title=\"t\">", "</abbr>", " onerror=x ",
    "<img/src=x ", ">", "<", "&lt;", "&amp;", "&#", "文字", "javascript:", "\"", "'", "<math>", "<details open>",
    "<div class=\"opskb-calculator\" data-calculator=\"rfm\"></div>", "<span class=\"k\">", "</span>",
]), max_size=80).map("".join)


@BUDGET
@given(HTML)
def test_the_sanitiser_never_crashes_and_its_output_is_clean(html: str) -> None:
    check_html(html)
    once = sanitize(html)
    assert sanitize(once) == once  # idempotent: what is published is a fixed point


EXTENSIONS = ["toc", "abbr", "admonition", "attr_list", "def_list", "footnotes", "tables", "pymdownx.details",
              "pymdownx.highlight", "pymdownx.superfences"]


@settings(deadline=timedelta(seconds=10), max_examples=15, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.integers(min_value=1, max_value=MAX_NESTING), st.sampled_from(["quote", "list-indent", "list-inline", "admonition"]))
def test_what_passes_the_limits_renders_quickly(depth: int, kind: str) -> None:
    text = nested(depth, kind)
    assert check_limits(text, "docs/page.md") is None
    markdown.markdown(text, extensions=EXTENSIONS)


UNITS = st.sampled_from(["[", "[a ", "]", "<a", "< ", "{", "{#", "*", "_", "`", "<!--", "&#", "![", "\\", "|", ">", "- ", "#"])


@settings(deadline=timedelta(seconds=10), max_examples=25, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(UNITS, st.integers(min_value=1, max_value=2000), st.integers(min_value=1, max_value=200), st.booleans())
def test_a_page_just_within_the_limits_renders_and_checks_in_time(unit: str, per_line: int, lines: int, blank: bool) -> None:
    """Repeated troublesome characters up to the limits: page rules and renderer stay within the budget,
    or the page is over a limit and only F007 is reported."""
    line = (unit * per_line)[:MAX_LINE]
    text = "# 页\n\n" + ("\n\n" if blank else "\n").join([line] * lines) + "\n"
    if check_limits(text, "docs/page.md") is not None:
        assert [f.rule for f in check_page(text, "docs/page.md").findings] == ["F007"]
        return
    check_page(text, "docs/page.md")
    markdown.markdown(text, extensions=EXTENSIONS)
