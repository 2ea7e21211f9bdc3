"""On the study screen: ``s`` opens the status picker (never a silent cycle), and the footer
says "Unchoose" on a chosen experiment, "Choose" on one not chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.widgets import OptionList

from coursemate.ui.screens.status_picker import StatusPicker
from helpers import COURSE_ID, go, make_app, store_on_disk, study, tree_of


def footer(screen: Screen[Any]) -> dict[str, str]:
    """What the footer shows: action -> its description."""
    return {
        key.action: key.description  # type: ignore[attr-defined]
        for key in screen.query("FooterKey")
    }


async def test_the_footer_says_unchoose_on_a_chosen_experiment(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("right", "down")
        await pilot.pause()
        shown = footer(screen)
        assert shown.get("toggle_chosen") == "Choose" and "unchoose" not in shown
        await pilot.press("space")
        await pilot.pause()
        shown = footer(screen)
        assert shown.get("unchoose") == "Unchoose" and "toggle_chosen" not in shown
        key = tree_of(screen).cursor_item.key  # type: ignore[union-attr]
        assert app.store is not None and app.store.is_chosen(COURSE_ID, key)
        await pilot.press("space")  # what the footer said: unchosen
        await pilot.pause()
        assert not app.store.is_chosen(COURSE_ID, key)
        assert footer(screen).get("toggle_chosen") == "Choose"


async def test_s_on_done_then_escape_keeps_done(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m1/a")
        await pilot.press("right", "down", "space", "s")
        picker = app.screen
        assert isinstance(picker, StatusPicker)
        options = picker.query_one(OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "planned"
        await pilot.press("down", "down", "enter")  # planned -> running -> done
        key = tree_of(screen).cursor_item.key  # type: ignore[union-attr]
        assert app.store is not None
        assert app.store.experiment(COURSE_ID, key).status == "done"  # type: ignore[union-attr]
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, StatusPicker)
        highlighted = picker.query_one(OptionList).highlighted_option
        assert highlighted is not None and highlighted.id == "done"
        await pilot.press("escape", "s", "escape")  # stray presses change nothing
        assert app.screen is screen
        assert app.store.experiment(COURSE_ID, key).status == "done"  # type: ignore[union-attr]
        await pilot.press("q")
    assert store_on_disk(tmp_path).experiment(COURSE_ID, key).status == "done"  # type: ignore[union-attr]
