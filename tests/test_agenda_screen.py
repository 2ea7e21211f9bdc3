"""The agenda screen driven by pilot: the course's clock or the viewer's (``z``), where the
unplanned time falls, and a course that is over."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from coursemate.course.reader import load_course
from coursemate.ui.screens.agenda import AgendaScreen
from helpers import Host


def shown(screen: AgendaScreen) -> str:
    """Every session block as plain text, as Rich lays it out 120 columns wide."""
    console = Console(width=120, record=True, file=io.StringIO())
    for widget in screen.query(".agenda-session").results(Static):
        console.print(widget.content)
    return console.export_text()


def slots(text: str, word: str) -> list[str]:
    """The time column of the rows that mention ``word``."""
    return [line.split()[0] for line in text.splitlines() if word in line]


def heading(screen: AgendaScreen) -> str:
    return str(screen.query_one("#agenda-heading", Static).content)


async def test_z_switches_every_time_between_the_course_clock_and_yours(
    reference_path: Path,
) -> None:
    course = load_course(reference_path)
    app = Host(lambda: AgendaScreen(course, tz="America/New_York"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        text = shown(screen)
        assert "Day 1 · Session 1  Fri 7 Nov 2025 09:00–17:00 Europe/London" in text
        assert "Fri 7 Nov 2025 04:00–12:00 America/New_York" in text  # yours, beside it
        assert slots(text, "Agile Product") == ["09:00–11:00", "11:00–13:00"]
        assert slots(text, "Unplanned time") == ["15:00–17:00", "15:00–17:00"]
        assert "Day 2 · Session 2" in text and "Session 1  Sat" not in text
        assert "breaks" not in text.lower()
        assert "z: yours (America/New_York)" in heading(screen)
        assert screen.check_action("local_time", ()) is True
        assert screen.check_action("course_time", ()) is False

        await pilot.press("z")
        text = shown(screen)
        assert "Day 1 · Session 1  Fri 7 Nov 2025 04:00–12:00 America/New_York" in text
        assert "course time: Fri 7 Nov 2025 09:00–17:00 Europe/London" in text
        assert slots(text, "Agile Product") == ["04:00–06:00", "06:00–08:00"]
        assert slots(text, "Unplanned time") == ["10:00–12:00", "10:00–12:00"]
        assert "Times in your timezone: America/New_York" in heading(screen)
        assert screen.check_action("course_time", ()) is True
        assert screen.focused is not None and screen.focused.id == "agenda-scroll"

        await pilot.press("z")
        assert "09:00–17:00 Europe/London" in shown(screen).splitlines()[0]


async def test_a_course_that_is_over_says_so_and_one_ahead_does_not(
    reference_path: Path,
) -> None:
    course = load_course(reference_path)
    after = Host(lambda: AgendaScreen(course, tz="UTC", now=datetime(2025, 11, 9, tzinfo=UTC)))
    async with after.run_test(size=(120, 40)):
        over = str(after.screen.query_one("#agenda-over", Static).content)
        assert over.startswith("This course is over: its last session ended Sat 8 Nov 2025.")
    before = Host(lambda: AgendaScreen(course, tz="UTC", now=datetime(2025, 11, 6, tzinfo=UTC)))
    async with before.run_test(size=(120, 40)):
        assert not before.screen.query("#agenda-over")
