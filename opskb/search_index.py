"""Material's search, mended for Chinese readers: the published index and the query segmenter."""

from __future__ import annotations

import json
import re
from typing import Any

# Material 9.8's worker splits a Chinese query into words it finds in the index, but its loop
# (`for (let j = i + 1; j < query.length; j++)`) never tries a word that ends the query, so
# 用户生命周期 is searched as 用户 alone and 客户价值 as 客户. Let the slice reach the end.
_SEGMENT_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(=?)(\w+)\.length;\1\+\+\)\4\.slice\(\2,\1\)in ")


def merge_page_intros(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold each page's H1 section into the page's own (empty) entry.

    Material indexes a page as an empty entry plus one entry per heading, the H1 included, so the
    top result for a word of a page's introduction linked the page without highlighting the word.
    Every page starts with its H1 (rule H003), so the entry right after a page is its H1 section.
    """
    merged: list[dict[str, Any]] = []
    position = 0
    while position < len(docs):
        doc = dict(docs[position])
        following = docs[position + 1] if position + 1 < len(docs) else None
        if "#" not in doc["location"] and following and following["location"].startswith(doc["location"] + "#"):
            doc["text"] = " ".join(part for part in (doc["text"], following["text"]) if part)
            position += 1
        merged.append(doc)
        position += 1
    return merged


def rewrite(index_json: str) -> str:
    """Merge page intros and write Chinese as UTF-8 (3 bytes a Han character instead of a 6-byte escape)."""
    index = json.loads(index_json)
    index["docs"] = merge_page_intros(index["docs"])
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def patch_worker(script: str) -> str | None:
    """The search worker with its query segmenter fixed (again a no-op); None if the loop is not found.

    `mkdocs serve --dirty` may leave an already patched worker in place: that is not an error.
    """
    loops = list(_SEGMENT_LOOP.finditer(script))
    if len(loops) != 1:
        return None
    loop = loops[0]
    if loop.group(3):
        return script
    fixed = loop.group(0).replace(f"{loop.group(1)}<", f"{loop.group(1)}<=", 1)
    return script[: loop.start()] + fixed + script[loop.end() :]
