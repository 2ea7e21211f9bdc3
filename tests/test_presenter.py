"""The presenter and agenda screens driven by pilot, with a clock the test moves by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest
from textual.geometry import Region
from textual.widgets import Digits, Markdown, Static

from coursemate.course.model import Course
from coursemate.course.reader import load_course
from coursemate.progress.timers import ModuleTimer, format_seconds
from coursemate.ui.screens.agenda import AgendaScreen
from coursemate.ui.screens.presenter import PresenterScreen
from coursemate.ui.widgets.countdown import Countdown
from helpers import FakeClock, Host, go, make_app, no_traceback, run, study, top_screen


def text_of(screen: PresenterScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def lines_of(screen: PresenterScreen, selector: str) -> list[str]:
    """The widget's text as painted, line by line."""
    widget = screen.query_one(selector, Static)
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))
    return [strip.text.rstrip() for strip in lines]


def digits(screen: PresenterScreen) -> str:
    return screen.query_one(Digits).value


def where(screen: PresenterScreen) -> str:
    return text_of(screen, "#presenter-where").split("   ")[0]


async def test_navigation_through_the_agenda_flow(course: Course) -> None:
    app = Host(lambda: PresenterScreen(course, clock=FakeClock()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert where(screen) == "Day 1 · Session 1 · Module 1 of 9"
        assert text_of(screen, "#presenter-title") == (
            "1. Agile Product Management I (Product vs. Project)"
        )
        assert "planned 09:00–11:00" in text_of(screen, "#presenter-where")
        # At the start there is nowhere to jump back to: the footer greys ``home`` out.
        assert screen.check_action("first", ()) is None
        assert screen.check_action("last", ()) is True

        await pilot.press("right")
        assert where(screen) == "Day 1 · Session 1 · Module 2 of 9"
        await pilot.press("space")
        assert where(screen) == "Day 1 · Session 1 · Module 3 of 9"
        await pilot.press("left")
        assert where(screen) == "Day 1 · Session 1 · Module 2 of 9"
        await pilot.press("right", "right", "right", "right")
        assert where(screen) == "Day 2 · Session 2 · Module 6 of 9"
        # The sessions end at module 6; the course goes on, in syllabus order.
        await pilot.press("right")
        assert where(screen) == "Not scheduled · Module 7 of 9"
        assert text_of(screen, "#presenter-title") == "7. Releases & Forecasting"
        assert "planned" not in text_of(screen, "#presenter-where")
        await pilot.press("home", "end")
        assert where(screen) == "Not scheduled · Module 9 of 9"
        assert text_of(screen, "#presenter-title") == "9. Catchup"
        assert text_of(screen, "#presenter-next") == "Last module"
        assert screen.check_action("last", ()) is None
        assert not screen.query_one("#presenter-status").display
        await pilot.press("right")  # past the end: stays, and says so
        assert where(screen) == "Not scheduled · Module 9 of 9"
        assert text_of(screen, "#presenter-status") == (
            "This is the last module: there is no more after it."
        )
        assert screen.query_one("#presenter-status").display
        await pilot.press("home")
        assert where(screen) == "Day 1 · Session 1 · Module 1 of 9"
        assert not screen.query_one("#presenter-status").display  # a move clears it
        await pilot.press("left")  # before the start: stays, and says so
        assert where(screen) == "Day 1 · Session 1 · Module 1 of 9"
        assert text_of(screen, "#presenter-status") == (
            "This is the first module: there is none before it."
        )


async def test_content_resources_and_assignment_are_shown(course: Course) -> None:
    app = Host(lambda: PresenterScreen(course, clock=FakeClock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        resources = lines_of(screen, "#presenter-resources")
        assert resources[0].strip() == "Resources"
        assert "• Crossing The Chasm – A Quick Summary" in resources[1]
        assert "10 Tips for Product Owners on the Product Vision" in "\n".join(resources)
        # Type and minutes in one column: whole, and lined up whatever the title's length.
        details = ["article, 15 min", "video, 15 min", "blog post, 20 min", "video, 18 min"]
        rows = [next(line for line in resources if line.endswith(d)) for d in details]
        assert len({row.rindex(d) for row, d in zip(rows, details, strict=True)}) == 1
        assert text_of(screen, "#presenter-assignment") == (
            "Assignment: Making assumptions explicit"
        )
        notes = screen.query_one("#presenter-markdown", Markdown)
        assert "describe their business strategy" in notes.source
        # The assignment's text is part of the speaker notes too.
        assignment = screen.query_one("#presenter-assignment-notes", Markdown)
        assert assignment.display
        assert "Create a vision and business model for your product." in assignment.source
        assert text_of(screen, "#presenter-next") == "Next: 3. Value-Driven Development"


async def test_countdown_start_pause_warning_overrun_and_reset(course: Course) -> None:
    clock = FakeClock()
    app = Host(lambda: PresenterScreen(course, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        countdown = screen.query_one(Countdown)
        assert digits(screen) == "2:00:00"  # module 1 is planned for 120 minutes
        assert screen.check_action("start_timer", ()) is True
        assert screen.check_action("pause_timer", ()) is False
        assert screen.check_action("reset_timer", ()) is None

        await pilot.press("t")
        assert screen.check_action("start_timer", ()) is False
        assert screen.check_action("pause_timer", ()) is True
        clock.advance(30)
        countdown.tick()
        assert digits(screen) == "1:59:30"

        await pilot.press("t")  # pause: time passing no longer counts
        clock.advance(100)
        countdown.tick()
        assert digits(screen) == "1:59:30"
        assert screen.check_action("reset_timer", ()) is True

        await pilot.press("t")
        clock.advance(6570 - 0.5)  # 10:00.5 left: not yet in the last ten minutes
        countdown.tick()
        assert digits(screen) == "10:01"
        assert not countdown.has_class("-warning")
        clock.advance(0.5)
        countdown.tick()
        assert digits(screen) == "10:00"
        assert countdown.has_class("-warning")

        clock.advance(600 + 312)
        countdown.tick()
        assert digits(screen) == "+05:12"
        assert countdown.has_class("-overrun") and not countdown.has_class("-warning")

        await pilot.press("0")
        assert digits(screen) == "2:00:00"
        assert not countdown.has_class("-overrun") and not countdown.has_class("-running")
        clock.advance(60)
        countdown.tick()
        assert digits(screen) == "2:00:00"  # reset also stops


async def test_each_module_keeps_its_own_timer(course: Course) -> None:
    clock = FakeClock()
    app = Host(lambda: PresenterScreen(course, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        await pilot.press("t")
        clock.advance(60)
        await pilot.press("right")  # a glance at the next module ...
        assert digits(screen) == "2:00:00"
        clock.advance(60)
        await pilot.press("left")  # ... and back: module 1 kept running
        assert digits(screen) == "1:58:00"
        await pilot.press("right", "t")  # starting module 2 pauses module 1
        clock.advance(30)
        await pilot.press("left")
        assert digits(screen) == "1:58:00"
        assert screen.check_action("start_timer", ()) is True
        await pilot.press("right")
        assert digits(screen) == "1:59:30"


async def test_start_key_opens_on_the_module_of_an_item(course: Course) -> None:
    module3 = course.modules[2]
    resource_key = module3.resources[0].key
    app = Host(lambda: PresenterScreen(course, start_key=resource_key))
    async with app.run_test(size=(120, 40)):
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert where(screen) == "Day 1 · Session 1 · Module 3 of 9"


async def test_escape_returns(course: Course) -> None:
    app = Host(lambda: PresenterScreen(course))
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, PresenterScreen)


def tiny(tmp_path: Path, title: str, modules: str) -> Course:
    path = tmp_path / "tiny.md"
    path.write_text(f"---\ntitle: '{title}'\n{dedent(modules)}---\n", encoding="utf-8")
    return load_course(path)


async def test_course_text_is_shown_literally_and_syllabus_order_without_events(
    tmp_path: Path,
) -> None:
    course = tiny(
        tmp_path,
        "[bold red]Loud[/] course",
        """\
        syllabus:
          - id: a
            title: "[link=https://evil.example]Click[/link] me"
            content: Plain words.
          - id: b
            title: Second
            duration: 5
        """,
    )
    clock = FakeClock()
    app = Host(lambda: PresenterScreen(course, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert text_of(screen, "#presenter-course") == "[bold red]Loud[/] course"
        assert text_of(screen, "#presenter-title") == (
            "1. [link=https://evil.example]Click[/link] me"
        )
        assert where(screen) == "Module 1 of 2"
        # No duration: the timer counts up instead of down.
        await pilot.press("t")
        clock.advance(75)
        screen.query_one(Countdown).tick()
        assert digits(screen) == "01:15"
        await pilot.press("right")
        assert where(screen) == "Module 2 of 2"
        # A 5-minute module is inside its last ten minutes from the start.
        assert screen.query_one(Countdown).has_class("-warning")


async def test_course_without_modules_does_not_crash(tmp_path: Path) -> None:
    course = tiny(tmp_path, "Empty", "")
    app = Host(lambda: PresenterScreen(course))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "left", "end", "home", "t", "0")
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert text_of(screen, "#presenter-title") == "This course has no modules to present."


async def test_agenda_screen_lists_sessions_and_opens_the_presenter(course: Course) -> None:
    app = Host(lambda: AgendaScreen(course, tz="America/New_York"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert not screen.query("#agenda-warnings")
        assert len(screen.query(".agenda-session")) == 2
        await pilot.press("p")
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("escape")
        assert top_screen(app) is screen
        await pilot.press("escape")
        assert not isinstance(app.screen, AgendaScreen)


async def test_agenda_screen_with_an_unknown_tz_falls_back_and_says_so(course: Course) -> None:
    app = Host(lambda: AgendaScreen(course, tz="Mars/Olympus"))
    async with app.run_test(size=(120, 40)):
        warnings = str(app.screen.query_one("#agenda-warnings", Static).content)
        assert "unknown timezone 'Mars/Olympus'" in warnings


def test_timer_formatting() -> None:
    assert format_seconds(312) == "05:12"
    assert format_seconds(3600 + 312) == "1:05:12"
    clock = FakeClock()
    timer = ModuleTimer(1, clock)
    timer.start()
    clock.advance(0.2)
    assert timer.display() == "01:00"  # rounds up: it never shows 00:59 too early
    clock.advance(59.8)
    assert timer.display() == "00:00" and not timer.overrun
    clock.advance(1)
    assert timer.display() == "+00:01" and timer.overrun


# --- the whole course from the study screen, the session clock, --now, the projector -------

LONDON = ZoneInfo("Europe/London")


def at(hour: int, minute: int, second: int = 0, day: int = 7) -> FakeClock:
    """A clock on the reference course's class day (Fri 7 Nov 2025), London time."""
    return FakeClock(datetime(2025, 11, day, hour, minute, second, tzinfo=LONDON).timestamp())


@pytest.mark.parametrize(
    ("key", "title"),
    [
        ("m7", "7. Releases & Forecasting"),  # in no session
        ("m8/a", "8. Closing"),  # an assignment in an unscheduled module
        ("m2/r/10-tips-for-product-owners-on-the-product-vision", "2. Agile Product Management II"),
    ],
)
async def test_p_opens_on_the_selected_module_whichever_it_is(
    tmp_path: Path, key: str, title: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, key)
        await pilot.press("p")
        shown = top_screen(app)
        assert isinstance(shown, PresenterScreen)
        assert text_of(shown, "#presenter-title").startswith(title)


def clock_line(screen: PresenterScreen) -> str:
    return text_of(screen, "#presenter-clock")


async def test_session_clock_says_how_far_behind_or_ahead_the_class_is(course: Course) -> None:
    clock = at(11, 14)
    app = Host(lambda: PresenterScreen(course, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        # Module 1 was planned 09:00–11:00 and has not started: far behind.
        assert clock_line(screen) == (
            "Now 11:14 Europe/London · session ends 17:00 · behind by 134 min"
        )
        await pilot.press("right")  # module 2, planned from 11:00
        assert clock_line(screen) == (
            "Now 11:14 Europe/London · session ends 17:00 · behind by 14 min"
        )
        await pilot.press("t")
        clock.advance(20 * 60)
        screen.tick()
        # Started at 11:14: still 14 minutes behind, whatever the time now.
        assert clock_line(screen) == (
            "Now 11:34 Europe/London · session ends 17:00 · behind by 14 min"
        )
        await pilot.press("right")  # module 3, planned 13:00, not started at 11:34
        assert clock_line(screen).endswith("ahead by 86 min")
        clock.advance(86 * 60 + 30)  # 13:00:30: within the minute
        screen.tick()
        assert clock_line(screen).endswith(" · on time")
        await pilot.press("end")  # module 9: in no session
        assert clock_line(screen).startswith("Now ")
        assert clock_line(screen).endswith("local · no session time for this module")


async def test_session_clock_on_another_day_names_the_module_s_day(course: Course) -> None:
    clock = at(8, 30, day=8)  # Saturday: module 1 is Friday's
    app = Host(lambda: PresenterScreen(course, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert clock_line(screen) == (
            "Now 08:30 Europe/London · session ends 17:00 · "
            "this module is planned for Fri 7 Nov 2025"
        )
        await pilot.press("right", "right", "right")  # module 4: Saturday at 09:00
        assert clock_line(screen).endswith("session ends 17:00 · ahead by 30 min")


async def test_now_option_sets_the_presenter_clock(tmp_path: Path) -> None:
    now = datetime(2025, 11, 8, 9, 10, tzinfo=ZoneInfo("America/New_York"))  # 14:10 London
    app = make_app(tmp_path, now=now)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await study(pilot)
        await go(pilot, screen, "m6")  # Saturday 13:00–15:00 London
        await pilot.press("p")
        shown = top_screen(app)
        assert isinstance(shown, PresenterScreen)
        # The rehearsal clock runs on from --now: this test takes far less than a minute.
        assert clock_line(shown) == (
            "Now 14:10 Europe/London · session ends 17:00 · behind by 70 min"
        )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-11-07T10:14", "with a UTC offset"),
        ("tomorrow", "is not an ISO date and time"),
    ],
)
def test_now_option_refuses_a_moment_without_an_offset(value: str, problem: str) -> None:
    result = run("--now", value)
    assert result.returncode == 2
    assert f"argument --now: '{value}' is not an ISO date and time with a UTC offset" in (
        result.stderr
    )
    assert problem in result.stderr
    no_traceback(result)


async def test_resource_titles_stay_whole_on_a_small_projector(course: Course) -> None:
    app = Host(lambda: PresenterScreen(course, clock=FakeClock()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        resources = [line.strip() for line in lines_of(screen, "#presenter-resources")]
        # Each title starts on its own line and fills it before it wraps (once at most):
        # never a sliver of a few words per line beside a column of details.
        for title in (
            "Crossing The Chasm – A Quick Summary",
            "10 Tips for Product Owners on the Product Vision",
            "Geoffrey Moore, Crossing the Chasm: What's New, What's Not",
            "How great leaders inspire action",
        ):
            first = next(i for i, line in enumerate(resources) if line.startswith(f"• {title[:8]}"))
            whole = " ".join(resources[first : first + 2])
            assert f"• {title}" in whole, (title, resources)
            assert len(resources[first]) >= min(len(title) + 2, 40), (title, resources)
        title_lines = lines_of(screen, "#presenter-title")
        assert "2. Agile Product Management II (Business Strategy and Product Vision)" in (
            " ".join(line.strip() for line in title_lines)
        )
