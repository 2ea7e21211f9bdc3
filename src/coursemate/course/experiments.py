"""Splitting an assignment's ``examples`` into experiments, with markdown-it-py.

One experiment per top-level list item (its inline Markdown kept as written); a paragraph
outside any list is one experiment; a YAML list of strings gives one per string.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from coursemate.course import fields

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])(?:\s+|$)")


@functools.cache
def _block_parser() -> MarkdownIt:
    # Only block structure matters here (list items and paragraphs keep their inline Markdown
    # as written), so inline parsing, most of markdown-it's work, is switched off.
    # Imported here: most courses take the fast path below, and the import is ~25 ms of
    # every start-up otherwise.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def parse_experiments(ctx: fields.Context, value: Any, path: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [
            text
            for i, v in enumerate(value)
            if (text := fields.markdown(ctx, v, f"{path}[{i}]").strip())
        ]
    text = fields.markdown(ctx, value, path)
    return split_markdown(text)


# A line that is, on its own, a top-level list item; and a thematic break ("* * *", "- - -")
# that would look like one.
_SIMPLE_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_BREAK = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def split_markdown(text: str) -> list[str]:
    """One experiment per top-level list item, or per paragraph outside a list."""
    lines = text.splitlines()
    if all(_SIMPLE_ITEM.match(ln) and not _BREAK.match(ln) for ln in lines if ln.strip()):
        # The common shape (every line a list item at column 0) means the same in CommonMark
        # whatever the items hold; markdown-it's answer is checked against this in the tests.
        return [item for ln in lines if (item := _SIMPLE_ITEM.sub("", ln, count=1).strip())]
    return split_markdown_commonmark(text)


def split_markdown_commonmark(text: str) -> list[str]:
    lines = text.splitlines()
    tokens = _block_parser().parse(text)
    result: list[str] = []
    depth = 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1 and tok.map:
            start, end = tok.map
            item_lines = lines[start:end]
            item_lines[0] = _MARKER.sub("", item_lines[0], count=1)
            item = " ".join(line.strip() for line in item_lines if line.strip())
            if item:
                result.append(item)
        elif tok.type == "paragraph_open" and depth == 0 and tok.map:
            start, end = tok.map
            para = " ".join(line.strip() for line in lines[start:end] if line.strip())
            if para:
                result.append(para)
    return result
