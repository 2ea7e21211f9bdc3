"""The Class screen (issue 17): ``coursemate --class DIR``, the palette, the roster's rows,
totals and details, bad folders, and snapshots at 120×40 and 80×24."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from coursemate.course.model import Course
from coursemate.ui.app import CoursemateApp
from coursemate.ui.screens.class_ import ClassScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import (
    COURSEMATE,
    Host,
    Terminal,
    class_learner_file,
    make_app,
    make_class,
    no_traceback,
    run,
    study,
    top_screen,
    tree_state,
    until_screen,
)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stores written a minute apart from 2025-11-08 09:00 UTC: the same stamps (and last
    activity column) on every run."""
    start = datetime(2025, 11, 8, 9, 0, tzinfo=UTC)
    ticks = itertools.count()
    monkeypatch.setattr(
        "coursemate.progress.state.utcnow", lambda: start + timedelta(minutes=next(ticks))
    )
    yield


@pytest.fixture
def folder(tmp_path: Path, course: Course, fixed_clock: None) -> Path:
    return make_class(tmp_path / "class", course)


def text_of(screen: ClassScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def cells(screen: ClassScreen) -> list[list[str]]:
    table: DataTable[object] = screen.query_one("#class-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def until_read(pilot: Pilot[int] | Pilot[None], screen: ClassScreen) -> None:
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if screen.roster is not None or "red" in repr(screen.query_one("#class-summary").render()):
            return
    raise AssertionError("the class was never read")


async def test_class_option_opens_the_roster_and_escape_goes_to_study(
    tmp_path: Path, folder: Path
) -> None:
    before = tree_state(folder)
    app = make_app(tmp_path, class_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await until_screen(pilot, ClassScreen)
        await until_read(pilot, screen)
        rows = cells(screen)
        assert [row[0] for row in rows] == ["Ana María", "Bo", "Chen"]
        assert rows[0][4] == "1/0/1/1" and rows[1][4] == "2/0/0/0" and rows[2][4] == "0/0/0/0"
        assert rows[0][3].startswith("█▂·")  # module 1 done, 2 begun, 3 not
        summary = text_of(screen, "#class-summary")
        assert "3 learners, 2 started" in summary and "Not started (1): Chen" in summary
        assert "3 files skipped (e)" in summary
        await pilot.press("e")
        details = text_of(screen, "#class-details-text")
        assert "2 × Define who your users and buyers are" in details
        assert "dee-other-course.json: holds progress for other courses only" in details
        await pilot.press("escape")
        await until_screen(pilot, StudyScreen)
    assert tree_state(folder) == before


async def class_from_palette(pilot: Pilot[int]) -> tuple[ClassScreen, Input]:
    """The Class screen opened as the palette opens it, asking for a folder; and its field."""
    await study(pilot)
    app = pilot.app
    assert isinstance(app, CoursemateApp)
    app.open_class()
    await pilot.pause()
    screen = top_screen(app)
    assert isinstance(screen, ClassScreen)
    return screen, screen.query_one("#class-folder", Input)


async def test_palette_asks_for_the_folder(tmp_path: Path, folder: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, field = await class_from_palette(pilot)
        assert field.has_focus
        field.value = str(folder)
        await pilot.press("enter")
        await until_read(pilot, screen)
        assert len(cells(screen)) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(top_screen(app), StudyScreen)


async def test_after_a_folder_that_fails_the_next_one_is_typed_into_the_field(
    tmp_path: Path, folder: Path
) -> None:
    """The table kept the focus after a failed read: "/home/me/class" typed next went to the
    screen's keys ("e" showed the details) and never into the field."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, field = await class_from_palette(pilot)
        field.value = str(tmp_path / "missing")
        await pilot.press("enter")
        await until_read(pilot, screen)
        assert field.has_focus
        await pilot.press("ctrl+a", "ctrl+k", *str(folder), "enter")
        assert field.value == str(folder)
        assert screen.query_one("#class-table").display
        await until_read(pilot, screen)
        assert len(cells(screen)) == 3


async def test_palette_lists_the_class_view(tmp_path: Path) -> None:
    from coursemate.ui.commands import CourseCommands

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await study(pilot)
        provider = CourseCommands(screen)
        names = [name for name, _help, _callback in provider.commands()]
        assert "Class view" in names


async def test_a_folder_without_learners_says_so(tmp_path: Path, course: Course) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello")
    app = Host(lambda: ClassScreen(course, empty))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = top_screen(app)
        assert isinstance(screen, ClassScreen)
        await until_read(pilot, screen)
        summary = text_of(screen, "#class-summary")
        assert summary.startswith("no learner progress for Professional Scrum Product Owner")
        assert cells(screen) == [] and screen.roster is None


async def test_learner_text_is_shown_literally(tmp_path: Path, course: Course) -> None:
    folder = tmp_path / "class"
    class_learner_file(folder, course, "[bold red]Mallory[/] \x1b[2J")
    app = Host(lambda: ClassScreen(course, folder))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = top_screen(app)
        assert isinstance(screen, ClassScreen)
        await until_read(pilot, screen)
        assert cells(screen)[0][0] == "[bold red]Mallory[/]"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_class_screen_snapshot(
    snap_compare: Callable[..., bool], course: Course, folder: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = top_screen(pilot.app)
        assert isinstance(screen, ClassScreen)
        await until_read(pilot, screen)

    app = Host(lambda: ClassScreen(course, folder))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.e2e
def test_class_option_in_a_real_terminal(terminal: Terminal, folder: Path) -> None:
    """``coursemate --class DIR`` reads the folder before Textual is up (the prefetch), shows
    the roster, goes to the study screen on escape, and leaves DIR as it was."""
    before = tree_state(folder)
    terminal.run(f"{COURSEMATE} --class {folder} --learner e2e; echo EXIT=$?")
    screen = terminal.wait_for("Not started (1): Chen")
    assert "Ana María" in screen and "1/0/1/1" in screen
    terminal.keys("Escape")
    terminal.wait_for("Agile Product Management I")
    terminal.keys("q")
    terminal.wait_for("EXIT=0")
    terminal.assert_restored()
    assert tree_state(folder) == before


def test_class_option_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run("--class", str(tmp_path / "nowhere"))
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr == f"coursemate: {tmp_path / 'nowhere'}: no such folder\n"


@pytest.mark.parametrize("first", [1, 2, 10])
async def test_prefetched_rows_come_a_screenful_first_then_the_rest(
    course: Course, folder: Path, monkeypatch: pytest.MonkeyPatch, first: int
) -> None:
    """The screen tells ``--class``'s read when the first rows are shown, so the rest follow:
    with no word from the screen the read would wait for an hour."""
    import asyncio
    from concurrent.futures import Future

    from coursemate.progress import roster

    monkeypatch.setattr(roster, "RESUME_AFTER", 3600.0)
    read: Future[Course] = Future()
    read.set_result(course)
    future = roster.prefetch_class(read, folder, first)
    app = Host(lambda: ClassScreen(course, folder, future))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = top_screen(app)
        assert isinstance(screen, ClassScreen)
        await asyncio.wait_for(until_read(pilot, screen), timeout=60)
        assert [row[0] for row in cells(screen)] == ["Ana María", "Bo", "Chen"]
        assert "3 learners, 2 started" in text_of(screen, "#class-summary")


async def test_closing_the_screen_stops_the_read(course: Course, folder: Path) -> None:
    """The screen's thread worker waited for the whole folder to be read, even after the
    screen was closed, and quitting the app waited for that thread: half a minute for a "/"
    typed by mistake. Closing the screen now tells the read to stop."""
    from concurrent.futures import Future

    from coursemate.progress import roster

    read: Future[Course] = Future()  # the course is still being read: so is the folder
    future = roster.prefetch_class(read, folder, first=1)
    app = Host(lambda: ClassScreen(course, folder, future))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert isinstance(top_screen(app), ClassScreen)
            app.pop_screen()
            for _ in range(200):
                await pilot.pause()
                if future.stopped():
                    break
            assert future.stopped()
    finally:
        read.set_result(course)  # lets the read end, stopped or not
    assert isinstance(future.exception(timeout=30), roster.ReadStopped)


async def test_the_name_column_follows_the_terminal_width(course: Course, folder: Path) -> None:
    """Set once on opening, the learner column kept its width after the terminal shrank, and
    the figures went off to the right; now the table is laid out again, rows and cursor kept."""
    from textual.widgets.data_table import ColumnKey

    app = Host(lambda: ClassScreen(course, folder))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = top_screen(app)
        assert isinstance(screen, ClassScreen)
        await until_read(pilot, screen)
        table: DataTable[object] = screen.query_one("#class-table", DataTable)
        wide = table.columns[ColumnKey("learner")].width
        await pilot.press("down")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = table.columns[ColumnKey("learner")].width
        assert narrow == wide - 60
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80
        assert [row[0] for row in cells(screen)] == ["Ana María", "Bo", "Chen"]
        assert table.cursor_row == 1
