"""SVG snapshots of the reading plan and of the header with its countdown (80×24, 120×40).

Update after an intended change with ``pytest tests/test_plan_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from coursemate.ui.screens.plan import PlanScreen
from helpers import FIRST, go, make_app, study, until_screen

SnapCompare = Callable[..., bool]
BEFORE = date(2025, 11, 2)  # five days before the reference course


def on_plan(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """The study screen with the first resource read, then the plan and ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await study(pilot)
        await go(pilot, screen, FIRST)
        await pilot.press("space", "P")
        await until_screen(pilot, PlanScreen)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return run_before


async def on_study(pilot: Pilot[Any]) -> None:
    screen = await study(pilot)
    await go(pilot, screen, FIRST)
    await pilot.press("space")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_plan_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    run = on_plan("m", "3", "0", "enter")
    assert snap_compare(app, terminal_size=(120, 40), run_before=run)


def test_plan_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(tmp_path, today=BEFORE), terminal_size=(80, 24), run_before=on_plan()
    )


def test_header_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    assert snap_compare(app, terminal_size=(120, 40), run_before=on_study)


def test_header_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = make_app(tmp_path, today=BEFORE)
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_study)
