"""SVG snapshots of the agenda and the presenter (pytest-textual-snapshot).

The presenter's clock is fixed on the reference course's first class day (Fri 7 Nov 2025,
London), so its session clock reads the same on every machine. Update after an intended
change with ``pytest tests/test_trainer_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from textwrap import dedent
from typing import Any
from zoneinfo import ZoneInfo

from textual.pilot import Pilot

from coursemate.course.reader import load_course
from coursemate.ui.screens.agenda import AgendaScreen
from coursemate.ui.screens.presenter import PresenterScreen
from coursemate.ui.widgets.countdown import Countdown
from helpers import FakeClock, Host, go, make_app, study

SIZE = (120, 40)
LONDON = ZoneInfo("Europe/London")


def class_day(hour: int, minute: int) -> FakeClock:
    """A clock at ``hour:minute`` London time on the reference course's first day."""
    return FakeClock(datetime(2025, 11, 7, hour, minute, tzinfo=LONDON).timestamp())


async def redraw(pilot: Pilot[Any]) -> None:
    """Re-read the moved clock everywhere it shows, as the presenter's intervals would."""
    screen = pilot.app.screen
    assert isinstance(screen, PresenterScreen)
    screen.query_one(Countdown).tick()
    screen.tick()
    await pilot.pause()


BROKEN = dedent(
    """\
    ---
    title: Workshop with a messy schedule
    id: messy
    syllabus:
      - id: a
        title: Opening
        duration: 90
      - id: b
        title: Deep dive
        duration: 150
      - id: c
        title: Wrap-up
        duration: 30
      - id: d
        title: Follow-up call
        duration: 45
    events:
      - start_date: 2025-10-26
        location: Room 4
        sessions:
          - start_datetime: 2025-10-26T00:00:00
            end_datetime: 2025-10-26T03:00:00
            timezone: Europe/London
            syllabus_ids: [a, b, x9]
          - start_datetime: 2025-10-26T17:00:00
            end_datetime: 2025-10-26T09:00:00
            timezone: Europe/London
            syllabus_ids: [c]
          - start_datetime: 2025-10-27T09:00:00
            end_datetime: 2025-10-27T10:00:00
            timezone: Moon/Tranquility
            syllabus_ids: [c]
    ---
    """
)


def test_agenda_reference(snap_compare: Callable[..., bool], reference_path: Path) -> None:
    course = load_course(reference_path)
    app = Host(lambda: AgendaScreen(course, tz="America/New_York"))
    assert snap_compare(app, terminal_size=SIZE)


def test_agenda_broken_schedule(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    path = tmp_path / "messy.md"
    path.write_text(BROKEN, encoding="utf-8")
    course = load_course(path)
    app = Host(lambda: AgendaScreen(course, tz="Asia/Tokyo"))
    assert snap_compare(app, terminal_size=SIZE)


def presenter_snapshot(
    snap_compare: Callable[..., bool],
    reference_path: Path,
    start: tuple[int, int],
    steps: tuple[tuple[str, ...] | float, ...],
    size: tuple[int, int] = SIZE,
) -> bool:
    """The presenter from ``start`` (London, class day) after ``steps``: key presses, or
    seconds for the clock to move."""
    course = load_course(reference_path)
    clock = class_day(*start)
    app = Host(lambda: PresenterScreen(course, clock=clock))

    async def run_before(pilot: Pilot[None]) -> None:
        for step in steps:
            if isinstance(step, tuple):
                await pilot.press(*step)
            else:
                clock.advance(step)
        await redraw(pilot)

    return bool(snap_compare(app, terminal_size=size, run_before=run_before))


def test_presenter_module_two_in_its_last_minutes(
    snap_compare: Callable[..., bool], reference_path: Path
) -> None:
    # 7:12 left of module 2's 120 minutes
    steps = (("right", "t"), 112 * 60 + 48)
    assert presenter_snapshot(snap_compare, reference_path, (11, 3), steps)


def test_presenter_overrun_paused(snap_compare: Callable[..., bool], reference_path: Path) -> None:
    # Module 1 started on time, paused five minutes and twelve seconds over: "on time".
    steps = (("t",), 125 * 60 + 12, ("t",))
    assert presenter_snapshot(snap_compare, reference_path, (9, 0), steps)


def test_presenter_80x24_running_and_behind(
    snap_compare: Callable[..., bool], reference_path: Path
) -> None:
    """A small projector: notes, the assignment's text, a running timer, 10 min behind."""
    steps = (("right", "t"), 6 * 60)
    assert presenter_snapshot(snap_compare, reference_path, (11, 10), steps, (80, 24))


def test_presenter_200x50_another_module_running(
    snap_compare: Callable[..., bool], reference_path: Path
) -> None:
    """A large projector: module 3's notes while module 2's timer runs on, and the pace."""
    steps = (("right", "t"), 100 * 60, ("right",))  # 12:50, module 2 started 11:10
    assert presenter_snapshot(snap_compare, reference_path, (11, 10), steps, (200, 50))


def test_presenter_help(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    """``?`` in the presenter: its own keys first, then the global ones."""
    # --now: the clock under the dialog reads the same every run (the test takes seconds).
    app = make_app(tmp_path, now=datetime(2025, 11, 7, 9, 10, tzinfo=LONDON))

    async def run_before(pilot: Pilot[int]) -> None:
        screen = await study(pilot)
        await go(pilot, screen, "m1")
        await pilot.press("p", "question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
