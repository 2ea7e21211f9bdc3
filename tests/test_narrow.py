"""At 80×24: the tree never shows two different items alike, and the footer always keeps
quit and help (with "More keys" when other keys had to go)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Footer

from coursemate.course.model import Module
from coursemate.course.reader import load_course
from coursemate.ui.app import CoursemateApp
from coursemate.ui.screens.study import StudyScreen
from coursemate.ui.widgets.syllabus_items import walk_items
from coursemate.ui.widgets.syllabus_tree import SyllabusTree
from helpers import FIRST, REFERENCE, go, make_app, study, tree_of

SMALL = (80, 24)
_EXPANDER = re.compile(r"^[▼▶] ")
_NUMBER = re.compile(r"^\d+ ")


def expand_everything(tree: SyllabusTree) -> None:
    """Every module and assignment open (building what holds an item opens it)."""
    for key, _item in walk_items(tree.course):
        tree.node_for(key)
    tree.lay_out_lines()


async def shown_lines(pilot: Pilot[int], tree: SyllabusTree) -> list[tuple[str, str]]:
    """Every line of the tree as the terminal shows it, scrolled into view page by page,
    without its guides: (what the line shows of the item's title, the item's full label)."""
    seen: list[tuple[str, str]] = []
    height = tree.scrollable_content_region.height
    for top in range(0, tree.last_line + 1, height):
        tree.scroll_to(y=top, animate=False)
        await pilot.pause()
        strips = tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))
        for row, strip in enumerate(strips):
            line = int(tree.scroll_offset.y) + row
            node = tree.get_node_at_line(line)
            if node is None or node is tree.root or line < top:
                continue
            depth = 0
            parent = node.parent
            while parent is not None:
                depth, parent = depth + 1, parent.parent
            text = strip.text[depth * tree.guide_depth :].rstrip(" ▕▏│")
            text = _EXPANDER.sub("", text.strip())
            if isinstance(node.data, Module):
                text = _NUMBER.sub("", text)  # modules must differ by more than their number
            seen.append((text, str(node.label)))
    return seen


async def assert_all_distinct(app: CoursemateApp) -> int:
    async with app.run_test(size=SMALL) as pilot:
        screen = await study(pilot)
        tree = tree_of(screen)
        expand_everything(tree)
        await pilot.pause()
        lines = await shown_lines(pilot, tree)
        labels: dict[str, str] = {}
        for shown, full in lines:
            other = labels.setdefault(shown, full)
            assert other == full, f"{shown!r} shows both {other!r} and {full!r}"
        return len(lines)


async def test_no_two_items_look_alike_at_80x24_in_the_reference_course(tmp_path: Path) -> None:
    assert await assert_all_distinct(make_app(tmp_path)) > 100


async def test_no_two_items_look_alike_at_80x24_in_the_corpus(
    tmp_path: Path, corpus_dir: Path
) -> None:
    courses = [p for p in sorted(corpus_dir.iterdir()) if p.is_dir()]
    with_modules = [p for p in courses if load_course(p).modules]
    assert len(with_modules) >= 5
    for index, path in enumerate(with_modules):
        await assert_all_distinct(make_app(tmp_path / str(index), course=path))


async def test_module_titles_get_the_room_first_at_80x24(tmp_path: Path) -> None:
    """The short tail keeps counts and ticks, drops minutes; a wide tree keeps everything."""
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        tree = tree_of(await study(pilot))
        lines = await shown_lines(pilot, tree)
        third = next(text for text, full in lines if full.startswith("3 Value"))
        assert third == "Value-Driven Development · 0/6"
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        tree = tree_of(await study(pilot))
        lines = await shown_lines(pilot, tree)
        third = next(text for text, full in lines if full.startswith("3 Value"))
        assert third == "Value-Driven Development · 120 min · 0/6"


# --- the footer ---------------------------------------------------------------------------


def footer_keys(screen: StudyScreen) -> list[tuple[str, str, int, int]]:
    footer = screen.query_one(Footer)
    return [
        (
            str(getattr(key, "key", "")),
            str(getattr(key, "description", "")),
            key.region.x,
            key.region.right,
        )
        for key in footer.children
    ]


def assert_keeps_quit_and_help(screen: StudyScreen, width: int) -> list[str]:
    keys = footer_keys(screen)
    palette_x = min((x for key, _d, x, _r in keys if key == "ctrl+p"), default=width)
    shown = {key: description for key, description, _x, right in keys if right <= palette_x}
    assert "q" in shown, keys
    assert "question_mark" in shown, keys
    for key, _description, _x, right in keys:
        if key != "ctrl+p":
            assert right <= palette_x, f"{key} runs under the palette key or off the edge: {keys}"
    return [shown[key] for key in shown]


@pytest.mark.parametrize("where", ["course", "resource", "chosen experiment"])
async def test_the_footer_keeps_quit_and_help_at_80x24(tmp_path: Path, where: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await study(pilot)
        if where == "resource":
            await go(pilot, screen, FIRST)
        elif where == "chosen experiment":
            module = load_course(REFERENCE).modules[0]
            assert module.assignment is not None
            await go(pilot, screen, module.assignment.experiments[0].key)
            await pilot.press("space", "s")
        await pilot.pause()
        await pilot.pause()
        descriptions = assert_keeps_quit_and_help(screen, SMALL[0])
        assert "More keys" in descriptions  # g, p and C did not fit, at least
        assert "Catch-up" not in descriptions


async def test_a_wide_footer_shows_the_screens_to_open_and_help_as_help(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await pilot.pause()
        descriptions = assert_keeps_quit_and_help(screen, 120)
        assert {"Agenda", "Presenter", "Catch-up", "Help"} <= set(descriptions)
        assert "More keys" not in descriptions
        await pilot.resize_terminal(80, 24)  # narrower: the footer fits itself again
        await pilot.pause()
        await pilot.pause()
        assert "More keys" in assert_keeps_quit_and_help(screen, 80)
