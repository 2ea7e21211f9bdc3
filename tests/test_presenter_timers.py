"""The presenter's timers outlive the screen and the app, for the day, in a file of their own.

The clock is a ``FakeClock`` reading seconds since the epoch, set on the reference course's
first class day, so "today" is that day and moving it past midnight makes a new day.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual.notifications import SeverityLevel
from textual.widgets import Digits, Static

from coursemate.course.model import Course
from coursemate.progress.timers import TIMERS_FILE, TimerBoard
from coursemate.ui.screens.presenter import PresenterScreen
from coursemate.ui.screens.study import StudyScreen
from helpers import FakeClock, Host, go, make_app, study, top_screen

LONDON = ZoneInfo("Europe/London")
CLASS_DAY = datetime(2025, 11, 7, 9, 2, tzinfo=LONDON).timestamp()


class RecordingHost(Host):
    """A host that keeps what screens notify, to check the warnings they give."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.told: list[tuple[str, SeverityLevel]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.told.append((message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def presenter(course: Course, clock: FakeClock, config: Path) -> RecordingHost:
    return RecordingHost(lambda: PresenterScreen(course, clock=clock, config_dir=config))


def digits(app: Host) -> str:
    return app.screen.query_one(Digits).value


def others(app: Host) -> str:
    return str(app.screen.query_one("#presenter-others", Static).content)


async def test_a_timer_keeps_running_after_leaving_the_presenter_and_coming_back(
    course: Course, tmp_path: Path
) -> None:
    clock = FakeClock(CLASS_DAY)
    app = presenter(course, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        clock.advance(90)
        await pilot.press("escape")
        assert not isinstance(top_screen(app), PresenterScreen)
        clock.advance(30)  # time runs on while the trainer looks elsewhere
        await app.push_screen(PresenterScreen(course, clock=clock, config_dir=tmp_path))
        await pilot.pause()
        assert digits(app) == "1:58:00"
        screen = top_screen(app)
        assert isinstance(screen, PresenterScreen)
        assert screen.check_action("pause_timer", ()) is True


async def test_the_study_screen_presenter_keeps_its_timer_between_visits(
    tmp_path: Path, course: Course
) -> None:
    app = make_app(tmp_path, config_dir=tmp_path / "config")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m2")
        await pilot.press("p", "t", "escape")
        assert isinstance(top_screen(app), StudyScreen)
        await pilot.press("p")
        await pilot.pause()
        again = top_screen(app)
        assert isinstance(again, PresenterScreen)
        assert again.step is not None and again.step.module.key == "m2"
        timer = again.timer()
        assert timer is not None and timer.running


async def test_timers_survive_a_restart_the_same_day_and_not_the_next(
    course: Course, tmp_path: Path
) -> None:
    clock = FakeClock(CLASS_DAY)
    first = presenter(course, clock, tmp_path)
    async with first.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        clock.advance(60)
        await pilot.press("right", "t")  # module 2 runs; module 1 paused at 1:59:00
        clock.advance(45)
    clock.advance(15 * 60)  # the app is closed for a quarter of an hour
    second = presenter(course, clock, tmp_path)
    async with second.run_test(size=(120, 40)) as pilot:
        assert digits(second) == "1:59:00"  # module 1, paused
        assert others(second) == "Module 2: 1:44:15 running"
        await pilot.press("right")
        assert digits(second) == "1:44:15"
        assert others(second) == ""
    assert second.told == []
    clock.advance(24 * 3600)  # the next class day starts fresh
    third = presenter(course, clock, tmp_path)
    async with third.run_test(size=(120, 40)):
        assert digits(third) == "2:00:00"
        assert others(third) == ""
    assert third.told == []


async def test_a_timer_on_another_module_is_shown(course: Course, tmp_path: Path) -> None:
    clock = FakeClock(CLASS_DAY)
    app = presenter(course, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert others(app) == ""
        await pilot.press("t")
        clock.advance(12 * 60 + 31)
        await pilot.press("right")
        assert others(app) == "Module 1: 1:47:29 running"
        await pilot.press("left", "t")  # paused: no longer announced elsewhere
        await pilot.press("right")
        assert others(app) == ""


async def test_a_broken_timers_file_is_ignored_with_a_warning_and_replaced(
    course: Course, tmp_path: Path
) -> None:
    path = tmp_path / TIMERS_FILE
    path.write_text('{"version": 1, "day": ', encoding="utf-8")
    clock = FakeClock(CLASS_DAY)
    app = presenter(course, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert digits(app) == "2:00:00"
        assert app.told == [
            (
                f"presenter timers {path}: not valid JSON at line 1:23 (Expecting value);"
                " ignored, timers start fresh",
                "warning",
            )
        ]
        await pilot.press("t")  # the next change writes a good file over it
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["day"] == "2025-11-07"
    assert saved["courses"][course.identity]["m1"] == {
        "run_seconds": 0.0,
        "running_since": CLASS_DAY,
    }


def test_a_bad_field_is_named_by_its_path(tmp_path: Path) -> None:
    clock = FakeClock(CLASS_DAY)
    data = {
        "version": 1,
        "day": "2025-11-07",
        "courses": {"41711": {"m1": {"run_seconds": "ten", "running_since": None}}},
    }
    (tmp_path / TIMERS_FILE).write_text(json.dumps(data), encoding="utf-8")
    board, problems = TimerBoard.load(tmp_path, "41711", clock)
    assert problems == [
        f"presenter timers {tmp_path / TIMERS_FILE}: courses.41711.m1.run_seconds: should be a"
        " number of seconds from 0 to 86400; ignored, timers start fresh"
    ]
    assert board.timer("m1", 120).phase == "ready"


def test_other_courses_timers_of_the_day_are_kept(tmp_path: Path) -> None:
    clock = FakeClock(CLASS_DAY)
    one, _ = TimerBoard.load(tmp_path, "course-a", clock)
    one.start("m1", 30)
    assert one.save() is None
    two, _ = TimerBoard.load(tmp_path, "course-b", clock)
    two.start("m4", 60)
    assert two.save() is None
    clock.advance(60)
    again, problems = TimerBoard.load(tmp_path, "course-a", clock)
    assert problems == []
    assert again.timer("m1", 30).display() == "29:00"
