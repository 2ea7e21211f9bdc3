"""A Textual ``Tree`` that keeps each rendered line for its node, wherever the line moves.

Textual's ``Tree`` caches a rendered line by its line number and clears that cache whenever a
node is expanded, collapsed or added, so every visible line is drawn again (about a quarter of
a millisecond each) even when only one of them changed. On a large course that was most of the
time from pressing enter on a module to seeing it open. Here a line is cached under what it is
drawn from: the node, its label, the guides of its path, cursor and hover, size and styles.
A line that only moved gets the new line number written into its mouse metadata, and the
drawing itself is still Textual's: a miss calls ``Tree._render_line``.

Private Textual API
-------------------
This is the only module of coursemate that uses Textual's private API. It was verified against
Textual ``TEXTUAL_VERIFIED`` (8.2.8), which pyproject.toml pins exactly. It uses:

- ``Tree._render_line(y, x1, x2, base_style)``: overridden; a cache miss draws through it.
- ``Tree._tree_lines``: the laid-out lines, each a ``_TreeLine`` with ``path`` (root to
  node) and ``last`` (the node is its parent's last child).
- ``TreeNode._id``, ``TreeNode._updates`` (bumped on any change to how the node looks),
  ``TreeNode._hover_`` and ``TreeNode._selected_``: parts of a line's cache key.
- ``textual.cache.LRUCache`` (``get``, item assignment, ``clear``, ``hits``).
- ``Tree.last_line`` is public, but ``lay_out_lines`` relies on reading it laying the lines
  out at once (it reads ``_tree_lines``, which builds them when they are stale).

Its tests also call ``Tree._render_line`` with ``Tree._line_cache`` emptied, to get what
Textual itself draws.

``PRIVATE_API`` lists these names. The first tree made checks them once; if one is missing it
logs a warning and every ``NodeCachedTree`` draws exactly as a plain ``Tree`` (slower on a
large course, never wrong).

Bumping Textual, on purpose: read the new ``textual/widgets/_tree.py`` against the list above
-- that every change to how a line looks still bumps its node's ``_updates`` or is another
part of the key in ``_render_line`` here, and that ``_render_line`` still draws one line --
then run ``tests/test_node_cached_tree.py``, which compares every drawn line with Textual's
own through a session. Then set ``TEXTUAL_VERIFIED`` and the pin in pyproject.toml together.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import textual
from rich.segment import Segment
from rich.style import Style
from rich.text import TextType
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree

if TYPE_CHECKING:
    from textual import events
    from textual.cache import LRUCache

T = TypeVar("T")

TEXTUAL_VERIFIED = "8.2.8"

# Owner-qualified names; "_TreeLine" means the dataclass field, "TreeNode" an attribute of a
# node, "Tree" an attribute of the Tree class, anything else a module attribute.
PRIVATE_API: tuple[str, ...] = (
    "Tree._render_line",
    "Tree._tree_lines",
    "_TreeLine.path",
    "_TreeLine.last",
    "TreeNode._id",
    "TreeNode._updates",
    "TreeNode._hover_",
    "TreeNode._selected_",
    "textual.cache.LRUCache",
)

# Enough for every line a learner scrolls past between two restyles on a large course.
CACHE_LINES = 4096

log = logging.getLogger(__name__)

# What missing_private_api found, worked out once per process (None: not yet checked).
_missing: list[str] | None = None


def missing_private_api(tree: Tree[object]) -> list[str]:
    """The names of ``PRIVATE_API`` that the installed Textual lacks; ``tree`` lends a node."""
    # Tree is defined in the private module that also holds _TreeLine.
    line_class = getattr(sys.modules[Tree.__module__], "_TreeLine", None)
    line_fields = {f.name for f in fields(line_class)} if is_dataclass(line_class) else set()

    def has(name: str) -> bool:
        owner, _, attribute = name.rpartition(".")
        if owner == "Tree":
            return hasattr(Tree, attribute)
        if owner == "TreeNode":
            return hasattr(tree.root, attribute)
        if owner == "_TreeLine":
            return attribute in line_fields
        try:
            return hasattr(importlib.import_module(owner), attribute)
        except ImportError:
            return False

    return [name for name in PRIVATE_API if not has(name)]


def _line_cache_for(tree: Tree[Any]) -> LRUCache[tuple[object, ...], tuple[int, Strip]] | None:
    """A new line cache, or None when this Textual lacks what the cache relies on."""
    global _missing
    if _missing is None:
        _missing = missing_private_api(tree)
        if _missing:
            log.warning(
                "Textual %s lacks %s (coursemate verified its tree line cache against "
                "Textual %s): its trees draw as plain Textual trees, slower on a large course.",
                textual.__version__,
                ", ".join(_missing),
                TEXTUAL_VERIFIED,
            )
    if _missing:
        return None
    from textual.cache import LRUCache

    return LRUCache(CACHE_LINES)


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
        # None until the check below, and for good when the private API is missing.
        self._node_lines: LRUCache[tuple[object, ...], tuple[int, Strip]] | None = None
        # Set for the length of one render_lines pass (see there).
        self._pass_style: Style | None = None
        self._pass_key: tuple[object, ...] | None = None
        super().__init__(label, data, name=name, id=id, classes=classes, disabled=disabled)
        self._node_lines = _line_cache_for(self)

    @property
    def caches_lines(self) -> bool:
        """False when this Textual lacks what the cache needs and the tree draws as ``Tree``."""
        return self._node_lines is not None

    def lay_out_lines(self) -> None:
        """Lay the lines out now rather than on the next idle, so ``node.line`` and cursor moves
        are exact straight after nodes were added or expanded."""
        _ = self.last_line

    def clear(self) -> NodeCachedTree[T]:
        # Node ids start again from zero after a clear, so cached lines could be mistaken.
        if self._node_lines is not None:
            self._node_lines.clear()
        super().clear()
        return self

    def notify_style_update(self) -> None:
        if self._node_lines is not None:
            self._node_lines.clear()
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        # Tree's own resize handler runs as well: Textual calls one per class of the MRO.
        if self._node_lines is not None:
            self._node_lines.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._node_lines is None:
            return super().render_lines(crop)
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
        node_lines = self._node_lines
        if node_lines is None:
            return super()._render_line(y, x1, x2, base_style)
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
        cached = node_lines.get(key)
        if cached is None:
            strip = super()._render_line(y, x1, x2, base_style)
        else:
            drawn_at, strip = cached
            if drawn_at == y:
                return strip
            # Clicks and hover find their line through this metadata.
            line_meta = Style.from_meta({"line": y})
            strip = Strip(Segment.apply_style(strip, post_style=line_meta), strip.cell_length)
        node_lines[key] = (y, strip)
        return strip
