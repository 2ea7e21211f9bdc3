"""A Textual ``Tree`` that keeps each rendered line for its node, wherever the line moves.

Textual's ``Tree`` caches a rendered line by its line number and clears that cache whenever a
node is expanded, collapsed or added, so every visible line is drawn again (about a quarter of
a millisecond each) even when only one of them changed. On a large course that was most of the
time from pressing enter on a module to seeing it open. Here a line is cached under what it is
drawn from: the node, its label, the guides of its path, cursor and hover, size and styles.
A line that only moved gets the new line number written into its mouse metadata, and the
drawing itself is still Textual's: a miss calls ``Tree._render_line``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import TextType
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree

T = TypeVar("T")

# Enough for every line a learner scrolls past between two restyles on a large course.
CACHE_LINES = 4096


class NodeCachedTree(Tree[T], Generic[T]):
    """``Tree`` with its rendered lines cached by node rather than by line number."""

    def __init__(
        self,
        label: TextType,
        data: T | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        self._node_lines: LRUCache[tuple[object, ...], tuple[int, Strip]] = LRUCache(CACHE_LINES)
        # Set for the length of one render_lines pass (see there).
        self._pass_style: Style | None = None
        self._pass_key: tuple[object, ...] | None = None
        super().__init__(label, data, name=name, id=id, classes=classes, disabled=disabled)

    def clear(self) -> NodeCachedTree[T]:
        # Node ids start again from zero after a clear, so cached lines could be mistaken.
        self._node_lines.clear()
        super().clear()
        return self

    def notify_style_update(self) -> None:
        self._node_lines.clear()
        super().notify_style_update()

    def _on_resize(self, event: events.Resize) -> None:
        self._node_lines.clear()
        super()._on_resize(event)

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of one pass shares is worked out once: Tree.render_line alone
        # asks for the widget's style per line, a walk up the DOM.
        self._pass_style = self.rich_style
        self._pass_key = self._shared_key(self._pass_style)
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = self._pass_key = None

    def _shared_key(self, base_style: Style) -> tuple[object, ...]:
        """The parts of a line's cache key that are the same for every line."""
        return (
            base_style,
            self.hover_line >= 0,
            self.scrollable_content_region.width,
            # Lines are padded to this; the deepest open line does not move the others.
            max(self.virtual_size.width, self.size.width),
            self.get_pseudo_class_state(),
            self.show_guides,
            self.guide_depth,
        )

    def render_line(self, y: int) -> Strip:
        if self._pass_style is None:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        return self._render_line(
            y + scroll_y, scroll_x, scroll_x + self.size.width, self._pass_style
        )

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        tree_lines = self._tree_lines
        if y >= len(tree_lines):
            return super()._render_line(y, x1, x2, base_style)
        line = tree_lines[y]
        path = line.path
        node = path[-1]
        shared = self._pass_key if self._pass_key is not None else self._shared_key(base_style)
        key = (
            shared,
            node._id,
            # The root's count moves on every rebuild of the lines, so only its own line
            # follows it; everyone else's label, expansion, hover and cursor bump their own.
            node._updates,
            # Guides: each ancestor's place among its siblings, and hover/cursor on the path.
            tuple((n._hover_, n._selected_, n.is_last) for n in path),
            line.last,
            self.hover_line == y,
            self.cursor_line == y,
            x1,
            x2,
        )
        cached = self._node_lines.get(key)
        if cached is None:
            strip = super()._render_line(y, x1, x2, base_style)
        else:
            drawn_at, strip = cached
            if drawn_at == y:
                return strip
            # Clicks and hover find their line through this metadata.
            line_meta = Style.from_meta({"line": y})
            strip = Strip(Segment.apply_style(strip, post_style=line_meta), strip.cell_length)
        self._node_lines[key] = (y, strip)
        return strip
