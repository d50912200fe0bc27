"""Every topic (heading) of the source notes has a place in the site: a page and an anchor that exist.

The notes' sentences are the origin of the text, not a frozen copy: they may be corrected and
improved. What the map protects is that no topic gets lost (rule E003 of the check).
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from opskb.seedmap import MAP_FILE, check_topics, parse_map

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests/fixtures/seed-notes.md"
md = MarkdownIt("commonmark")


def seed_headings() -> list[tuple[int, str]]:
    tokens = md.parse(SEED.read_text(encoding="utf-8"))
    return [
        (tok.map[0] + 1, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.map
    ]


def topics() -> list:
    parsed, problems = parse_map((ROOT / MAP_FILE).read_text(encoding="utf-8"))
    assert not problems, problems
    return parsed


def test_every_heading_of_the_notes_is_mapped_once() -> None:
    mapped = [(topic.line, topic.heading) for topic in topics()]
    missing = sorted(set(seed_headings()) - set(mapped))
    assert not missing, f"{MAP_FILE} 缺少原始笔记这些标题的对应页面：{missing}；请为每个标题加一行 {{line, heading, page, anchor}}。"
    assert mapped == seed_headings(), f"{MAP_FILE} 的条目要与原始笔记的标题一一对应、顺序一致。"
    assert len(mapped) == 54


def test_every_mapped_target_exists_in_the_build(site: Path) -> None:
    """The check computes anchors from the Markdown (E003); the built HTML must agree with it."""
    for topic in topics():
        page = topic.page.removesuffix(".md")
        html_path = site / page.removesuffix("index") / "index.html" if page.endswith("index") else site / page / "index.html"
        assert html_path.is_file(), f"原始笔记第 {topic.line} 行「{topic.heading}」对应的 {topic.page} 没有生成"
        if topic.anchor:
            html = html_path.read_text(encoding="utf-8")
            assert f'id="{topic.anchor}"' in html, f"原始笔记第 {topic.line} 行「{topic.heading}」：{topic.page} 中没有 #{topic.anchor}"


def test_a_lost_topic_says_which_page_anchor_and_what_to_do() -> None:
    topic = next(t for t in topics() if t.anchor == "市场")
    anchors = {f"docs/{topic.page}": {"市场部门", "销售"}}
    [finding] = check_topics([topic], anchors)
    assert (finding.path, finding.line, finding.rule) == (MAP_FILE, topic.map_line, "E003")
    assert f"原始笔记第 {topic.line} 行的主题「{topic.heading}」" in finding.message
    assert "docs/introduction/industry-functions.md#市场" in finding.message
    assert "请把这一行的 anchor 改为「市场部门」" in finding.message
    [gone] = check_topics([topic], {"docs/introduction/functions.md": set()})
    assert "页面改名或合并后，请把这一行的 page 改为 introduction/functions.md" in gone.message


def test_a_broken_map_is_a_finding_not_a_traceback() -> None:
    assert [(f.line, f.rule) for f in parse_map("- {line: 1, heading: x, page: a.md}\n- {line: [\n")[1]] == [(2, "E003")]
    assert [(f.line, f.rule) for f in parse_map("- {line: 1, heading: x, page: a.md}\n- {line: 2}\n")[1]] == [(2, "E003")]
