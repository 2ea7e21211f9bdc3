"""SVG snapshots of the study screen (80×24 and 120×40) and of each screen it opens.

Update after an intended change with ``pytest tests/test_study_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from helpers import FIRST, SECOND, make_app, study, tree_of

SnapCompare = Callable[..., bool]


def after(*keys: str, reveal: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the study screen, optionally move to an item, then press keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await study(pilot)
        if reveal is not None:
            tree_of(screen).reveal(reveal)
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_main_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = after("space", "down", "space", "up", "up", "up", reveal=FIRST)
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=run)


def test_main_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = after("space", "down", reveal=FIRST)
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=run)


def test_reading_list(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = after("space", "r", "down", "down", reveal=SECOND)
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=run)


def test_help(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=after("f1"))


def test_note_editor(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = after("e", *"Watch with the team", reveal=SECOND)
    assert snap_compare(make_app(tmp_path), terminal_size=(100, 30), run_before=run)


def test_filter(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = after("slash", *"guide")
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=run)


def test_error_screen(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative path keeps the temporary directory out of the picture.
    monkeypatch.chdir(tmp_path)
    Path("broken.md").write_text(
        "---\ntitle: Broken\nsyllabus:\n  - id: 1\n    title: a: b\n---\n", encoding="utf-8"
    )
    app = make_app(tmp_path, course=Path("broken.md"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)
