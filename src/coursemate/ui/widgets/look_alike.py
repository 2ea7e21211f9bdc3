"""Which titles in the tree start alike, kept up to date as items are added.

A shortened label shows where its title parts from any other, different title in the tree
(``syllabus_tree.shorten_apart``). Titles are added a module at a time as the tree expands
lazily, so this is incremental: a new title is placed in sorted order and only it and its two
sorted neighbours are looked at again. Among sorted strings the longest start a title shares
with any other is the one it shares with a neighbour, and a new neighbour only ever shares
more, so nothing else can change. No Textual here: ids are whatever the tree uses.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable
from typing import Generic, TypeVar

Item = TypeVar("Item", bound=Hashable)


def common_start(first: str, second: str) -> int:
    """How many characters ``first`` and ``second`` share at their start."""
    for i, (a, b) in enumerate(zip(first, second, strict=False)):
        if a != b:
            return i
    return min(len(first), len(second))


class LookAlikes(Generic[Item]):
    """Titles by id; for each, the length of the longest start it shares with another,
    different title."""

    def __init__(self) -> None:
        self._titles: list[str] = []  # distinct titles, sorted
        self._ids: dict[str, list[Item]] = {}  # title -> the ids that have it
        self._title_of: dict[Item, str] = {}
        self._shared: dict[str, int] = {}  # title -> characters shared with its nearest

    def add(self, title: str, item: Item) -> list[Item]:
        """Add ``item`` with ``title``; return the other ids whose figure changed."""
        self._title_of[item] = title
        holders = self._ids.get(title)
        if holders is not None:
            holders.append(item)
            return []
        self._ids[title] = [item]
        titles = self._titles
        at = bisect_left(titles, title)
        titles.insert(at, title)
        neighbours = [titles[i] for i in (at - 1, at + 1) if 0 <= i < len(titles)]
        self._shared[title] = max((common_start(title, n) for n in neighbours), default=0)
        moved: list[Item] = []
        for other in neighbours:
            figure = common_start(title, other)
            if figure > self._shared.get(other, 0):
                self._shared[other] = figure
                moved.extend(self._ids[other])
        return moved

    def shared(self, item: Item) -> int:
        title = self._title_of.get(item)
        return 0 if title is None else self._shared.get(title, 0)
