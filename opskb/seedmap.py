"""The source notes' topic map (rule E003): every heading of the notes has a page and anchor.

The site grew out of a set of notes (tests/fixtures/seed-notes.md). Their sentences may be
corrected and improved like any other text; what must not get lost is a topic. The map
(tests/fixtures/seed-map.yml) names, for each heading of the notes, the page and the heading
anchor that now cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from opskb.rules import Finding, closest

MAP_FILE = "tests/fixtures/seed-map.yml"


@dataclass(frozen=True)
class Topic:
    line: int  # the heading's line in the notes
    heading: str
    page: str  # path under docs/
    anchor: str  # "" = the page itself
    map_line: int  # where the entry is in the map


def parse_map(text: str) -> tuple[list[Topic], list[Finding]]:
    """The map's topics, or E003 saying where the file itself is broken."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when built with it
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else []
    except yaml.MarkedYAMLError as error:
        last = text.rstrip().count("\n") + 1  # an error noticed at the end of the file belongs to its last line
        line = min(error.problem_mark.line + 1, last) if error.problem_mark else 1
        return [], [Finding(MAP_FILE, line, 1, "E003", "这一行不是合法的 YAML；每个条目写作 {line: 行号, heading: \"标题\", page: 页面, anchor: 锚点}。")]
    finally:
        loader.dispose()
    topics: list[Topic] = []
    for item, entry in zip(node.value if isinstance(node, yaml.SequenceNode) else [], data if isinstance(data, list) else []):
        try:
            topics.append(Topic(int(entry["line"]), str(entry["heading"]), str(entry["page"]),
                                str(entry.get("anchor") or ""), item.start_mark.line + 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            return topics, [Finding(MAP_FILE, item.start_mark.line + 1, 1, "E003",
                                    "这个条目缺少 line、heading 或 page；每个条目写作 {line: 行号, heading: \"标题\", page: 页面, anchor: 锚点}。")]
    return topics, []


def check_topics(topics: list[Topic], anchors: Mapping[str, set[str]], docs_dir: str = "docs") -> list[Finding]:
    """E003 for a topic whose page or anchor is gone; `anchors` maps page paths (docs/…) to their ids."""
    findings: list[Finding] = []
    for topic in topics:
        page = f"{docs_dir}/{topic.page}"
        where = f"原始笔记第 {topic.line} 行的主题「{topic.heading}」"
        if page not in anchors:
            suggestion = closest(page, anchors)
            target = suggestion.removeprefix(f"{docs_dir}/") if suggestion else "承接这部分内容的页面（相对于 docs/）"
            findings.append(Finding(MAP_FILE, topic.map_line, 1, "E003",
                                    f"{where}对应的页面 {page} 不存在；页面改名或合并后，请把这一行的 page 改为 {target}。"))
        elif topic.anchor and topic.anchor not in anchors[page]:
            suggestion = closest(topic.anchor, anchors[page])
            tip = f"请把这一行的 anchor 改为「{suggestion}」，或恢复原标题" if suggestion else "请把这一行的 anchor 改为承接这一主题的标题锚点，或恢复原标题"
            findings.append(Finding(MAP_FILE, topic.map_line, 1, "E003",
                                    f"{where}对应 {page}#{topic.anchor}，但这一页已没有这个锚点（标题可能改了名）；{tip}。"))
    return findings
