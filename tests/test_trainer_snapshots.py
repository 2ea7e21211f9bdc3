"""SVG snapshots of the agenda and the presenter at 120×40 (pytest-textual-snapshot)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

from textual.pilot import Pilot

from coursemate.course.reader import load_course
from coursemate.ui.screens.agenda import AgendaScreen
from coursemate.ui.screens.presenter import PresenterScreen
from coursemate.ui.widgets.countdown import Countdown
from helpers import FakeClock, Host

SIZE = (120, 40)

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


def test_presenter_module_two_in_its_last_minutes(
    snap_compare: Callable[..., bool], reference_path: Path
) -> None:
    course = load_course(reference_path)
    clock = FakeClock(500.0)
    app = Host(lambda: PresenterScreen(course, clock=clock))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("right", "t")
        clock.now += 112 * 60 + 48  # 7:12 left of 120 minutes
        pilot.app.screen.query_one(Countdown).tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_presenter_overrun_paused(snap_compare: Callable[..., bool], reference_path: Path) -> None:
    course = load_course(reference_path)
    clock = FakeClock(500.0)
    app = Host(lambda: PresenterScreen(course, clock=clock))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("end", "t")
        clock.now += 125 * 60 + 12  # five minutes and twelve seconds over
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
