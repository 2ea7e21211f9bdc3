"""The Plan screen (issue #15, part 3): the schedule in the app; ticking updates it at once,
enter opens the item in the tree, ``m`` marks what fits in the minutes given."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import Static

from coursemate.ui.screens.plan import PlanScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSE_ID,
    FIRST,
    SECOND,
    header_text,
    make_app,
    study,
    top_screen,
    tree_of,
    until_screen,
)

BEFORE = date(2025, 11, 2)


async def open_plan(pilot: Pilot[int]) -> PlanScreen:
    """Wait for the study screen, press P and return the plan."""
    await study(pilot)
    await pilot.press("P")
    return await until_screen(pilot, PlanScreen)


def summary(screen: PlanScreen) -> str:
    return str(screen.query_one("#plan-summary", Static).render())


def row_keys(screen: PlanScreen) -> list[str]:
    return [str(key.value) for key in screen.table.rows]


async def test_P_opens_the_plan_and_a_tick_updates_it_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        plan = await open_plan(pilot)
        assert summary(plan) == "Class 7–8 Nov: 6 days left · 551 min left · 92 min a day"
        assert row_keys(plan)[:2] == [FIRST, SECOND]
        first_day = str(plan.table.get_cell_at(Coordinate(0, 0)))
        assert first_day == "Today · 86 min"
        await pilot.press("space")
        assert app.store is not None and app.store.is_done(COURSE_ID, FIRST)
        assert summary(plan) == "Class 7–8 Nov: 6 days left · 540 min left · 90 min a day"
        assert FIRST not in row_keys(plan)
        assert plan.cursor_key() == SECOND  # the cursor moves on to the next item
        await pilot.press("escape")
        screen = await until_screen(pilot, StudyScreen)
        assert header_text(screen) == "alice  Resources 11/551 min · 1%"


async def test_enter_opens_the_item_in_the_tree(tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        plan = await open_plan(pilot)
        target = row_keys(plan)[-1]  # a module that is not built in the tree yet
        plan.table.move_cursor(row=len(row_keys(plan)) - 1)
        await pilot.press("enter")
        screen = await until_screen(pilot, StudyScreen)
        assert tree_of(screen).cursor_item.key == target  # type: ignore[union-attr]


async def test_minutes_mark_what_fits(tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        plan = await open_plan(pilot)
        await pilot.press("m", "2", "0", "enter")
        assert "▸ fits in 20 min: 3 items, 20 min" in summary(plan)
        titles = [str(plan.table.get_cell_at(Coordinate(row, 2))) for row in range(3)]
        assert titles[0].startswith("▸ What’s Driving") and titles[1].startswith("▸ What is")
        assert not titles[2].startswith("▸")
        await pilot.press("m", "0", "enter")  # refused: nothing changes
        assert "fits in 20 min" in summary(plan)
        assert isinstance(top_screen(app), PlanScreen)


async def test_a_past_class_shows_what_is_left_without_a_schedule(tmp_path: Path) -> None:
    app = make_app(tmp_path, today=date(2025, 12, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        plan = await open_plan(pilot)
        assert summary(plan) == "Class 7–8 Nov has passed: 551 min left"
        assert str(plan.table.get_cell_at(Coordinate(0, 0))) == "Left"
        assert len(row_keys(plan)) == 31


async def test_the_palette_opens_the_plan_and_help_lists_its_keys(tmp_path: Path) -> None:
    from coursemate.ui.screens.help import binding_rows

    app = make_app(tmp_path, today=BEFORE)
    async with app.run_test(size=(120, 40)) as pilot:
        await study(pilot)
        await pilot.press("ctrl+p", *"reading plan")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until_screen(pilot, PlanScreen)
    study_rows = binding_rows([StudyScreen])
    assert ("P", "reading plan: what to read each day until the class") in study_rows
    assert ("N", "previous to do, before the cursor") in study_rows
    plan_rows = dict(binding_rows([PlanScreen]))
    assert plan_rows["space"] == "mark the item done; the plan is worked out again"
    assert plan_rows["m"] == "how many minutes you have: marks what fits"
