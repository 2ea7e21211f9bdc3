"""The syllabus tree caches rendered lines by node: it must draw exactly what Textual's Tree
draws, and a line that moved must still answer clicks for its new place. The cache relies on
private Textual API: it is pinned, and without it the tree draws as a plain Tree."""

from __future__ import annotations

import logging
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import textual.cache
from rich.style import Style
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from coursemate.course.model import Module
from coursemate.ui.widgets import node_cached_tree
from coursemate.ui.widgets.node_cached_tree import (
    PRIVATE_API,
    TEXTUAL_VERIFIED,
    missing_private_api,
)
from coursemate.ui.widgets.syllabus_items import TreeItem
from coursemate.ui.widgets.syllabus_tree import SyllabusTree
from helpers import EBM, REPO, make_app, study, tree_of

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


async def session_draws_what_textual_draws(pilot: Pilot[int], tree: SyllabusTree) -> None:
    """Expand, tick, collapse, scroll, hover, blur, restyle, filter and resize, comparing every
    drawn line with Textual's own after each step."""
    app = pilot.app
    tree.move_cursor(module_node(tree, 1))
    tree.focus()
    await pilot.pause()
    assert drawn(tree) == textual_draws(tree)

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


async def test_cached_lines_match_textual_through_a_session(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        assert tree.caches_lines
        assert tree._node_lines is not None
        before = tree._node_lines.hits
        await session_draws_what_textual_draws(pilot, tree)
        assert tree._node_lines.hits > before, "moved lines should come from the cache"


def test_textual_is_the_version_the_tree_cache_was_verified_against() -> None:
    redo = (
        "re-verify the private Textual names listed at the top of "
        "src/coursemate/ui/widgets/node_cached_tree.py against the new textual/widgets/_tree.py "
        "and run tests/test_node_cached_tree.py, then set TEXTUAL_VERIFIED there and the "
        "textual pin in pyproject.toml to the new version together"
    )
    installed = version("textual")
    assert installed == TEXTUAL_VERIFIED, (
        f"Textual {installed} is installed, but the tree line cache was verified against "
        f"{TEXTUAL_VERIFIED}: {redo}"
    )
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("textual")]
    assert pins == [f"textual=={TEXTUAL_VERIFIED}"], f"pyproject.toml pins {pins}: {redo}"


def test_installed_textual_has_every_private_name_the_cache_uses() -> None:
    assert missing_private_api(Tree("course")) == []


@pytest.mark.parametrize("remove", ["LRUCache", "a node attribute"])
async def test_without_private_api_the_tree_draws_as_textual(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    remove: str,
) -> None:
    if remove == "LRUCache":
        # Tree holds its own reference to LRUCache; only the cache looks it up here.
        monkeypatch.delattr(textual.cache, "LRUCache")
        gone = "textual.cache.LRUCache"
    else:
        # As if a later Textual renamed what the cache keys a node's changes on.
        gone = "TreeNode._changes"
        monkeypatch.setattr(node_cached_tree, "PRIVATE_API", (*PRIVATE_API, gone))
    # The check is made once per process; make it again for this Textual.
    monkeypatch.setattr(node_cached_tree, "_missing", None)
    caplog.set_level(logging.WARNING, logger=node_cached_tree.__name__)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        assert not tree.caches_lines
        await session_draws_what_textual_draws(pilot, tree)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert gone in warnings[0] and TEXTUAL_VERIFIED in warnings[0]


async def test_lay_out_lines_numbers_the_lines_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        module = module_node(tree, 3)
        assert not module.is_expanded
        node = tree.node_for(EBM)  # builds module 3's children and expands it
        assert node is not None
        # Textual numbers new lines only when it next needs them (on idle, or a draw).
        assert node.line == -1
        tree.lay_out_lines()
        assert node.line == module.line + 1 + module.children.index(node)


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
