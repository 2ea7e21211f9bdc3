"""Bounded YAML loading for untrusted course files.

PyYAML shares one Python object per anchor, so a "billion laughs" document is cheap to
construct but explodes when anything walks it (``repr``, our reader, a JSON dump). We compose
the node graph first, measure its size *as if every alias were expanded* (memoised per node,
so the measurement itself is linear), and refuse documents past the bound before
constructing anything. A document without anchors cannot expand, so the measurement is
skipped for it: that keeps large honest courses fast.

The composed node graph is kept so problems found later can be pinned to a line and column
(``locate``).

A timestamp that is not a real date (``2025-11-31``, ``2025-13-45T09:00``) would make PyYAML
refuse the whole document; it is kept as text instead (a ``BadDate``, which knows where it
was written), so one typo in a session time is a warning on that field, not a refused course.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

# The C loader is ~10x faster; the pure-Python one is the fallback when PyYAML was built
# without libyaml.
_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = (
    yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
)

# Expanded nodes allowed: at least this many, or one per character of the document (a
# document without aliases cannot have more nodes than characters, so honest files always pass).
MAX_EXPANDED_NODES = 200_000

# An anchor (``&name``) can only start a node: at the start of the text or after whitespace
# or flow punctuation. No anchor means no aliases. False positives (``Q &A``) only cost the
# measurement. (Searching for ``&`` first is ~50x faster than one regex with a look-behind.)
_AMPERSAND = re.compile(r"&[^\s\[\]{},]")
_BEFORE_ANCHOR = frozenset(" \t\r\n[{,")
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


class YamlTooLarge(Exception):
    """The document would expand past its node bound."""


class BadDate(str):
    """A timestamp-looking scalar that is no real date, kept as written.

    ``line``/``column`` are 0-based in the YAML text; ``reported`` is set once a field has
    warned about it, so the reader's sweep of unreported ones does not say it twice.
    """

    line: int
    column: int
    reported: bool


@dataclass(frozen=True, slots=True)
class Document:
    data: Any
    root: yaml.Node | None
    bad_dates: tuple[BadDate, ...] = ()


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _timestamp_or_text(found: list[BadDate]) -> Any:
    def construct(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):  # "2025-02-30", an offset of 25 hours...
            text = BadDate(node.value)
            text.line, text.column = node.start_mark.line, node.start_mark.column
            text.reported = False
            found.append(text)
            return text

    return construct


def _expanded_size(root: yaml.Node, limit: int) -> int:
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # entered, not yet sized: the path from the root
    # Iterative post-order walk: deep nesting must not hit Python's recursion limit.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in open_nodes:
            raise YamlTooLarge(limit + 1)  # an alias inside its own anchor expands forever
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = [part for pair in node.value for part in pair]
        if children_done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > limit:
                raise YamlTooLarge(total)
            sizes[id(node)] = total
            open_nodes.discard(id(node))
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _may_have_anchors(text: str) -> bool:
    return any(
        m.start() == 0 or text[m.start() - 1] in _BEFORE_ANCHOR for m in _AMPERSAND.finditer(text)
    )


def load_document(text: str, limit: int | None = None) -> Document:
    """Parse one YAML document safely; raises ``yaml.YAMLError`` or ``YamlTooLarge``."""
    bound = limit if limit is not None else max(MAX_EXPANDED_NODES, len(text))
    loader = _Loader(text)
    bad_dates: list[BadDate] = []
    # Per loader, not on the class: ``_Loader`` stays the stock (C) loader. The stubs call the
    # table a class variable, but PyYAML looks it up on the instance, which is what we rely on.
    loader.yaml_constructors = {  # type: ignore[misc]
        **loader.yaml_constructors,
        _TIMESTAMP_TAG: _timestamp_or_text(bad_dates),
    }
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, None)
        if limit is not None or _may_have_anchors(text):
            _expanded_size(node, bound)
        try:
            data = loader.construct_document(node)
        except (ValueError, OverflowError, AttributeError, KeyError, TypeError) as exc:
            # PyYAML's scalar constructors fail like this on a malformed value ("!!int abc",
            # "!!timestamp soon", "!!bool maybe"); the node being built is the last one entered.
            bad = next(reversed(getattr(loader, "recursive_objects", {})), None)
            kind = bad.tag.rsplit(":", 1)[-1] if bad is not None else "value"
            reason = f": {exc}" if isinstance(exc, ValueError | OverflowError) else ""
            mark = bad.start_mark if bad is not None else None
            raise yaml.constructor.ConstructorError(
                None, None, f"not a valid {kind}{reason}", mark
            ) from None
        return Document(data, node, tuple(bad_dates))
    finally:
        loader.dispose()


def locate(root: yaml.Node | None, path: str, *, at_key: bool = False) -> tuple[int, int] | None:
    """0-based (line, column) of the node at a field path such as ``syllabus[2].title``.

    Follows the path as far as the document goes, so a missing field points at the
    mapping that lacks it. None when not even the first step exists. With ``at_key``, a
    path that ends in a key points at that key rather than its value (a value in block
    style starts on the next line).
    """
    if root is None:
        return None
    node: yaml.Node = root
    key_node: yaml.Node | None = None
    found = False
    for match in _PATH_PART.finditer(path):
        index, key = match.groups()
        child: yaml.Node | None = None
        key_node = None
        if index is not None and isinstance(node, yaml.SequenceNode):
            i = int(index)
            child = node.value[i] if i < len(node.value) else None
        elif key is not None and isinstance(node, yaml.MappingNode):
            key_node, child = next(
                ((k, v) for k, v in reversed(node.value) if getattr(k, "value", None) == key),
                (None, None),
            )
        if child is None:
            break
        node, found = child, True
    if not found:
        return None
    if at_key and key_node is not None:
        node = key_node
    return node.start_mark.line, node.start_mark.column
