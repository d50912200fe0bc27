"""Every heading and every sentence of the source notes has a place in the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

SEED = Path(__file__).parent / "fixtures" / "seed-notes.md"
MAP = Path(__file__).parent / "fixtures" / "seed-map.yml"
md = MarkdownIt("commonmark")


def seed_headings() -> list[tuple[int, str]]:
    tokens = md.parse(SEED.read_text(encoding="utf-8"))
    return [
        (tok.map[0] + 1, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.map
    ]


def seed_sentences() -> list[str]:
    """The notes' own text: every paragraph, split into sentences at 。 or ？."""
    tokens = md.parse(SEED.read_text(encoding="utf-8"))
    sentences: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tokens[i - 1].type == "paragraph_open" and not tok.content.startswith("!["):
            sentences += [s for s in re.split(r"(?<=[。？])", tok.content) if s.strip()]
    return sentences


def squash(text: str) -> str:
    """Compare text ignoring spacing (the site adds CJK–Latin spaces) and comma width."""
    return re.sub(r"\s+", "", text).replace(",", "，")


def test_every_heading_of_the_notes_is_mapped_once() -> None:
    mapping = yaml.safe_load(MAP.read_text(encoding="utf-8"))
    assert [(m["line"], m["heading"]) for m in mapping] == seed_headings()
    assert len(mapping) == 54


def test_every_mapped_target_exists_in_the_build(site: Path) -> None:
    for entry in yaml.safe_load(MAP.read_text(encoding="utf-8")):
        page = entry["page"].removesuffix(".md")
        html_path = site / page.removesuffix("/index") / "index.html" if page.endswith("index") else site / page / "index.html"
        assert html_path.is_file(), f"line {entry['line']}: {entry['page']} was not built"
        if entry["anchor"]:
            html = html_path.read_text(encoding="utf-8")
            assert f'id="{entry["anchor"]}"' in html, f"line {entry['line']}: no #{entry['anchor']} in {entry['page']}"


@pytest.mark.parametrize("sentence", seed_sentences())
def test_every_sentence_of_the_notes_is_kept(root: Path, sentence: str) -> None:
    pages = "".join(squash(p.read_text(encoding="utf-8")) for p in sorted((root / "docs").rglob("*.md")))
    assert squash(sentence) in pages, f"the notes' sentence is missing from docs/: {sentence}"
