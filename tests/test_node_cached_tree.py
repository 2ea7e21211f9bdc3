"""The syllabus tree caches rendered lines by node: it must draw exactly what Textual's Tree
draws, and a line that moved must still answer clicks for its new place."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from coursemate.course.model import Module
from coursemate.ui.widgets.syllabus_items import TreeItem
from coursemate.ui.widgets.syllabus_tree import SyllabusTree
from test_app_study import make_app, study, tree_of

Cell = tuple[str, Style | None, dict[str, object]]


def cells(strip: Strip) -> list[Cell]:
    # Metadata is compared as a dict: the same keys merged in another order are equal.
    return [
        (
            seg.text,
            seg.style.clear_meta_and_links() if seg.style else None,
            dict(seg.style.meta) if seg.style else {},
        )
        for seg in strip
    ]


def drawn(tree: SyllabusTree) -> list[list[Cell]]:
    return [cells(tree.render_line(y)) for y in range(tree.size.height)]


def textual_draws(tree: SyllabusTree) -> list[list[Cell]]:
    """What Textual's own Tree draws for the same state, with its cache emptied."""
    tree._line_cache.clear()
    scroll_x, scroll_y = tree.scroll_offset
    width = tree.size.width
    return [
        cells(Tree._render_line(tree, y + scroll_y, scroll_x, scroll_x + width, tree.rich_style))
        for y in range(tree.size.height)
    ]


def module_node(tree: SyllabusTree, number: int) -> TreeNode[TreeItem]:
    for node in tree.root.children:
        if isinstance(node.data, Module) and node.data.number == number:
            return node
    raise AssertionError(f"no module {number}")


def module_line(tree: SyllabusTree, number: int) -> int:
    return module_node(tree, number).line


async def test_cached_lines_match_textual_through_a_session(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        tree.move_cursor(module_node(tree, 1))
        tree.focus()
        await pilot.pause()
        assert drawn(tree) == textual_draws(tree)
        before = tree._node_lines.hits

        steps = [
            ("enter", "expand module 1 (everything below moves down)"),
            ("down", "cursor onto its first resource"),
            ("space", "tick it done (label and module count change)"),
            ("up", "cursor back onto the module"),
            ("left", "collapse it (everything moves back up)"),
            ("end", "cursor to the last module (scrolled)"),
            ("home", "and back"),
        ]
        for key, what in steps:
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            assert drawn(tree) == textual_draws(tree), what
        assert tree._node_lines.hits > before, "moved lines should come from the cache"

        tree.hover_line = module_line(tree, 3)
        await pilot.pause()
        assert drawn(tree) == textual_draws(tree), "hover"

        tree.blur()
        await pilot.pause()
        assert drawn(tree) == textual_draws(tree), "tree not focused"

        tree.focus()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        assert drawn(tree) == textual_draws(tree), "theme changed"

        # Filtering rebuilds the tree, and node ids start again from zero.
        await pilot.press("slash", *"value")
        await pilot.pause()
        await pilot.pause()
        assert len(tree.root.children) < 9
        assert drawn(tree) == textual_draws(tree), "filtered"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert len(tree.root.children) == 9
        assert drawn(tree) == textual_draws(tree), "filter cleared"

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert drawn(tree) == textual_draws(tree), "terminal resized"


async def test_click_on_a_line_that_moved(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        tree.focus()
        await pilot.pause()
        old_line = module_line(tree, 3)
        # Expanding module 1 pushes module 3 down; its line is drawn from the cache.
        tree.move_cursor(module_node(tree, 1))
        await pilot.press("enter")
        await pilot.pause()
        new_line = module_line(tree, 3)
        assert new_line > old_line
        row = new_line - tree.scroll_offset.y
        # What the mouse finds there is what a click or hover acts on.
        region = tree.content_region
        assert app.screen.get_style_at(region.x + 10, region.y + row).meta["line"] == new_line
        await pilot.click(SyllabusTree, offset=(10, row))
        await pilot.pause()
        assert isinstance(tree.cursor_item, Module) and tree.cursor_item.number == 3
